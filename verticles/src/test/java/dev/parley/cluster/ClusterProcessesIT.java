package dev.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bus.Ids;
import dev.parley.store.NodeInfo;
import dev.parley.store.RedisStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.RedisServer;
import dev.parley.testing.Registry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two scheduler processes from the fat jar, clustered, on a redis-server with its append-only file: one is killed
 * with SIGKILL while a browser streams, and every job of the stream still ends with exactly one outcome.
 */
@ExtendWith(VertxExtension.class)
class ClusterProcessesIT {
  private static final Duration START = Duration.ofSeconds(60);
  /** What a scheduler prints once its sockets listen. */
  private static final String READY = "ready: ws://";

  /** What a test does with two clustered instances A and B, each on its port, on one redis-server. */
  private interface TwoInstances {
    void run(String redisUrl, ParleyProcess a, ParleyProcess b, int portA, int portB);
  }

  /** Starts A, then B (members join one after another), runs the test, and on a failure shows what both printed. */
  private static void withTwoInstances(TwoInstances test) {
    String cluster = "parley-it-" + Ids.token(6);
    try (RedisServer redis = RedisServer.withAof().start()) {
      int portA = ParleyProcess.freePort();
      int portB = ParleyProcess.freePort();
      try (ParleyProcess a = scheduler("A", cluster, redis.url(), portA)) {
        a.awaitLine(READY, START);
        try (ParleyProcess b = scheduler("B", cluster, redis.url(), portB)) {
          b.awaitLine(READY, START);
          a.awaitLine("cluster member joined", START);
          try {
            test.run(redis.url(), a, b, portA, portB);
          } catch (Exception | AssertionError e) {
            throw new AssertionError("A (port " + portA + "):\n" + a.output() + "\nB (port " + portB + "):\n"
                + b.output(), e);
          }
        }
      }
    }
  }

  @Test
  void killingAnInstanceMidStreamLosesNoJob(Vertx vertx) {
    withTwoInstances((redisUrl, a, b, portA, portB) ->
        run(vertx, Await.result(RedisStore.connect(vertx, redisUrl)), a, b, portA, portB));
  }

