package dev.parley.node;

import static dev.parley.node.TestSignal.RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnergySplitterTest {
  /** Five seconds at 16 kHz: the longest piece. */
  private static final int MAX_PIECE = 80_000;

  @Test
  void emptyInputGivesNoPieces() {
    assertThat(EnergySplitter.split(new short[0], RATE)).isEmpty();
  }

  @Test
  void aSignalOfAtMostFiveSecondsIsOnePieceEvenWithAPause() {
    short[] samples = new TestSignal().tone(2200).silence(600).tone(2200).build();

    assertThat(EnergySplitter.pauses(samples, RATE)).containsExactly(new Span(35_200, 44_800));
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 80_000));
  }

  @Test
  void aPauseIsCutAfterAHundredMillisecondsOfHangover() {
    short[] samples = new TestSignal().tone(3000).silence(600).tone(3000).build();

    assertThat(EnergySplitter.pauses(samples, RATE)).containsExactly(new Span(48_000, 57_600));
    // 3000 ms + 100 ms of hangover = sample 49 600.
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 49_600), new Span(49_600, 105_600));
  }

  @Test
  void theLongestOfSeveralPausesIsChosen() {
    short[] samples = new TestSignal()
        .tone(1500).silence(300)
        .tone(1500).noise(700, 50)
        .tone(1500).silence(400)
        .tone(1500)
        .build();

    assertThat(EnergySplitter.pauses(samples, RATE))
        .containsExactly(new Span(24_000, 28_800), new Span(52_800, 64_000), new Span(88_000, 94_400));
    // The 700 ms pause of low noise starts at 3300 ms: cut at 3400 ms.
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 54_400), new Span(54_400, 118_400));
  }

  @Test
  void aLongSignalIsSplitAgainUntilNoPieceIsLongerThanFiveSeconds() {
    short[] samples = new TestSignal()
        .tone(3000).silence(300)
        .tone(3000).silence(500)
        .tone(3000).silence(400)
        .tone(3000)
        .build();

    // First in the 500 ms pause at 6300 ms, then in the 300 ms one at 3000 ms and the 400 ms one at 9800 ms.
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(
        new Span(0, 49_600),
        new Span(49_600, 102_400),
        new Span(102_400, 158_400),
        new Span(158_400, 211_200));
  }

  @Test
  void aToneWithoutPausesIsCutAtItsQuietestPoints() {
    // Dips of 200 ms centred on 3, 6 and 9 s, the deepest at 6 s; none is quiet enough to be silent.
    short[] samples = new TestSignal()
        .tone(2900).tone(200, 5000)
        .tone(2800).tone(200, 3000)
        .tone(2800).tone(200, 5000)
        .tone(2900)
        .build();

    assertThat(EnergySplitter.pauses(samples, RATE)).isEmpty();
    List<Span> pieces = EnergySplitter.split(samples, RATE);
    assertThat(pieces).containsExactly(
        new Span(0, 48_000),
        new Span(48_000, 96_000),
        new Span(96_000, 144_000),
        new Span(144_000, 192_000));
    assertThat(pieces).allSatisfy(piece -> assertThat(piece.length()).isLessThanOrEqualTo(MAX_PIECE));
  }

  @Test
  void anEvenToneIsHalved() {
    short[] samples = new TestSignal().tone(8000).build();

    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 64_000), new Span(64_000, 128_000));
  }

  @Test
  void aCutWithoutAPauseLeavesAtLeastASecondOnEachSideWhenItCan() {
    // The quietest boundary is at 500 ms, too near the start.
    short[] samples = new TestSignal().tone(400).tone(200, 3000).tone(5400).build();

    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 48_000), new Span(48_000, 96_000));
  }

  @Test
  void silenceShorterThan200MsIsNoPause() {
    // 150 ms of silence fills only one whole window; 250 ms fills two.
    short[] samples = new TestSignal().tone(2000).silence(150).tone(1850).silence(250).tone(2000).build();

    assertThat(EnergySplitter.pauses(samples, RATE)).containsExactly(new Span(64_000, 67_200));
  }

  @Test
  void aPieceWhoseOnlyGapIsShorterThan200MsIsCutByEnergy() {
    short[] samples = new TestSignal().tone(4000).silence(100).tone(2000).build();

    assertThat(EnergySplitter.pauses(samples, RATE)).isEmpty();
    // At the start of the gap; a cut in a pause would have kept 50 ms of it (sample 64 800).
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 64_000), new Span(64_000, 97_600));
  }

  @Test
  void theThresholdHasAFloorOf200ForQuietSignals() {
    // 0.3 x the tone's RMS (283) is 85, so only the floor makes the hum (RMS 150) silent.
    short[] samples = new TestSignal().tone(3000, 400).hum(600, 150).tone(3000, 400).build();

    assertThat(EnergySplitter.pauses(samples, RATE)).containsExactly(new Span(48_000, 57_600));
    assertThat(EnergySplitter.split(samples, RATE)).containsExactly(new Span(0, 49_600), new Span(49_600, 105_600));
  }

  @Test
  void aboveTheFloorTheThresholdIs30PercentOfTheMedianEnergy() {
    // The tone's RMS is 5657, so the threshold is 1697.
    short[] belowThreshold = new TestSignal().tone(3000).hum(600, 1600).tone(3000).build();
    short[] aboveThreshold = new TestSignal().tone(3000).hum(600, 1800).tone(3000).build();

    assertThat(EnergySplitter.pauses(belowThreshold, RATE)).containsExactly(new Span(48_000, 57_600));
    assertThat(EnergySplitter.pauses(aboveThreshold, RATE)).isEmpty();
  }

  @Test
  void piecesCoverTheInputContiguously() {
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      TestSignal signal = new TestSignal();
      for (int segment = 0; segment < 12; segment++) {
        signal.tone(300 + random.nextInt(4000), 1000 + random.nextInt(12_000));
        if (random.nextBoolean()) {
          signal.silence(random.nextInt(800));
        } else {
          signal.noise(random.nextInt(800), 60);
        }
      }
      // A last window shorter than the others.
      short[] samples = signal.samples(1 + random.nextInt(1599), 3000).build();

      List<Span> pieces = EnergySplitter.split(samples, RATE);

      assertThat(pieces.get(0).start()).isZero();
      for (int i = 1; i < pieces.size(); i++) {
        assertThat(pieces.get(i).start()).isEqualTo(pieces.get(i - 1).end());
      }
      assertThat(pieces.get(pieces.size() - 1).end()).isEqualTo(samples.length);
      assertThat(pieces).allSatisfy(piece -> assertThat(piece.length()).isBetween(1, MAX_PIECE));
    }
  }

  @Test
  void aSampleRateThatIsNotPositiveIsRefused() {
    assertThatThrownBy(() -> EnergySplitter.split(new short[10], 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
