package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Http;
import dev.parley.testing.TestScheduler;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance whose event loops run late refuses new sessions for a while and says so on /ready, while the sessions
 * it has, and those that resume, go on.
 */
@ExtendWith(VertxExtension.class)
class OverloadEndToEndTest {
  private static final long STALL_MS = 400;

  @Test
  void anInstanceBehindOnItsWorkRefusesNewSessionsButServesThoseItHas(Vertx vertx) throws InterruptedException {
    Scheduler s = TestScheduler.start(vertx, Map.of("server.overloadLagMs", "300"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser served = Browser.connect(vertx, s.port()).start()) {
      assertThat(Http.get(vertx, s.port(), "/ready", null).status()).isEqualTo(200);
      Browser left = Browser.connect(vertx, s.port()).start();
      left.close(); // its socket lost: the session waits to be resumed

      try (Stalls stalls = Stalls.start(vertx)) {
        Http.Answer ready = awaitNotReady(vertx, s.port());
        assertThat(ready.json().getString("reason")).contains("overloaded");

        try (Browser refused = Browser.connect(vertx, s.port())) {
          refused.peer.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es"));
          JsonObject error = refused.peer.await("error");
          assertThat(error.getString("code")).isEqualTo("OVERLOADED");
          refused.peer.awaitClosed(Duration.ofSeconds(10)); // so the client reconnects rather than waits
          assertThat(refused.peer.received("session_init_ack")).isEmpty();
        }
        // the sessions it has go on: one that streams, and one that comes back
        served.utterance(0, 400, true);
        assertThat(served.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
        try (Browser back = Browser.connect(vertx, s.port())) {
          back.start(new JsonObject().put("src_lang", "en").put("tgt_lang", "es").put("audio_format", "opus")
              .put("resume_token", left.resumeToken));
          assertThat(back.sessionId).isEqualTo(left.sessionId);
        }
        assertThat(Http.get(vertx, s.port(), "/ready", null).status()).as("still overloaded").isEqualTo(503);
      }

      // once its loops keep time again, it takes new sessions
      long until = System.currentTimeMillis() + Duration.ofSeconds(15).toMillis();
      while (Http.get(vertx, s.port(), "/ready", null).status() != 200) {
        assertThat(System.currentTimeMillis()).as("ready again").isLessThan(until);
        Thread.sleep(50); // polling /ready: lateness ending has no event to await
      }
      try (Browser later = Browser.connect(vertx, s.port()).start()) {
        assertThat(later.sessionId).isNotBlank();
      }
    }
  }

  /**
   * Keeps every event loop busy, as a burst of work would, until closed: a stall on each of Vert.x's event loops,
   * again and again, so whichever loops the instance's verticles are on run their ticks late.
   */
  private static final class Stalls implements AutoCloseable {
    private final AtomicBoolean on = new AtomicBoolean(true);
    private final Thread feeder;

    private Stalls(Vertx vertx) {
      feeder = new Thread(() -> {
        List<EventExecutor> loops = new ArrayList<>();
        ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
        while (on.get()) {
          CountDownLatch done = new CountDownLatch(loops.size());
          for (EventExecutor loop : loops) { // every event loop, so whichever the instance's verticles are on
            loop.execute(() -> {
              long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MS);
              while (System.nanoTime() < end) {
                Thread.onSpinWait(); // busy, as real work is
              }
              done.countDown();
            });
          }
          try {
            done.await();
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "stalls");
      feeder.start();
    }

    static Stalls start(Vertx vertx) {
      return new Stalls(vertx);
    }

    @Override
    public void close() throws InterruptedException {
      on.set(false);
      feeder.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(feeder.isAlive()).as("stalls ended").isFalse();
    }
  }

  private static Http.Answer awaitNotReady(Vertx vertx, int port) throws InterruptedException {
    long until = System.currentTimeMillis() + 15_000;
    while (true) {
      Http.Answer a = Http.get(vertx, port, "/ready", null);
      if (a.status() == 503) {
        return a;
      }
      assertThat(System.currentTimeMillis()).as("/ready says overloaded").isLessThan(until);
      Thread.sleep(20); // polling /ready: the late tick has no event to await
    }
  }
}
