package dev.parley.dispatch;

import dev.parley.store.NodeInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Ranks nodes for a new turn over a read-only snapshot: ready, serving the pair, not excluded; least loaded first, then
 * freshest heartbeat, ties broken at random. Fullness is left to the store's reservation, the only authority on
 * capacity: a snapshot's counts may be stale either way.
 */
public final class NodeSelector {
  private static final Comparator<NodeInfo> ORDER =
      Comparator.comparingDouble(NodeInfo::load)
          .thenComparing(Comparator.comparingLong(NodeInfo::lastHeartbeatMs).reversed());

  private NodeSelector() {}

  public static List<NodeInfo> rank(Collection<NodeInfo> snapshot, String pair, Set<String> excluded, Random random) {
    List<NodeInfo> candidates = new ArrayList<>();
    for (NodeInfo n : snapshot) {
      if (n.status() == NodeInfo.NodeStatus.READY
          && n.serves(pair)
          && !excluded.contains(n.nodeId())) {
        candidates.add(n);
      }
    }
    Collections.shuffle(candidates, random); // the sort is stable, so equal nodes keep this random order
    candidates.sort(ORDER);
    return candidates;
  }
}
