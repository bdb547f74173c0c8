package dev.parley.node;

import java.util.List;

/**
 * Decides which job of a turn owns each batch: the job whose sample range holds the batch's first sample. A job that
 * owns no batch gets no text of its own.
 */
public final class BatchOwnership {

  private BatchOwnership() {}

  /**
   * For each batch, the index of its owning job. {@code jobs} are the jobs' sample ranges, contiguous and in segment
   * order. A zero-length job (such as an empty closing job) owns nothing; a batch starting at or past the end of all
   * jobs belongs to the last job with audio.
   */
  public static int[] owners(List<Span> batches, List<Span> jobs) {
    for (int j = 1; j < jobs.size(); j++) {
      if (jobs.get(j).start() != jobs.get(j - 1).end()) {
        throw new IllegalArgumentException("jobs are not contiguous: " + jobs.get(j) + " follows " + jobs.get(j - 1));
      }
    }
    int lastWithAudio = jobs.size() - 1;
    while (lastWithAudio >= 0 && jobs.get(lastWithAudio).length() == 0) {
      lastWithAudio--;
    }
    int[] owners = new int[batches.size()];
    if (batches.isEmpty()) {
      return owners;
    }
    if (lastWithAudio < 0) {
      throw new IllegalArgumentException("batches given but no job has audio");
    }
    for (int b = 0; b < batches.size(); b++) {
      owners[b] = ownerOf(batches.get(b).start(), jobs, lastWithAudio);
    }
    return owners;
  }

  /** For each of {@code jobCount} jobs, whether it owns at least one batch in {@code owners}. */
  public static boolean[] ownsAny(int[] owners, int jobCount) {
    boolean[] owns = new boolean[jobCount];
    for (int owner : owners) {
      if (owner < 0 || owner >= jobCount) {
        throw new IllegalArgumentException("owner " + owner + " is not one of " + jobCount + " jobs");
      }
      owns[owner] = true;
    }
    return owns;
  }

  private static int ownerOf(int sample, List<Span> jobs, int lastWithAudio) {
    if (sample < jobs.get(0).start()) {
      throw new IllegalArgumentException("batch starts at " + sample + ", before the first job " + jobs.get(0));
    }
    for (int j = 0; j <= lastWithAudio; j++) {
      Span job = jobs.get(j);
      if (sample < job.end()) {
        // Jobs are contiguous, so the first job ending after the sample holds it; a zero-length job never does.
        return j;
      }
    }
    return lastWithAudio;
  }
}
