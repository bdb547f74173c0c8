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

/** What the instance holding a node's socket does when the registry no longer matches that socket. */
@ExtendWith(VertxExtension.class)
class NodeRegistryEndToEndTest {

  @Test
  void aNodeDroppedFromTheRegistryWhileItsSocketLivesIsRegisteredAgainOnItsNextHeartbeat(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      NodeInfo registered = dropFromRegistry(store, "n1");

      node.beat();

      NodeInfo again = Registry.awaitNode(store, "n1", n -> true, "n1 registered again");
      assertThat(again.connId()).isEqualTo(registered.connId());
      b.utterance(0, 400, true);
      assertThat(node.awaitAssigns(1).get(0).getInteger("utterance_index")).isZero();
      b.awaitResult(0);
    }
  }

  @Test
  void aNodeDroppedFromTheRegistryIsRegisteredAgainAtOnceWhenItsInstanceRejoinsTheCluster(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es")) {
      NodeInfo registered = dropFromRegistry(store, "n1");

      s.endpoints().recheck(); // what the instance does on rejoining: no heartbeat from the node needed

      assertThat(Registry.awaitNode(store, "n1", n -> true, "n1 registered again").connId())
          .isEqualTo(registered.connId());
    }
  }

  /**
   * Removes the registered node as an instance that found it silent would (another instance held it, or this one
   * hung), while its socket lives on; returns the node as it was registered.
   */
  private static NodeInfo dropFromRegistry(LocalStore store, String nodeId) {
    NodeInfo registered = Registry.awaitNode(store, nodeId, n -> true, nodeId + " registered");
    assertThat(Await.result(store.removeNode(nodeId, registered.connId()))).isTrue();
    return registered;
  }

  @Test
  void aHeartbeatOnAConnectionTheRegistryReplacedClosesThatSocket(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es")) {
      NodeInfo registered = Registry.awaitNode(store, "n1", n -> true, "n1 registered");
      // the node registered again through another instance, and this socket was left half-open
      NodeInfo elsewhere = new NodeInfo("n1", "c-elsewhere", "another-instance", registered.maxJobs(),
          registered.pairs(), NodeInfo.NodeStatus.READY, 0, 0, 0);
      Await.result(store.putNode(elsewhere));

      node.beat();

      node.awaitClosed(Duration.ofSeconds(5));
      assertThat(Registry.awaitNode(store, "n1", n -> true, "n1").connId())
          .as("the newer connection stays registered").isEqualTo("c-elsewhere");
    }
  }
}
