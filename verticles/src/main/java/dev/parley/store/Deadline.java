package dev.parley.store;

/**
 * A moment by which something must have happened. {@code generation} is the job attempt (ACK) or the turn epoch
 * (RESULT) it was armed for, or 0 where it does not apply (PENDING).
 */
public record Deadline(Kind kind, String id, int generation, long atMs) {
  public enum Kind {
    /** A job_ack for job {@code id}, attempt {@code generation}. */
    ACK,
    /** Results for every unfinished job of turn {@code id}, placement {@code generation}. */
    RESULT,
    /** Placement of a job {@code id} waiting for a node. */
    PENDING
  }

  public String key() {
    return kind.name() + ':' + id;
  }
}
