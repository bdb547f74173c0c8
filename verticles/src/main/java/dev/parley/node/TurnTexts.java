package dev.parley.node;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * The recognised text of a flushed turn's batches, gathered per job as each batch finishes. A job's text is the text
 * of the batches it owns, in batch order; a failed batch is left out.
 */
final class TurnTexts {
  private enum BatchState {
    PENDING,
    DONE,
    FAILED
  }

  private final int[] owners;
  private final int jobCount;
  private final BatchState[] states;
  private final String[] texts;

  /** {@code owners[b]} is the job owning batch {@code b}. */
  TurnTexts(int[] owners, int jobCount) {
    this.owners = owners.clone();
    this.jobCount = jobCount;
    this.states = new BatchState[owners.length];
    this.texts = new String[owners.length];
    Arrays.fill(states, BatchState.PENDING);
  }

  int batchCount() {
    return owners.length;
  }

  int owner(int batch) {
    return owners[batch];
  }

  void done(int batch, String text) {
    states[batch] = BatchState.DONE;
    texts[batch] = text == null ? "" : text.trim();
  }

  void batchFailed(int batch) {
    states[batch] = BatchState.FAILED;
  }

  /** The job owns no batch: it answers NO_TEXT_ASSIGNED. */
  boolean ownsNothing(int job) {
    for (int owner : owners) {
      if (owner == job) {
        return false;
      }
    }
    return true;
  }

  /** Every batch of the job has finished, well or not. */
  boolean settled(int job) {
    for (int b = 0; b < owners.length; b++) {
      if (owners[b] == job && states[b] == BatchState.PENDING) {
        return false;
      }
    }
    return true;
  }

  /** No batch of the job was recognised, though it owns some: the job failed. */
  boolean jobFailed(int job) {
    for (int b = 0; b < owners.length; b++) {
      if (owners[b] == job && states[b] == BatchState.DONE) {
        return false;
      }
    }
    return !ownsNothing(job);
  }

  /** The texts of the job's recognised batches, in order, joined by spaces. */
  String text(int job) {
    StringJoiner joined = new StringJoiner(" ");
    for (int b = 0; b < owners.length; b++) {
      if (owners[b] == job && states[b] == BatchState.DONE && !texts[b].isEmpty()) {
        joined.add(texts[b]);
      }
    }
    return joined.toString();
  }

  int jobCount() {
    return jobCount;
  }
}
