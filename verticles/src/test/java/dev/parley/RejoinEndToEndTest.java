package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.LocalStore;
import dev.parley.store.NodeInfo;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Registry;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance that rejoins its cluster after a split, while the others had taken it for lost: what they took
 * meanwhile stays theirs, and what they dropped that is still alive here comes back.
 */
@ExtendWith(VertxExtension.class)
class RejoinEndToEndTest {

  @Test
  void aSessionWhoseLeaseMovedClosesItsSocketAndOneStillLeasedHereStays(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (Browser moved = Browser.connect(vertx, s.port()).start();
        Browser kept = Browser.connect(vertx, s.port()).start()) {
      // as another instance that took this one for lost would, when an outcome of the session reached it
      assertThat(Await.result(store.adoptSession(moved.sessionId, s.instanceId(), "another-instance"))).isNotNull();

      s.endpoints().recheck();

      moved.peer.awaitClosed(Duration.ofSeconds(5));
      assertThat(Await.result(store.session(moved.sessionId)).ownerInstance()).isEqualTo("another-instance");
      assertThat(kept.peer.isClosed()).isFalse();
      assertThat(Await.result(store.session(kept.sessionId)).ownerInstance()).isEqualTo(s.instanceId());
    }
  }

  @Test
  void aNodeTheOthersDroppedIsRegisteredAgainAtOnce(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es")) {
      NodeInfo registered = Registry.awaitNode(store, "n1", n -> true, "n1 registered");
      assertThat(Await.result(store.removeNode("n1", registered.connId()))).isTrue();

      s.endpoints().recheck(); // no heartbeat from the node needed

      assertThat(Registry.awaitNode(store, "n1", n -> true, "n1 registered again").connId())
          .isEqualTo(registered.connId());
    }
  }
}
