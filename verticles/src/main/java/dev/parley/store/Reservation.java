package dev.parley.store;

/** The answer of {@link SchedulerStore#tryReserve}. */
public enum Reservation {
  OK,
  /** Every slot of the node is held by open turns. */
  FULL,
  /** The node is unknown, gone, draining or degraded. */
  NOT_READY,
  /** The node takes no jobs at all. */
  NO_CAPACITY
}
