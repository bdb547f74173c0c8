package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.store.RedisStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Http;
import dev.parley.testing.Peer;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestScheduler;
import dev.parley.timeout.TimeoutVerticle;
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
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance whose event loops run late refuses new sessions for a while and says so on /ready, and takes only a
 * share of its sessions' new turns, refusing the others at once; the sessions it has, and those that resume, go on.
 */
@ExtendWith(VertxExtension.class)
class OverloadEndToEndTest {
  private static final long STALL_MS = 400;
  /**
   * The lateness limit the tests run under. The sockets' tick comes every 100 ms, so of the ticks due in one stall the
   * first runs at least STALL_MS - 100 = 300 ms late, whatever the phase: with a limit below that, every stall keeps
   * the instance overloaded, not about half of them (which let /ready answer 200 mid-stall once in a few dozen runs).
   */
  private static final String OVERLOAD_LAG_MS = "250";
  /** Turns a session sends while the instance is behind, and again after. */
  private static final int TURNS = 10;
  private static final String ADMITTED_SHARE = "parley_turns_admitted_share";

  @Test
  void anInstanceBehindOnItsWorkRefusesNewSessionsAndShedsTurnsButServesTheSessionsItHas(Vertx vertx) throws InterruptedException {
    Scheduler s = TestScheduler.start(vertx, Map.of("server.overloadLagMs", OVERLOAD_LAG_MS));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser served = Browser.connect(vertx, s.port()).start()) {
      node.beatEvery(vertx, 1_000); // the stalls last longer than a heartbeat timeout
      assertThat(Http.get(vertx, s.port(), "/ready", null).status()).isEqualTo(200);
      Browser left = Browser.connect(vertx, s.port()).start();
      left.close(); // its socket lost: the session waits to be resumed

      List<Integer> shed = new ArrayList<>();
      try (Stalls stalls = Stalls.start(vertx)) {
        Http.Answer ready = awaitOverloaded(vertx, s.port());
        assertThat(ready.json().getString("reason")).contains("overloaded");

        try (Browser refused = Browser.connect(vertx, s.port())) {
          refused.peer.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es"));
          JsonObject error = refused.peer.await("error");
          assertThat(error.getString("code")).isEqualTo("OVERLOADED");
          refused.peer.awaitClosed(Duration.ofSeconds(10)); // so the client reconnects rather than waits
          assertThat(refused.peer.received("session_init_ack")).isEmpty();
        }
        // the sessions it has go on, in part: every new turn ends in one outcome, most of them refused at once
        awaitAdmittedShare(vertx, s.port(), share -> share <= 0.25, "the share of turns admitted cut");
        for (int i = 0; i < TURNS; i++) {
          served.utterance(i, 100, true);
        }
        for (int i = 0; i < TURNS; i++) {
          JsonObject outcome = awaitOutcome(served, i);
          if ("missing_result".equals(outcome.getString("type"))) {
            assertThat(outcome.getString("reason")).isEqualTo("no_available_node");
            assertThat(outcome.getString("job_id")).isNotBlank();
            shed.add(i);
          } else {
            assertThat(outcome.getString("text_asr")).isEqualTo("text " + i);
          }
        }
        assertThat(shed).as("refused turns").isNotEmpty();
        assertThat(node.assigns()).as("a refused turn costs no node")
            .noneMatch(a -> shed.contains(a.getInteger("utterance_index")));
        assertThat(served.peer.received("ui_event")).as("each refusal told as it happens")
            .filteredOn(e -> "NO_AVAILABLE_NODE".equals(e.getString("event")))
            .extracting(e -> e.getInteger("utterance_index"), e -> e.getString("status"))
            .containsAll(shed.stream().map(i -> tuple(i, "overloaded")).toList());
        // and one that comes back
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
      // and, its share back to all, it takes every turn
      awaitAdmittedShare(vertx, s.port(), share -> share == 1.0, "every turn admitted again");
      for (int i = TURNS; i < 2 * TURNS; i++) {
        served.utterance(i, 100, true);
        assertThat(served.awaitResult(i).getString("text_asr")).isEqualTo("text " + i);
      }
      assertThat(served.peer.received("missing_result")).hasSize(shed.size());
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

  @Test
  void aNodesDeadlineWaitsWhileTheInstanceRunsBehindAndStillMovesTheTurnInTheEnd(Vertx vertx)
      throws InterruptedException {
    long ackTimeoutMs = 4_000; // long enough for the stalls to make the instance overloaded before it comes due
    Scheduler s = TestScheduler.start(vertx, Map.of("server.overloadLagMs", OVERLOAD_LAG_MS,
        "dispatch.ackTimeoutMs", String.valueOf(ackTimeoutMs)));
    try (FakeNode silent = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      silent.ack = false; // its ack never comes: its turn must move, but not for the instance's own lateness
      silent.answer = FakeNode.Answer.NEVER;
      silent.beatEvery(vertx, 1_000);
      b.utterance(0, 100, true);
      String jobId = silent.awaitAssigns(1).get(0).getString("job_id");
      long assignedAt = System.currentTimeMillis();
      try (FakeNode other = FakeNode.register(vertx, s.port(), "n2", 4, "en>es")) {
        other.beatEvery(vertx, 1_000);
        try (Stalls stalls = Stalls.start(vertx)) {
          awaitOverloaded(vertx, s.port());
          JsonObject moved = other.await(f -> "job_assign".equals(f.getString("type"))
              && jobId.equals(f.getString("job_id")), Duration.ofSeconds(30), "the job moved to n2");
          long movedAfter = System.currentTimeMillis() - assignedAt;
          assertThat(moved.getInteger("attempt_id")).isEqualTo(2);
          assertThat(movedAfter).as("the ACK deadline waited while the instance ran behind")
              .isGreaterThanOrEqualTo(ackTimeoutMs + 2 * TimeoutVerticle.DEFER_MS);
        }
        assertThat(b.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
      }
    }
  }

  @Test
  void aRedisRunningBehindMakesTheInstanceOverloadedAndShedThoughItsLoopsKeepTime(Vertx vertx)
      throws InterruptedException {
    try (RedisServer redis = RedisServer.inMemory().start()) {
      RedisStore store = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of("server.overloadLagMs", "500"), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        b.utterance(0, 100, true);
        assertThat(b.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
        assertThat(Http.get(vertx, s.port(), "/ready", null).status()).isEqualTo(200);

        // Redis busy with other work for 1.5 s, as a saturated one is: the calls made meanwhile wait behind it
        Thread busy = new Thread(() -> redis.call("EVAL", BUSY_SCRIPT, "0", "1500"), "busy-redis");
        busy.start();
        awaitOverloaded(vertx, s.port());
        double share = admittedShare(vertx, s.port());
        busy.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(share).as("new turns shed while Redis ran behind").isLessThan(1.0);

        // once its calls are answered at once again, it takes every turn
        awaitAdmittedShare(vertx, s.port(), x -> x == 1.0, "every turn admitted again");
        b.utterance(1, 100, true);
        assertThat(b.awaitResult(1).getString("text_asr")).isEqualTo("text 1");
        assertThat(b.peer.received("missing_result")).isEmpty();
      }
    }
  }

  /** Runs in Redis for ARGV[1] ms, checking its clock: Redis answers nothing else meanwhile. */
  private static final String BUSY_SCRIPT = """
      local function now() local t = redis.call('TIME') return t[1] * 1000 + math.floor(t[2] / 1000) end
      local start = now()
      while now() - start < tonumber(ARGV[1]) do end
      return 1""";

  private static double admittedShare(Vertx vertx, int port) {
    String body = Http.get(vertx, port, "/metrics", null).body();
    return body.lines().filter(l -> l.startsWith(ADMITTED_SHARE + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(ADMITTED_SHARE.length() + 1).trim())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + ADMITTED_SHARE + " in /metrics"));
  }

  /** The first outcome, translation_result or missing_result, for the index. */
  private static JsonObject awaitOutcome(Browser b, int index) {
    return b.peer.await(f -> ("translation_result".equals(f.getString("type"))
        || "missing_result".equals(f.getString("type"))) && f.getInteger("utterance_index") == index,
        Peer.WAIT, "the outcome of " + index);
  }

  private static void awaitAdmittedShare(Vertx vertx, int port, DoublePredicate wanted, String what)
      throws InterruptedException {
    long until = System.currentTimeMillis() + 20_000;
    while (true) {
      double share = admittedShare(vertx, port);
      if (wanted.test(share)) {
        return;
      }
      assertThat(System.currentTimeMillis()).as(what + " (now " + share + ")").isLessThan(until);
      Thread.sleep(50); // polling /metrics: the share moves with the loops' ticks, which send no event
    }
  }

  /**
   * Polls /ready until it answers 503 saying overloaded. A /ready made while Redis is busy waits for its own store
   * call, and answers that the store does not answer; the late answer of that call is what makes it overloaded.
   */
  private static Http.Answer awaitOverloaded(Vertx vertx, int port) throws InterruptedException {
    long until = System.currentTimeMillis() + 15_000;
    while (true) {
      Http.Answer a = Http.get(vertx, port, "/ready", null);
      if (a.status() == 503 && a.json().getString("reason").contains("overloaded")) {
        return a;
      }
      assertThat(System.currentTimeMillis()).as("/ready says overloaded (now " + a.body() + ")").isLessThan(until);
      Thread.sleep(20); // polling /ready: a late tick or a late store answer has no event to await
    }
  }
}
