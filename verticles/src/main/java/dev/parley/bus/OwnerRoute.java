package dev.parley.bus;

import dev.parley.codecs.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands work about a session to the instance that owns it. Work for this instance (or for a session with no known
 * owner) runs here at once; work for another member goes to that member's twin of the address, once. It is never
 * sent again: a live member gets what was sent to it, and sending again to a slow one only adds to its load. Work
 * still unanswered runs here when its owner leaves the cluster ({@link #memberLost}), when the owner has no such
 * address, or when a member that stayed did not answer within the owner timeout; so no work is dropped.
 */
public final class OwnerRoute {
  private static final Logger LOG = LoggerFactory.getLogger(OwnerRoute.class);

  private final EventBus bus;
  private final String instanceId;
  private final DeliveryOptions options;
  private final Predicate<String> isMember;
  /** Per owner, the fallbacks of the work it has not answered yet, in the order it was sent. */
  private final Map<String, Map<Long, Runnable>> unanswered = new HashMap<>();
  private long nextId;

  public OwnerRoute(Vertx vertx, String instanceId, long ownerTimeoutMs, Predicate<String> isMember) {
    this.bus = vertx.eventBus();
    this.instanceId = instanceId;
    this.options = new DeliveryOptions().setSendTimeout(ownerTimeoutMs);
    this.isMember = isMember;
  }

  public String instanceId() {
    return instanceId;
  }

  public boolean isHere(String owner) {
    return owner == null || owner.isEmpty() || owner.equals(instanceId);
  }

  /**
   * Runs {@code here} with the body when this instance owns it; else sends it to the owner's twin of {@code address}.
   * The future completes when the owner answered or the work ran here.
   */
  public <T> Future<Void> route(String owner, String address, T body, Consumer<T> here) {
    if (isHere(owner)) {
      here.accept(body);
      return Future.succeededFuture();
    }
    if (!isMember.test(owner)) {
      LOG.info("owner left the cluster owner={} address={}; handled here instance={}", owner, address, instanceId);
      here.accept(body);
      return Future.succeededFuture();
    }
    long id = nextId++;
    Promise<Void> done = Promise.promise();
    unanswered.computeIfAbsent(owner, o -> new LinkedHashMap<>()).put(id, () -> {
      here.accept(body);
      done.tryComplete();
    });
    bus.request(Addresses.at(owner, address), body, options).onComplete(ar -> {
      Map<Long, Runnable> waiting = unanswered.get(owner);
      Runnable fallback = waiting == null ? null : waiting.remove(id);
      if (waiting != null && waiting.isEmpty()) {
        unanswered.remove(owner);
      }
      if (fallback == null) {
        return; // already run here when the owner left
      }
      if (ar.succeeded()) {
        done.complete();
        return;
      }
      LOG.warn("owner not reached owner={} address={}: {}; handled here instance={}", owner, address,
          ar.cause().getMessage(), instanceId);
      fallback.run();
    });
    return done.future();
  }

  /** The owner left the cluster: what it has not answered runs here now, not when its requests time out. */
  public void memberLost(String owner) {
    Map<Long, Runnable> waiting = unanswered.remove(owner);
    if (waiting == null) {
      return;
    }
    LOG.warn("owner left with work unanswered owner={} count={}; handled here instance={}", owner, waiting.size(),
        instanceId);
    for (Runnable fallback : waiting.values()) {
      try {
        fallback.run();
      } catch (RuntimeException e) {
        LOG.error("work of a lost owner failed here owner={} instance={}", owner, instanceId, e);
      }
    }
  }

  /** How much work {@code owner} has not answered yet. */
  public int unanswered(String owner) {
    Map<Long, Runnable> waiting = unanswered.get(owner);
    return waiting == null ? 0 : waiting.size();
  }

  /** The cluster-visible twin of {@code address} for this instance: what other members route here. */
  public <T> MessageConsumer<T> twin(String address, Consumer<T> handler) {
    return bus.consumer(Addresses.at(instanceId, address), (Message<T> m) -> {
      try {
        handler.accept(m.body());
      } catch (RuntimeException e) {
        // the sender runs the work itself at once, rather than after its owner timeout
        LOG.error("routed work failed address={} instance={}", address, instanceId, e);
        m.fail(ErrorCode.INTERNAL.busCode(), String.valueOf(e.getMessage()));
        return;
      }
      m.reply(null);
    });
  }
}
