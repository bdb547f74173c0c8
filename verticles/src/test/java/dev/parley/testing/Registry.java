package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.NodeInfo;
import dev.parley.store.SchedulerStore;
import java.util.List;
import java.util.function.Predicate;

/** Waits on the node registry as the store holds it, which is what every instance reads. */
public final class Registry {
  private Registry() {}

  public static void awaitStatus(SchedulerStore store, String nodeId, NodeInfo.NodeStatus status) {
    await(store, nodes -> nodes.stream().anyMatch(n -> n.nodeId().equals(nodeId) && n.status() == status),
        nodeId + " " + status);
  }

  /** Waits until the registry holds the node as {@code condition} says, and returns it. */
  public static NodeInfo awaitNode(SchedulerStore store, String nodeId, Predicate<NodeInfo> condition,
      String what) {
    await(store, nodes -> nodes.stream().anyMatch(n -> n.nodeId().equals(nodeId) && condition.test(n)), what);
    return Await.result(store.nodes()).stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElseThrow();
  }

  public static void awaitCount(SchedulerStore store, int count) {
    await(store, nodes -> nodes.size() >= count, count + " nodes registered");
  }

  private static void await(SchedulerStore store, Predicate<List<NodeInfo>> condition, String what) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.test(Await.result(store.nodes()))) {
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      pause();
    }
  }

  /** Between two looks at the store: there is no event to await from outside the instances. */
  public static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
