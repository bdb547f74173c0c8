package dev.parley.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fields the scripts read and return are every field a job is written with, but its audio. */
class RedisRecordsTest {
  @Test
  void theJobFieldsTheScriptsReadAreEveryFieldOfAJobButItsAudio() {
    JobInfo job = new JobInfo("j1", "s1", "t1", 3, 1, 2, JobState.ACKED, "n1", Set.of("n0"), new byte[] {1}, "pcm16",
        16000, 100, "MANUAL", "en", "es", "trace-1", 1_000, 41);

    assertThat(names(RedisRecords.jobFields(job))).containsExactlyElementsOf(withAudio(RedisRecords.JOB_FIELDS));
  }

  private static List<String> names(List<Object> flat) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < flat.size(); i += 2) {
      names.add((String) flat.get(i));
    }
    return names;
  }

  private static List<String> withAudio(List<String> fields) {
    List<String> all = new ArrayList<>(fields);
    all.add(all.indexOf("excludedNodes") + 1, "audio");
    return all;
  }
}
