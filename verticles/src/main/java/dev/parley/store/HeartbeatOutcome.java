package dev.parley.store;

/** What a node's heartbeat found in the store. */
public enum HeartbeatOutcome {
  /** The connection is the node's current one: its heartbeat is recorded. */
  RECORDED,
  /** The store has no such node (it was dropped, or the store lost it): the holder of the socket registers it again. */
  UNKNOWN_NODE,
  /** Another connection of the node is current: this one is stale, and its socket is closed. */
  OTHER_CONNECTION
}
