package dev.parley.result;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.result.UnseenOutcomes.Kind;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UnseenOutcomesTest {

  private static JobInfo job(long index, JobState state) {
    return new JobInfo("j" + index, "s1", "t" + index, index, 0, 1, state, null, Set.of(), new byte[0], "opus", 16000,
        400, "MANUAL", "en", "es", "trace", 0, -1);
  }

  @Test
  void endedJobsBecomeWhatTheBrowserIsOwedAndOpenOnesAreLeftToArrive() {
    Map<Long, Kind> out = UnseenOutcomes.of(10, Arrays.asList(
        job(10, JobState.COMPLETED), job(11, JobState.ACKED), job(12, JobState.COMPLETED_NO_TEXT),
        job(13, JobState.FAILED), job(14, JobState.CANCELLED), job(15, JobState.CREATED)));

    assertThat(out).containsExactly(Map.entry(10L, Kind.LOST), Map.entry(12L, Kind.EMPTY),
        Map.entry(13L, Kind.FAILED), Map.entry(14L, Kind.EMPTY));
  }

  @Test
  void aHoleBeforeALaterJobIsLostAndNothingPastTheLastJobCounts() {
    Map<Long, Kind> out = UnseenOutcomes.of(0, Arrays.asList(
        job(0, JobState.ACKED), null, job(2, JobState.COMPLETED_NO_TEXT), null, null));

    assertThat(out).containsExactly(Map.entry(1L, Kind.LOST), Map.entry(2L, Kind.EMPTY));
  }

  @Test
  void noJobsNoOutcomes() {
    assertThat(UnseenOutcomes.of(5, Arrays.asList(null, null))).isEmpty();
  }
}