  private void run(Vertx vertx, RedisStore registry, ParleyProcess a, ParleyProcess b, int portA, int portB) {
    try (FakeNode onA = FakeNode.register(vertx, portA, "node-a", 8, "en>es");
        FakeNode onB = FakeNode.register(vertx, portB, "node-b", 8, "en>es");
        Browser browser = Browser.connect(vertx, portA).start()) {
      onA.beatEvery(vertx, 1000);
      onB.beatEvery(vertx, 1000);
      // B's node takes the first jobs (A's drains meanwhile) and hangs on them
      Registry.awaitCount(registry, 2);
      onA.status = "draining";
      onB.answer = FakeNode.Answer.NEVER;
      Registry.awaitStatus(registry, "node-a", NodeInfo.NodeStatus.DRAINING);
      for (int i = 0; i < 4; i++) {
        browser.utterance(i, 400, true);
      }
      Set<String> stranded = onB.awaitAssigns(4).stream().map(j -> j.getString("job_id"))
          .collect(Collectors.toSet());
      onA.status = "ready";
      Registry.awaitStatus(registry, "node-a", NodeInfo.NodeStatus.READY);

      long killedAt = System.currentTimeMillis();
      b.kill();
      // the stream goes on while the cluster notices
      for (int i = 4; i < 8; i++) {
        browser.utterance(i, 400, true);
      }
      for (int i = 0; i < 4; i++) {
        JsonObject r = browser.peer.await(resultFor(i), Duration.ofSeconds(10), "translation_result " + i);
        assertThat(r.getString("text_asr")).isEqualTo("text " + i);
      }
      long failoverMs = System.currentTimeMillis() - killedAt;
      System.out.println("failover after SIGKILL: " + failoverMs + " ms");
      assertThat(failoverMs).as("failover after the kill").isLessThan(10_000);
      for (int i = 4; i < 8; i++) {
        browser.peer.await(resultFor(i), Duration.ofSeconds(15), "translation_result " + i);
      }
      assertThat(onA.assigns().stream().filter(j -> stranded.contains(j.getString("job_id")))
          .map(j -> j.getInteger("attempt_id")).toList()).hasSize(4).containsOnly(2);

      browser.peer.drain(Duration.ofMillis(500));
      List<Integer> outcomes = browser.peer.received().stream()
          .filter(f -> List.of("translation_result", "missing_result").contains(f.getString("type")))
          .map(f -> f.getInteger("utterance_index")).toList();
      assertThat(outcomes).as("outcomes; A's output:\n" + a.output()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }
  }

  @Test
  void sigtermDrainsAnInstanceAndItsBrowserFinishesTheStreamOnTheOther(Vertx vertx) {
    withTwoInstances((redisUrl, a, b, portA, portB) -> drain(vertx, a, portA, portB));
  }

  private void drain(Vertx vertx, ParleyProcess a, int portA, int portB) {
    // A's node serves another pair: the stream's jobs run on B's, and A lets its own node go once idle
    try (FakeNode onA = FakeNode.register(vertx, portA, "node-a", 8, "de>en");
        FakeNode onB = FakeNode.register(vertx, portB, "node-b", 8, "en>es");
        Browser browser = Browser.connect(vertx, portA).start()) {
      for (int i = 0; i < 3; i++) {
        browser.utterance(i, 400, true);
        browser.peer.await(resultFor(i), Duration.ofSeconds(10), "translation_result " + i);
      }
      onB.answer = FakeNode.Answer.NEVER;
      browser.utterance(3, 400, true);
      browser.utterance(4, 400, true);
      List<JsonObject> running = onB.awaitAssigns(5).subList(3, 5);
      long stoppedAt = System.currentTimeMillis();
      a.terminate();
      a.awaitLine("shutting down", Duration.ofSeconds(10));
      // the running jobs end where they run; A delivers their outcomes before it lets the browser go
      running.forEach(onB::answer);
      for (int i = 3; i < 5; i++) {
        browser.peer.await(resultFor(i), Duration.ofSeconds(10), "translation_result " + i);
      }
      browser.peer.awaitClosed(Duration.ofSeconds(10));
      assertThat(browser.peer.closeStatus()).isEqualTo((short) 1001);
      onA.awaitClosed(Duration.ofSeconds(10));
      assertThat(onA.closeStatus()).isEqualTo((short) 1001);
      a.awaitExit(Duration.ofSeconds(20));
      System.out.println("drained and stopped after SIGTERM: " + (System.currentTimeMillis() - stoppedAt) + " ms");
      assertThat(a.output()).contains("shut down instance=");

      onB.answer = FakeNode.Answer.AT_TURN_END;
      try (Browser resumed = Browser.connect(vertx, portB)) {
        JsonObject init = new JsonObject().put("src_lang", "en").put("tgt_lang", "es").put("audio_format", "opus")
            .put("resume_token", browser.resumeToken).put("last_utterance_index", 4);
        resumed.start(init);
        assertThat(resumed.sessionId).isEqualTo(browser.sessionId);
        resumed.utterance(5, 400, true);
        resumed.peer.await(resultFor(5), Duration.ofSeconds(10), "translation_result 5 after the resume");
        resumed.peer.drain(Duration.ofMillis(500));
        browser.peer.drain(Duration.ofMillis(100));
        List<Integer> before = outcomes(browser.peer.received());
        List<Integer> after = outcomes(resumed.peer.received());
        assertThat(before).as("outcomes on A").containsExactly(0, 1, 2, 3, 4);
        assertThat(after).as("outcomes on B, after the resume").containsExactly(5);
      }
    }
  }

  private static List<Integer> outcomes(List<JsonObject> frames) {
    return frames.stream().filter(f -> List.of("translation_result", "missing_result").contains(f.getString("type")))
        .map(f -> f.getInteger("utterance_index")).toList();
  }

  private static ParleyProcess scheduler(String name, String cluster, String redisUrl, int port) {
    return ParleyProcess.start(name, "scheduler", "--cluster", "--redis", redisUrl, "--port", String.valueOf(port),
        "--set", "cluster.name=" + cluster, "--set", "server.instances=1",
        // heartbeats would notice the lost node only after a minute: the failover must come from membership
        "--set", "node.heartbeatTimeoutMs=60000");
  }

  private static java.util.function.Predicate<JsonObject> resultFor(int index) {
    return f -> "translation_result".equals(f.getString("type")) && f.getInteger("utterance_index") == index;
  }
}
