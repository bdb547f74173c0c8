package dev.parley.bus;

import dev.parley.codecs.protocol.UiEvent;
import dev.parley.store.JobInfo;
import io.vertx.core.eventbus.EventBus;

/**
 * Progress events for the browser; best effort (a session away from its socket, or whose socket is on another instance
 * than the one reporting, simply misses them).
 */
public final class SessionEvents {
  private SessionEvents() {}

  public static void uiEvent(EventBus bus, JobInfo job, String event, String status, long nowMs) {
    uiEvent(bus, new UiEvent(job.sessionId(), job.jobId(), Math.toIntExact(job.utteranceIndex()), event, status,
        nowMs - job.createdAtMs(), job.traceId()));
  }

  public static void uiEvent(EventBus bus, UiEvent e) {
    bus.send(Addresses.session(e.sessionId()), e.toJson().encode(), Addresses.local());
  }
}
