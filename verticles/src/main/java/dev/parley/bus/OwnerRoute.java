package dev.parley.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands work about a session to the instance that owns it. Work for this instance (or for a session with no known
 * owner) runs here at once; work for another member goes to that member's twin of the address; when that member
 * cannot be reached (it left the cluster, or does not answer in time) the work runs here, so it is never dropped.
 */
public final class OwnerRoute {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerRoute.class);

  private final EventBus bus;
  private final String instanceId;
  private final DeliveryOptions options;

  public OwnerRoute(EventBus bus, String instanceId, long timeoutMs) {
    this.bus = bus;
    this.instanceId = instanceId;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public String instanceId() {
    return instanceId;
  }

  public boolean isHere(String owner) {
    return owner == null || owner.isEmpty() || owner.equals(instanceId);
  }

  /** Runs {@code here} with the body when this instance owns it; else sends it to the owner's twin of {@code address}. */
  public <T> void route(String owner, String address, T body, Consumer<T> here) {
    if (isHere(owner)) {
      here.accept(body);
      return;
    }
    bus.request(Addresses.at(owner, address), body, options).onFailure(e -> {
      LOG.warn("owner not reached owner={} address={}: {}; handled here instance={}", owner, address,
          e.getMessage(), instanceId);
      here.accept(body);
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
