package dev.parley.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands work about a session to the instance that owns it. Work for this instance (or for a session with no known
 * owner) runs here at once; work for another member goes to that member's twin of the address. A member that does not
 * answer in time is asked again, up to {@link #MAX_ATTEMPTS} times; one that left the cluster (or has no such
 * address) is not: the work then runs here, so it is never dropped.
 */
public final class OwnerRoute {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerRoute.class);

  /** Sends to a live owner before the work runs here instead. */
  static final int MAX_ATTEMPTS = 3;

  private final Vertx vertx;
  private final EventBus bus;
  private final String instanceId;
  private final DeliveryOptions options;
  private final Predicate<String> isMember;

  public OwnerRoute(Vertx vertx, String instanceId, long timeoutMs, Predicate<String> isMember) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.instanceId = instanceId;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
    this.isMember = isMember;
  }

  public String instanceId() {
    return instanceId;
  }

  public boolean isHere(String owner) {
    return owner == null || owner.isEmpty() || owner.equals(instanceId);
  }

  /** Runs {@code here} with the body when this instance owns it; else sends it to the owner's twin of {@code address}. */
  public <T> void route(String owner, String address, T body, Consumer<T> here) {
    route(owner, address, body, here, 1);
  }

  private <T> void route(String owner, String address, T body, Consumer<T> here, int attempt) {
    if (isHere(owner)) {
      here.accept(body);
      return;
    }
    bus.request(Addresses.at(owner, address), body, options).onFailure(e -> {
      boolean gone = !isMember.test(owner)
          || e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
      if (gone || attempt >= MAX_ATTEMPTS) {
        LOG.warn("owner not reached owner={} address={} attempt={}: {}; handled here instance={}", owner, address,
            attempt, e.getMessage(), instanceId);
        here.accept(body);
      } else {
        LOG.warn("owner slow to answer owner={} address={} attempt={}: {}; asking again", owner, address, attempt,
            e.getMessage());
        vertx.setTimer(options.getSendTimeout(), id -> route(owner, address, body, here, attempt + 1));
      }
    });
  }

  /** The cluster-visible twin of {@code address} for this instance: what other members route here. */
  public <T> MessageConsumer<T> twin(String address, Consumer<T> handler) {
    return bus.consumer(Addresses.at(instanceId, address), (Message<T> m) -> {
      handler.accept(m.body());
      m.reply(null);
    });
  }
}
