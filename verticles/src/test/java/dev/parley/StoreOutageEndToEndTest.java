package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.RedisStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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

        redis.stop();
        b.utterance(1, 400, true);
        JsonObject missing = b.peer.await(f -> "missing_result".equals(f.getString("type"))
            && f.getInteger("utterance_index") == 1, Duration.ofSeconds(15), "missing_result 1");
        assertThat(missing.getString("reason")).isEqualTo("instance_lost");

        redis.start(); // its append-only file brings back the session and the node
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
}
