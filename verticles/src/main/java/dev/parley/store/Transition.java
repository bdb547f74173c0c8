package dev.parley.store;

/**
 * What a compare-and-set on a job did. {@code job} is the job after the change (or as found when refused); {@code
 * releasedNode} names the node whose slot was freed because the change ended the turn's last open job; {@code
 * sessionOwner}, filled in by {@code transition} when it applied and ended the job, is the instance that owns the
 * job's session, which orders and delivers its outcomes.
 */
public record Transition(Outcome outcome, JobInfo job, String releasedNode, String sessionOwner) {
  public Transition(Outcome outcome, JobInfo job, String releasedNode) {
    this(outcome, job, releasedNode, null);
  }

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
