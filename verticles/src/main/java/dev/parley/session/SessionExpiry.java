package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.store.SchedulerStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a detached session nobody resumed within its window, on the instance that holds its lease: the one whose
 * socket closed, or the one that adopted it from a lost instance.
 */
public final class SessionExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionExpiry.class);

  private SessionExpiry() {}

  /** In {@code windowMs}: removes the session if it is still detached since then and still leased to this instance. */
  public static void expireIfAway(Vertx vertx, SchedulerStore store, String instanceId, String sessionId,
      long windowMs) {
    vertx.setTimer(windowMs, id -> store.session(sessionId).onSuccess(s -> {
      if (s != null && s.detachedAtMs() > 0 && System.currentTimeMillis() - s.detachedAtMs() >= windowMs
          && instanceId.equals(s.ownerInstance())) {
        LOG.info("session expired trace_id={} session_id={}", s.traceId(), sessionId);
        store.removeSession(sessionId).onComplete(ar -> vertx.eventBus().publish(Addresses.SESSION_ENDED,
            new SessionRef(sessionId, s.nextUtteranceIndex())));
      }
    }).onFailure(e -> LOG.warn("session expiry not checked session_id={}: {}", sessionId, e.getMessage())));
  }
}
