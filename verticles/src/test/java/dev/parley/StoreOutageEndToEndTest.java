package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.RedisStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.LogTap;
import dev.parley.testing.Peer;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TcpProxy;
import dev.parley.testing.Registry;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** A scheduler on a real redis-server that goes away and comes back: no job is left without an outcome. */
@ExtendWith(VertxExtension.class)
class StoreOutageEndToEndTest {

  @Test
  void aJobCutWhileRedisIsDownEndsMissingAndJobsFlowAgainOnceItIsBack(Vertx vertx) {
    try (RedisServer redis = RedisServer.withAof().start()) {
      RedisStore store = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of(), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        b.utterance(0, 400, true);
        b.awaitResult(0);

        assertThat(readiness(vertx, s.port()).getString("status")).isEqualTo("READY");

        redis.stop();
        JsonObject down = readiness(vertx, s.port());
        assertThat(down.getString("status")).isEqualTo("NOT_READY");
        assertThat(down.getString("reason")).contains("store");
        b.utterance(1, 400, true);
        JsonObject missing = b.peer.await(f -> "missing_result".equals(f.getString("type"))
            && f.getInteger("utterance_index") == 1, Duration.ofSeconds(15), "missing_result 1");
        assertThat(missing.getString("reason")).isEqualTo("instance_lost");

        redis.start(); // its append-only file brings back the session and the node
        awaitReady(vertx, s.port());
        b.utterance(2, 400, true);
        b.peer.await(f -> "translation_result".equals(f.getString("type"))
            && f.getInteger("utterance_index") == 2, Duration.ofSeconds(15), "translation_result 2");

        List<Integer> outcomes = b.peer.received().stream()
            .filter(f -> List.of("translation_result", "missing_result").contains(f.getString("type")))
            .map(f -> f.getInteger("utterance_index")).toList();
        assertThat(outcomes).containsExactly(0, 1, 2);
      }
    }
  }

  @Test
  void aResultThatFindsRedisDownForAMomentIsStoredOnceItIsBackAndDeliveredOnce(Vertx vertx) throws InterruptedException {
    ch.qos.logback.classic.Logger storeLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
        RedisStore.class);
    Level level = storeLog.getLevel();
    storeLog.setLevel(Level.DEBUG); // to see the store call again
    try (RedisServer redis = RedisServer.withAof().start(); LogTap log = LogTap.attach()) {
      RedisStore store = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of(), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        node.answer = FakeNode.Answer.NEVER;
        b.utterance(0, 400, true);
        JsonObject assign = node.awaitAssigns(1).get(0);
        awaitUntil(() -> Await.result(store.job(assign.getString("job_id"))).state() == JobState.ACKED, "the ack");
        redis.stop();
        node.answer(assign); // the node's work is done while the store is away
        awaitUntil(() -> log.lines().stream().anyMatch(w -> w.contains("Redis not reachable")), "a call again");
        redis.start();
        deliveredOnceAndTheNextJobFlows(node, b);
      }
    } finally {
      storeLog.setLevel(level);
    }
  }

  @Test
  void aResultStoredByACallWhoseAnswerWasLostIsDeliveredOnce(Vertx vertx) throws InterruptedException {
    try (RedisServer redis = RedisServer.withAof().start(); TcpProxy proxy = TcpProxy.start(vertx, redis.port())) {
      RedisStore store = Await.result(RedisStore.connect(vertx, "redis://127.0.0.1:" + proxy.port()));
      RedisStore direct = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of(), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        node.answer = FakeNode.Answer.NEVER;
        b.utterance(0, 400, true);
        JsonObject assign = node.awaitAssigns(1).get(0);
        String jobId = assign.getString("job_id");
        awaitUntil(() -> Await.result(direct.job(jobId)).state() == JobState.ACKED, "the ack");
        proxy.loseAnswers();
        node.answer(assign);
        awaitUntil(() -> Await.result(direct.job(jobId)).state() == JobState.COMPLETED, "the result stored");
        proxy.cut(); // the call that stored it fails without its answer
        proxy.restore();
        deliveredOnceAndTheNextJobFlows(node, b);
      }
    }
  }

  @Test
  void aJobStoredByACallWhoseAnswerWasLostIsDispatchedOnce(Vertx vertx) throws InterruptedException {
    try (RedisServer redis = RedisServer.withAof().start(); TcpProxy proxy = TcpProxy.start(vertx, redis.port())) {
      RedisStore store = Await.result(RedisStore.connect(vertx, "redis://127.0.0.1:" + proxy.port()));
      RedisStore direct = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of(), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        b.utterance(0, 400, true);
        b.awaitResult(0);
        proxy.loseAnswers();
        b.utterance(1, 400, true);
        awaitUntil(() -> {
          JobInfo stored = Await.result(direct.jobAt(b.sessionId, 1));
          return stored != null && stored.state() == JobState.DISPATCHED;
        }, "job 1 stored and placed");
        proxy.cut(); // the call that stored it fails without its answer
        proxy.restore();

        assertThat(b.awaitResult(1).getString("text_asr")).isEqualTo("text 1");
        b.peer.drain(Duration.ofMillis(300));
        assertThat(node.assigns()).extracting(a -> a.getInteger("utterance_index"), a -> a.getInteger("attempt_id"))
            .as("sent once, in its first attempt").containsExactly(tuple(0, 1), tuple(1, 1));
        assertThat(b.peer.received()).filteredOn(f -> "missing_result".equals(f.getString("type"))).isEmpty();
        assertThat(b.peer.received("translation_result")).extracting(f -> f.getInteger("utterance_index"))
            .containsExactly(0, 1);
      }
    }
  }

  /** Job 0's result reached the browser, unrefused; job 1 goes through as usual; each came once. */
  private static void deliveredOnceAndTheNextJobFlows(FakeNode node, Browser b) {
    assertThat(b.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
    assertThat(node.frames("error")).as("the result was not refused").isEmpty();
    b.utterance(1, 400, true);
    node.answer(node.awaitAssigns(2).get(1));
    b.awaitResult(1);
    assertThat(b.peer.received("translation_result")).extracting(f -> f.getInteger("utterance_index"))
        .containsExactly(0, 1);
  }

  private static void awaitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long until = System.currentTimeMillis() + Peer.WAIT.toMillis();
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as(what + " within the wait").isLessThan(until);
      Thread.sleep(20); // polling the store or the log: neither tells when it changes
    }
  }

  /** What /ready says now: 200 with READY, or 503 with NOT_READY and the reason. */
  private static JsonObject readiness(Vertx vertx, int port) {
    return Await.result(vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", "/ready")
        .compose(req -> req.send().compose(res -> res.body().map(body -> {
          JsonObject answer = new JsonObject(body.toString());
          assertThat(res.statusCode()).isEqualTo("READY".equals(answer.getString("status")) ? 200 : 503);
          return answer;
        }))));
  }

  private static void awaitReady(Vertx vertx, int port) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!"READY".equals(readiness(vertx, port).getString("status"))) {
      assertThat(System.currentTimeMillis()).as("ready again once Redis is back").isLessThan(deadline);
      Registry.pause(); // the store reconnects on its own: there is no event to await from outside
    }
  }
}
