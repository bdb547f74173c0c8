package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.LocalStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance that rejoins its cluster after a split, while the others had taken it for lost: the sessions they took
 * meanwhile stay theirs. (Its nodes' registrations: NodeRegistryEndToEndTest.)
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
}
