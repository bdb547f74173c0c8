package dev.parley.store;

import java.util.EnumSet;
import java.util.Set;

/** The states of a job; every job ends in exactly one terminal state. */
public enum JobState {
  /** Made and waiting for placement, or placed and not yet written to its node. */
  CREATED,
  /** The job_assign frame was written to the node's socket. */
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
