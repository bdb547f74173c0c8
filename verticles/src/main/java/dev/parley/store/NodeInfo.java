package dev.parley.store;

import java.util.Set;

/**
 * A registered node as the store sees it. {@code reserved} counts the open turns holding a slot; {@code running} is
 * what the node last reported.
 */
public record NodeInfo(
    String nodeId,
    String connId,
    String instanceId,
    int maxJobs,
    Set<String> pairs,
    NodeStatus status,
    int running,
    int reserved,
    long lastHeartbeatMs) {

  public enum NodeStatus {
    READY,
    DEGRADED,
    DRAINING;

    public static NodeStatus fromWire(String s) {
      return switch (s == null ? "ready" : s) {
        case "degraded" -> DEGRADED;
        case "draining" -> DRAINING;
        default -> READY;
      };
    }
  }

  public static String pair(String src, String tgt) {
    return src + ">" + tgt;
  }

  public boolean serves(String pair) {
    return pairs.contains(pair);
  }

  public double load() {
    return maxJobs == 0 ? Double.MAX_VALUE : (double) (running + reserved) / maxJobs;
  }

  public NodeInfo withUsage(int running, int reserved, NodeStatus status, long lastHeartbeatMs) {
    return new NodeInfo(nodeId, connId, instanceId, maxJobs, pairs, status, running, reserved, lastHeartbeatMs);
  }
}
