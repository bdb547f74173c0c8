package dev.parley.node;

import static dev.parley.node.TestSignal.RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatchOwnershipTest {

  @Test
  void inATurnOfFourJobsTheLastCanOwnNoBatch() {
    // Jobs of 2 s, 2 s, 2 s and 500 ms; batches start at 0, 2.5 s and 4.5 s.
    List<Span> jobs = List.of(
        new Span(0, 32_000), new Span(32_000, 64_000), new Span(64_000, 96_000), new Span(96_000, 104_000));
    List<Span> batches = List.of(new Span(0, 40_000), new Span(40_000, 72_000), new Span(72_000, 104_000));

    int[] owners = BatchOwnership.owners(batches, jobs);

    assertThat(owners).containsExactly(0, 1, 2);
    assertThat(BatchOwnership.ownsAny(owners, jobs.size())).containsExactly(true, true, true, false);
  }

  @Test
  void aBatchReachingIntoTheNextJobBelongsToTheJobItStartsIn() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_000, 96_000));
    List<Span> batches = List.of(new Span(0, 64_000), new Span(64_000, 96_000));

    assertThat(BatchOwnership.owners(batches, jobs)).containsExactly(0, 1);
  }

  @Test
  void aBatchStartingOnAJobBoundaryBelongsToTheJobStartingThere() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_000, 96_000));
    List<Span> batches = List.of(new Span(0, 48_000), new Span(48_000, 96_000));

    assertThat(BatchOwnership.owners(batches, jobs)).containsExactly(0, 1);
  }

  @Test
  void anEmptyClosingJobOwnsNothing() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_000, 80_000), new Span(80_000, 80_000));
    List<Span> batches = List.of(new Span(0, 48_000), new Span(48_000, 80_000));

    int[] owners = BatchOwnership.owners(batches, jobs);

    assertThat(owners).containsExactly(0, 1);
    assertThat(BatchOwnership.ownsAny(owners, jobs.size())).containsExactly(true, true, false);
  }

  @Test
  void anEmptyJobBetweenOthersOwnsNothing() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_000, 48_000), new Span(48_000, 96_000));
    List<Span> batches = List.of(new Span(0, 48_000), new Span(48_000, 96_000));

    assertThat(BatchOwnership.owners(batches, jobs)).containsExactly(0, 2);
  }

  @Test
  void aBatchStartingPastAllJobsBelongsToTheLastJobWithAudio() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_000, 80_000), new Span(80_000, 80_000));
    List<Span> batches = List.of(new Span(0, 80_000), new Span(80_000, 88_000), new Span(90_000, 91_000));

    assertThat(BatchOwnership.owners(batches, jobs)).containsExactly(0, 1, 1);
  }

  @Test
  void theFirstBatchAlwaysBelongsToJobZero() {
    // A first job of only 300 ms, and one batch over the whole turn.
    List<Span> jobs = List.of(new Span(0, 4_800), new Span(4_800, 20_000), new Span(20_000, 80_000));
    List<Span> batches = List.of(new Span(0, 80_000));

    int[] owners = BatchOwnership.owners(batches, jobs);

    assertThat(owners).containsExactly(0);
    assertThat(BatchOwnership.ownsAny(owners, jobs.size())).containsExactly(true, false, false);
  }

  @Test
  void noBatchesMeanNoJobOwnsAny() {
    List<Span> jobs = List.of(new Span(0, 0));

    int[] owners = BatchOwnership.owners(List.of(), jobs);

    assertThat(owners).isEmpty();
    assertThat(BatchOwnership.ownsAny(owners, jobs.size())).containsExactly(false);
  }

  @Test
  void jobsWithAGapAreRefused() {
    List<Span> jobs = List.of(new Span(0, 48_000), new Span(48_001, 96_000));

    assertThatThrownBy(() -> BatchOwnership.owners(List.of(new Span(0, 96_000)), jobs))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anOwnerOutsideTheJobsIsRefused() {
    assertThatThrownBy(() -> BatchOwnership.ownsAny(new int[] {0, 3}, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTurnOfThreeJobsAndAnEmptyClosingJobIsSplitBatchedAndOwned() {
    short[] turn = new TestSignal()
        .tone(2000).silence(500)
        .tone(2000).silence(300)
        .tone(3200).silence(400)
        .tone(3600)
        .build();
    // Jobs of 3 s, 1 s and 8 s, then the empty job that closed the turn.
    List<Span> jobs = List.of(
        new Span(0, 48_000), new Span(48_000, 64_000), new Span(64_000, 192_000), new Span(192_000, 192_000));

    List<Span> pieces = EnergySplitter.split(turn, RATE);
    List<Span> batches = Batcher.batch(pieces, RATE);
    int[] owners = BatchOwnership.owners(batches, jobs);

    // Cut in the 500 ms pause at 2 s, then the 400 ms one at 8 s, then the 300 ms one at 4.5 s.
    assertThat(pieces).containsExactly(
        new Span(0, 33_600), new Span(33_600, 73_600), new Span(73_600, 129_600), new Span(129_600, 192_000));
    // 2.1 s + 2.5 s join; 3.5 s and 3.9 s would not fit together.
    assertThat(batches).containsExactly(new Span(0, 73_600), new Span(73_600, 129_600), new Span(129_600, 192_000));
    assertThat(owners).containsExactly(0, 2, 2);
    assertThat(BatchOwnership.ownsAny(owners, jobs.size())).containsExactly(true, false, true, false);
  }
}
