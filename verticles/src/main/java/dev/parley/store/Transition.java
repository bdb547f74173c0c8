package dev.parley.store;

/**
 * What a compare-and-set on a job did. {@code job} is the job after the change (or as found when refused); {@code
 * releasedNode} names the node whose slot was freed because the change ended the turn's last open job.
 */
public record Transition(Outcome outcome, JobInfo job, String releasedNode) {
  public enum Outcome {
    APPLIED,
    /** Unknown job, or an attempt (or node) that is no longer current. */
    STALE,
    /** The attempt is current but the job is not in an expected state, e.g. already ended: a repeat. */
    WRONG_STATE,
    /** A failover found no attempts left: the job is now FAILED. */
    EXHAUSTED
  }

  public boolean applied() {
    return outcome == Outcome.APPLIED;
  }
}
