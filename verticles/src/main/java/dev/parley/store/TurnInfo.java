package dev.parley.store;

import java.util.List;

/**
 * A turn: the jobs one speaker produced without a manual or timeout cut, all placed on one node. {@code epoch} counts
 * placements, so a deadline or failover aimed at an earlier placement is recognised as stale.
 */
public record TurnInfo(
    String turnId,
    String sessionId,
    String srcLang,
    String tgtLang,
    String nodeId,
    String connId,
    int epoch,
    List<String> jobIds,
    boolean closed) {

  public boolean isPlaced() {
    return nodeId != null;
  }
}
