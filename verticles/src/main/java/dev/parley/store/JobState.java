package dev.parley.store;

import java.util.EnumSet;
import java.util.Set;

/** The states of a job; every job ends in exactly one terminal state. */
public enum JobState {
  /** Made and waiting for placement, or placed and not yet sent to its node. */
  CREATED,
  /**
   * Placed, its ACK deadline armed, and its job_assign frame sent to the node's socket; the store records it in the
   * step that places the job, so the frame may still be on its way (a write that fails moves the turn on).
   */
  DISPATCHED,
  /** The node acknowledged the job. */
  ACKED,
  COMPLETED,
  /** The node answered with no text for this job (NO_TEXT_ASSIGNED or ASR_EMPTY); nothing reaches the browser. */
  COMPLETED_NO_TEXT,
  FAILED,
  CANCELLED;

  public static final Set<JobState> OPEN = EnumSet.of(CREATED, DISPATCHED, ACKED);

  public boolean isTerminal() {
    return !OPEN.contains(this);
  }
}
