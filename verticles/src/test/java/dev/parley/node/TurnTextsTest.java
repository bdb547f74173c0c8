package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TurnTextsTest {

  @Test
  void aJobsTextIsItsBatchesInOrderOnceAllAreDone() {
    TurnTexts texts = new TurnTexts(new int[] {0, 0, 2}, 3);

    texts.done(1, "second part");
    assertThat(texts.settled(0)).isFalse();
    texts.done(0, " first part ");

    assertThat(texts.settled(0)).isTrue();
    assertThat(texts.text(0)).isEqualTo("first part second part");
    assertThat(texts.jobFailed(0)).isFalse();
  }

  @Test
  void aJobThatOwnsNoBatchIsSettledAtOnceWithNoText() {
    TurnTexts texts = new TurnTexts(new int[] {0, 0, 2}, 4);

    assertThat(texts.ownsNothing(1)).isTrue();
    assertThat(texts.ownsNothing(3)).isTrue();
    assertThat(texts.settled(1)).isTrue();
    assertThat(texts.jobFailed(1)).as("owning nothing is no failure").isFalse();
    assertThat(texts.ownsNothing(2)).isFalse();
  }

  @Test
  void aFailedBatchIsLeftOutOfItsJobsText() {
    TurnTexts texts = new TurnTexts(new int[] {0, 0, 0}, 1);

    texts.done(0, "one");
    texts.batchFailed(1);
    texts.done(2, "three");

    assertThat(texts.settled(0)).isTrue();
    assertThat(texts.text(0)).isEqualTo("one three");
    assertThat(texts.jobFailed(0)).isFalse();
  }

  @Test
  void aJobWhoseEveryBatchFailedHasFailed() {
    TurnTexts texts = new TurnTexts(new int[] {0, 1, 1}, 2);

    texts.batchFailed(1);
    texts.batchFailed(2);
    texts.done(0, "kept");

    assertThat(texts.jobFailed(1)).isTrue();
    assertThat(texts.text(1)).isEmpty();
    assertThat(texts.jobFailed(0)).isFalse();
  }

  @Test
  void aJobWithBatchesStillRunningHasNotFailedYetButNothingRecognisedCountsAsFailedAtTheDeadline() {
    TurnTexts texts = new TurnTexts(new int[] {0}, 1);

    assertThat(texts.settled(0)).isFalse();
    assertThat(texts.jobFailed(0)).as("no batch recognised by the deadline").isTrue();
    texts.done(0, "");
    assertThat(texts.jobFailed(0)).isFalse();
    assertThat(texts.text(0)).as("heard nothing: ASR_EMPTY for the caller").isEmpty();
  }
}
