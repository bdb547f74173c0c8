package dev.parley.result;

import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a session's ended jobs come to when their owner died before delivering them, read from the store. Jobs still
 * open are left out: their outcomes reach the new owner as they end.
 */
public final class UnseenOutcomes {
  public enum Kind {
    /** Ended with nothing for the browser (no text, or cancelled). */
    EMPTY,
    /**
     * Completed, but its result was on its way to the owner that died (the store may have kept it), or no job was
     * ever made for the index.
     */
    LOST,
    /** Failed: its missing_result was not delivered. */
    FAILED
  }

  private UnseenOutcomes() {}

  /**
   * {@code jobs.get(i)} is the job at index {@code first + i}, or null when there is none. An index with no job before
   * a later one that has a job lost its job (the dispatch of the dead owner did not get to store it); indexes past the
   * last job are not the session's yet.
   */
  public static Map<Long, Kind> of(long first, List<JobInfo> jobs) {
    Map<Long, Kind> out = new TreeMap<>();
    int last = jobs.size() - 1;
    while (last >= 0 && jobs.get(last) == null) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      JobInfo job = jobs.get(i);
      long index = first + i;
      if (job == null) {
        out.put(index, Kind.LOST);
      } else if (job.state() == JobState.COMPLETED) {
        out.put(index, Kind.LOST);
      } else if (job.state() == JobState.FAILED) {
        out.put(index, Kind.FAILED);
      } else if (job.state().isTerminal()) {
        out.put(index, Kind.EMPTY);
      }
    }
    return out;
  }
}
