package dev.parley.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.NodeInfo;
import dev.parley.store.NodeInfo.NodeStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeSelectorTest {
  private static final String EN_ES = NodeInfo.pair("en", "es");
  private static final String EN_FR = NodeInfo.pair("en", "fr");

  private static NodeInfo node(String id, Set<String> pairs, NodeStatus status, int max, int running, int reserved,
      long heartbeatMs) {
    return new NodeInfo(id, id + "-conn", "instance-1", max, pairs, status, running, reserved, heartbeatMs);
  }

  private static NodeInfo ready(String id, int max, int running, int reserved, long heartbeatMs) {
    return node(id, Set.of(EN_ES), NodeStatus.READY, max, running, reserved, heartbeatMs);
  }

  private static List<String> ids(List<NodeInfo> ranked) {
    return ranked.stream().map(NodeInfo::nodeId).toList();
  }

  private static List<String> rank(List<NodeInfo> snapshot, Set<String> excluded, long seed) {
    return ids(NodeSelector.rank(snapshot, EN_ES, excluded, new Random(seed)));
  }

  @Test
  void onlyNodesServingThePairAreCandidates() {
    List<NodeInfo> snapshot = List.of(
        node("fr-only", Set.of(EN_FR), NodeStatus.READY, 4, 0, 0, 100),
        node("both", Set.of(EN_ES, EN_FR), NodeStatus.READY, 4, 0, 0, 100),
        node("es-only", Set.of(EN_ES), NodeStatus.READY, 4, 0, 0, 100),
        node("reverse", Set.of(NodeInfo.pair("es", "en")), NodeStatus.READY, 4, 0, 0, 100));

    assertThat(rank(snapshot, Set.of(), 1)).containsExactlyInAnyOrder("both", "es-only");
  }

  @Test
  void excludedNodesAreLeftOutEvenWhenTheyAreTheBest() {
    List<NodeInfo> snapshot = List.of(ready("idle", 4, 0, 0, 100), ready("busy", 4, 3, 0, 100));

    assertThat(rank(snapshot, Set.of("idle"), 1)).containsExactly("busy");
    assertThat(rank(snapshot, Set.of("idle", "busy"), 1)).isEmpty();
  }

  @Test
  void nodesThatAreNotReadyAreSkipped() {
    List<NodeInfo> snapshot = List.of(
        node("draining", Set.of(EN_ES), NodeStatus.DRAINING, 4, 0, 0, 100),
        node("degraded", Set.of(EN_ES), NodeStatus.DEGRADED, 4, 0, 0, 100),
        ready("ready", 4, 3, 0, 100));

    assertThat(rank(snapshot, Set.of(), 1)).containsExactly("ready");
  }

  @Test
  void leastLoadedComesFirstCountingRunningAndReservedAgainstCapacity() {
    List<NodeInfo> snapshot = List.of(
        ready("half", 4, 1, 1, 300), // 2/4
        ready("tenth", 10, 0, 1, 100), // 1/10
        ready("idle", 1, 0, 0, 100), // 0/1
        ready("nearly-full", 10, 5, 4, 500), // 9/10
        ready("no-capacity", 0, 0, 0, 900));

    for (long seed = 0; seed < 10; seed++) {
      assertThat(rank(snapshot, Set.of(), seed))
          .containsExactly("idle", "tenth", "half", "nearly-full", "no-capacity");
    }
  }

  @Test
  void theFreshestHeartbeatBreaksLoadTies() {
    List<NodeInfo> snapshot = List.of(
        ready("old", 4, 1, 0, 100),
        ready("newest", 8, 1, 1, 300), // the same load, 2/8 = 1/4
        ready("middle", 4, 0, 1, 200),
        ready("busier-but-fresh", 4, 2, 0, 999));

    for (long seed = 0; seed < 10; seed++) {
      assertThat(rank(snapshot, Set.of(), seed)).containsExactly("newest", "middle", "old", "busier-but-fresh");
    }
  }

  @Test
  void equalNodesAreOrderedAtRandomSoLoadSpreads() {
    List<NodeInfo> snapshot = List.of(
        ready("a", 4, 0, 0, 100), ready("b", 4, 0, 0, 100), ready("c", 4, 0, 0, 100), ready("d", 4, 0, 0, 100),
        ready("busy", 4, 2, 0, 100));
    Set<String> firsts = new HashSet<>();

    for (long seed = 0; seed < 40; seed++) {
      List<String> ranked = rank(snapshot, Set.of(), seed);
      assertThat(ranked).hasSize(5).endsWith("busy");
      firsts.add(ranked.get(0));
    }

    assertThat(firsts).hasSizeGreaterThan(1).doesNotContain("busy");
  }

  @Test
  void theSameSeedGivesTheSameOrder() {
    List<NodeInfo> snapshot = List.of(ready("a", 4, 0, 0, 100), ready("b", 4, 0, 0, 100), ready("c", 4, 0, 0, 100));

    assertThat(rank(snapshot, Set.of(), 42)).isEqualTo(rank(snapshot, Set.of(), 42));
  }

  @Test
  void anEmptySnapshotGivesNoCandidates() {
    assertThat(rank(List.of(), Set.of(), 1)).isEmpty();
  }
}
