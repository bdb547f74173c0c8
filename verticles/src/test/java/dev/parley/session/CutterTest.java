package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.audio.AudioFormat;
import dev.parley.codecs.audio.OpusPackets;
import dev.parley.session.Cutter.Cut;
import dev.parley.session.Cutter.CutKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CutterTest {
  private static final int RATE = 16000;
  private static final long MAX_DURATION_MS = 1000;
  private static final long MAX_TURN_MS = 60_000;
  /** 16 kHz PCM16: 32 bytes per millisecond. */
  private static final int PCM_BYTES_PER_MS = 32;
  /** Framed 20 ms silence: a 2-byte prefix and a 3-byte packet. */
  private static final int OPUS_BYTES_PER_20MS = 5;

  private final AtomicInteger turnsMade = new AtomicInteger();

  private Cutter pcmCutter(long maxDurationMs, long maxTurnMs) {
    return new Cutter(AudioMeter.of(AudioFormat.PCM16, RATE), maxDurationMs, maxTurnMs, this::nextTurnId, 0);
  }

  private Cutter opusCutter(long maxDurationMs, long maxTurnMs) {
    return new Cutter(AudioMeter.of(AudioFormat.OPUS, RATE), maxDurationMs, maxTurnMs, this::nextTurnId, 0);
  }

  private String nextTurnId() {
    return "t" + turnsMade.incrementAndGet();
  }

  private static byte[] pcm(int ms) {
    return new byte[ms * PCM_BYTES_PER_MS];
  }

  private static byte[] opus(int ms) {
    return OpusPackets.framedSilence(ms);
  }

  private static int opusBytes(int ms) {
    return ms / 20 * OPUS_BYTES_PER_20MS;
  }

  /** A 60 ms Opus packet (SILK, config 3, one frame): it can only be kept or moved whole. */
  private static byte[] opus60msPacket() {
    return new byte[] {(byte) (3 << 3), 0, 0};
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] p : parts) {
      size += p.length;
    }
    byte[] out = new byte[size];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  /** One readable line per cut: index, turn/segment, kind, duration, audio bytes. */
  private static String row(Cut c) {
    return "#" + c.utteranceIndex() + " " + c.turnId() + "/" + c.segmentIndex() + " " + c.kind() + " "
        + c.durationMs() + "ms " + c.audio().length + "B";
  }

  private static List<String> rows(List<Cut> cuts) {
    return cuts.stream().map(CutterTest::row).toList();
  }

  private static String pcmRow(long index, String turn, int segment, CutKind kind, int ms) {
    return "#" + index + " " + turn + "/" + segment + " " + kind + " " + ms + "ms " + ms * PCM_BYTES_PER_MS + "B";
  }

  private static String opusRow(long index, String turn, int segment, CutKind kind, int ms) {
    return "#" + index + " " + turn + "/" + segment + " " + kind + " " + ms + "ms " + opusBytes(ms) + "B";
  }

  @Nested
  class ManualAndTimeoutCuts {
    @Test
    void aFinalChunkCutsEverythingPendingAsOneManualJobThatClosesTheTurn() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      assertThat(cutter.append(pcm(300), false)).isEmpty();
      assertThat(cutter.hasOpenUtterance()).isTrue();
      List<Cut> cuts = cutter.append(pcm(200), true);

      assertThat(rows(cuts)).containsExactly(pcmRow(0, "t1", 0, CutKind.MANUAL, 500));
      assertThat(cuts.get(0).closesTurn()).isTrue();
      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(cutter.nextIndex()).isEqualTo(1);
    }

    @Test
    void eachClosedTurnIsFollowedByANewTurnAndTheIndexKeepsCounting() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      List<Cut> cuts = new ArrayList<>();
      cuts.addAll(cutter.append(pcm(100), true));
      cuts.addAll(cutter.append(pcm(40), true));
      cutter.append(pcm(60), false);
      cuts.addAll(cutter.timeout());

      assertThat(rows(cuts)).containsExactly(
          pcmRow(0, "t1", 0, CutKind.MANUAL, 100),
          pcmRow(1, "t2", 0, CutKind.MANUAL, 40),
          pcmRow(2, "t3", 0, CutKind.TIMEOUT, 60));
    }

    @Test
    void indicesStartAtTheFirstIndexGiven() {
      Cutter cutter = new Cutter(AudioMeter.of(AudioFormat.PCM16, RATE), MAX_DURATION_MS, MAX_TURN_MS,
          CutterTest.this::nextTurnId, 7);

      assertThat(rows(cutter.append(pcm(20), true))).containsExactly(pcmRow(7, "t1", 0, CutKind.MANUAL, 20));
      assertThat(cutter.nextIndex()).isEqualTo(8);
    }

    @Test
    void aTimeoutCutsPendingAudioAndClosesTheTurn() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(opus(400), false);

      List<Cut> cuts = cutter.timeout();

      assertThat(rows(cuts)).containsExactly(opusRow(0, "t1", 0, CutKind.TIMEOUT, 400));
      assertThat(cuts.get(0).closesTurn()).isTrue();
      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(cutter.timeout()).as("a second pause has nothing to cut").isEmpty();
    }

    @Test
    void aCutWithNothingPendingAndNoOpenTurnMakesNoJob() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(cutter.timeout()).isEmpty();
      assertThat(cutter.append(new byte[0], true)).isEmpty();
      assertThat(cutter.append(new byte[0], false)).isEmpty();

      assertThat(cutter.nextIndex()).isZero();
      assertThat(turnsMade).as("no turn was started").hasValue(0);
    }

    @Test
    void aManualCutRightAfterAClosedTurnMakesNoJob() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(pcm(100), true);

      assertThat(cutter.append(new byte[0], true)).isEmpty();
      assertThat(cutter.nextIndex()).isEqualTo(1);
    }
  }

  @Nested
  class MaxDurationCuts {
    @Test
    void pcmChunkCrossingTheLimitIsCutExactlyAtTheLimitAndTheTurnStaysOpen() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(pcm(900), false);

      List<Cut> cuts = cutter.append(pcm(300), false);

      assertThat(rows(cuts)).containsExactly(pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000));
      assertThat(cuts.get(0).closesTurn()).isFalse();
      assertThat(cutter.hasOpenUtterance()).isTrue();
      assertThat(rows(cutter.append(new byte[0], true)))
          .as("the rest of the chunk is the next segment of the same turn")
          .containsExactly(pcmRow(1, "t1", 1, CutKind.MANUAL, 200));
    }

    @Test
    void audioExactlyAtTheLimitIsNotCutUntilMoreArrives() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      assertThat(cutter.append(pcm(1000), false)).isEmpty();
      assertThat(rows(cutter.append(pcm(20), false)))
          .containsExactly(pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000));
      assertThat(rows(cutter.timeout())).containsExactly(pcmRow(1, "t1", 1, CutKind.TIMEOUT, 20));
    }

    @Test
    void pcmIsCutOnA20msBoundaryOfTheChunkNeverPastTheLimit() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(pcm(910), false);

      // 90 ms are left before the limit: four 20 ms frames of the chunk fit, the fifth would pass it
      List<Cut> cuts = cutter.append(pcm(200), true);

      assertThat(rows(cuts)).containsExactly(
          pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 990),
          pcmRow(1, "t1", 1, CutKind.MANUAL, 120));
    }

    @Test
    void opusChunkCrossingTheLimitIsCutBetweenPackets() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(opus(900), false);

      List<Cut> cuts = cutter.append(opus(300), true);

      assertThat(rows(cuts)).containsExactly(
          opusRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          opusRow(1, "t1", 1, CutKind.MANUAL, 200));
      for (Cut c : cuts) {
        assertThat(OpusPackets.durationMicros(c.audio())).as("each job is whole framed packets")
            .isEqualTo(c.durationMs() * 1000);
      }
    }

    @Test
    void anOpusPacketThatWouldPassTheLimitMovesWholeToTheNextJob() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(opus(900), false);
      byte[] threeLongPackets = OpusPackets.frame(List.of(opus60msPacket(), opus60msPacket(), opus60msPacket()));

      List<Cut> cuts = cutter.append(threeLongPackets, true);

      // 900 + 60 fits; a second 60 ms packet would reach 1020 ms
      assertThat(cuts).extracting(Cut::durationMs).containsExactly(960L, 120L);
      assertThat(cuts).extracting(Cut::kind).containsExactly(CutKind.MAX_DURATION, CutKind.MANUAL);
      assertThat(cuts.get(0).audio()).hasSize(opusBytes(900) + 5);
      assertThat(cuts.get(1).audio()).hasSize(10);
      assertThat(concat(cuts.get(0).audio(), cuts.get(1).audio()))
          .isEqualTo(concat(opus(900), threeLongPackets));
    }

    @Test
    void aChunkLongerThanSeveralLimitsBecomesSeveralSegmentsOfOneTurn() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(pcm(100), false);

      List<Cut> cuts = cutter.append(pcm(3400), false);

      assertThat(rows(cuts)).containsExactly(
          pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          pcmRow(1, "t1", 1, CutKind.MAX_DURATION, 1000),
          pcmRow(2, "t1", 2, CutKind.MAX_DURATION, 1000));
      assertThat(rows(cutter.append(pcm(100), true))).containsExactly(pcmRow(3, "t1", 3, CutKind.MANUAL, 600));
    }

    @Test
    void anOpusChunkLongerThanSeveralLimitsBecomesSeveralSegmentsOfOneTurn() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);

      List<Cut> cuts = cutter.append(opus(2500), true);

      assertThat(rows(cuts)).containsExactly(
          opusRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          opusRow(1, "t1", 1, CutKind.MAX_DURATION, 1000),
          opusRow(2, "t1", 2, CutKind.MANUAL, 500));
    }

    @Test
    void aCutConservesEveryByteInOrder() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      byte[] first = pcm(700);
      byte[] second = pcm(1800);
      for (int i = 0; i < second.length; i++) {
        second[i] = (byte) i;
      }

      List<Cut> cuts = new ArrayList<>(cutter.append(first, false));
      cuts.addAll(cutter.append(second, true));

      byte[] joined = new byte[0];
      for (Cut c : cuts) {
        joined = concat(joined, c.audio());
      }
      assertThat(joined).isEqualTo(concat(first, second));
      assertThat(cuts).allSatisfy(c -> assertThat(c.durationMs()).isLessThanOrEqualTo(MAX_DURATION_MS));
    }
  }

  @Nested
  class EmptyClosingJob {
    @Test
    void aManualCutWithNothingPendingClosesAnOpenTurnWithAnEmptyJob() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.whole(pcm(500), false);

      List<Cut> cuts = cutter.append(new byte[0], true);

      assertThat(rows(cuts)).containsExactly("#1 t1/1 MANUAL 0ms 0B");
      assertThat(cuts.get(0).closesTurn()).isTrue();
      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(cutter.timeout()).isEmpty();
    }

    @Test
    void aTimeoutWithNothingPendingClosesAnOpenTurnWithAnEmptyJob() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.whole(pcm(500), false);
      assertThat(cutter.hasOpenUtterance()).as("an open turn is something a pause must close").isTrue();

      assertThat(rows(cutter.timeout())).containsExactly("#1 t1/1 TIMEOUT 0ms 0B");
    }

    @Test
    void anOversizedOpusPacketFillsAJobAloneAndTheTurnClosesEmpty() {
      // 120 ms (six 20 ms CELT frames in one packet) against a 100 ms limit: the packet cannot be split
      byte[] packet = {(byte) 0xFB, 6, 0};
      Cutter cutter = opusCutter(100, MAX_TURN_MS);

      List<Cut> cuts = cutter.append(OpusPackets.frame(List.of(packet)), false);
      assertThat(rows(cuts)).containsExactly("#0 t1/0 MAX_DURATION 120ms 5B");

      assertThat(rows(cutter.append(new byte[0], true))).containsExactly("#1 t1/1 MANUAL 0ms 0B");
    }
  }

  @Nested
  class MaxTurn {
    @Test
    void aTurnReachingMaxTurnMsClosesAsATimeoutCut() {
      Cutter cutter = pcmCutter(1000, 3000);
      List<Cut> cuts = new ArrayList<>();

      for (int i = 0; i < 30; i++) {
        cuts.addAll(cutter.append(pcm(100), false));
      }

      assertThat(rows(cuts)).containsExactly(
          pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          pcmRow(1, "t1", 1, CutKind.MAX_DURATION, 1000),
          pcmRow(2, "t1", 2, CutKind.TIMEOUT, 1000));
      assertThat(cutter.hasOpenUtterance()).isFalse();
    }

    @Test
    void theNextTurnStartsWithAFullTurnAllowance() {
      Cutter cutter = pcmCutter(1000, 3000);
      for (int i = 0; i < 30; i++) {
        cutter.append(pcm(100), false);
      }

      List<Cut> cuts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        cuts.addAll(cutter.append(pcm(100), false));
      }

      assertThat(cuts).as("one second into a new turn, far from its limit").isEmpty();
      assertThat(rows(cutter.append(new byte[0], true))).containsExactly(pcmRow(3, "t2", 0, CutKind.MANUAL, 1000));
    }

    @Test
    void aLongManualTurnDoesNotShortenTheNextOne() {
      Cutter cutter = pcmCutter(1000, 3000);
      assertThat(cutter.append(pcm(2500), true)).hasSize(3);

      List<Cut> cuts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        cuts.addAll(cutter.append(pcm(100), false));
      }

      assertThat(cuts).isEmpty();
    }

    @Test
    void aChunkRunningPastMaxTurnClosesTheTurnAtTheLimitAndStartsTheNext() {
      Cutter cutter = pcmCutter(1000, 3000);

      List<Cut> cuts = cutter.append(pcm(4500), false);

      assertThat(rows(cuts)).containsExactly(
          pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          pcmRow(1, "t1", 1, CutKind.MAX_DURATION, 1000),
          pcmRow(2, "t1", 2, CutKind.TIMEOUT, 1000),
          pcmRow(3, "t2", 0, CutKind.MAX_DURATION, 1000));
      assertThat(rows(cutter.append(new byte[0], true))).containsExactly(pcmRow(4, "t2", 1, CutKind.MANUAL, 500));
    }
  }

  @Nested
  class WholeUtterances {
    @Test
    void aWholeUtteranceIsExactlyOneJobWhateverItsLength() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      Cut cut = cutter.whole(pcm(2500), true);

      assertThat(row(cut)).isEqualTo(pcmRow(0, "t1", 0, CutKind.MANUAL, 2500));
      assertThat(cutter.hasOpenUtterance()).isFalse();
    }

    @Test
    void aWholeUtteranceThatKeepsTheTurnOpenIsFollowedInTheSameTurn() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);

      List<String> cuts = List.of(
          row(cutter.whole(opus(300), true)),
          row(cutter.whole(opus(400), false)),
          row(cutter.whole(opus(200), false)),
          row(cutter.whole(opus(100), true)));

      assertThat(cuts).containsExactly(
          opusRow(0, "t1", 0, CutKind.MANUAL, 300),
          opusRow(1, "t2", 0, CutKind.MAX_DURATION, 400),
          opusRow(2, "t2", 1, CutKind.MAX_DURATION, 200),
          opusRow(3, "t2", 2, CutKind.MANUAL, 100));
    }
  }

  @Nested
  class BadAudio {
    @Test
    void anOddLengthPcmChunkIsRefusedAndChangesNothing() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(pcm(900), false);

      assertBadAudio(() -> cutter.append(new byte[20_001], true));

      assertThat(cutter.nextIndex()).isZero();
      assertThat(turnsMade).hasValue(0);
      assertThat(rows(cutter.append(pcm(300), false)))
          .containsExactly(pcmRow(0, "t1", 0, CutKind.MAX_DURATION, 1000));
      assertThat(rows(cutter.timeout())).containsExactly(pcmRow(1, "t1", 1, CutKind.TIMEOUT, 200));
    }

    @Test
    void aTruncatedOpusChunkIsRefusedEvenWhenItsGoodHeadWouldHaveBeenCut() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);
      cutter.append(opus(900), false);
      byte[] goodHead = opus(300);
      byte[] brokenTail = Arrays.copyOf(opus(40), opusBytes(40) - 1);

      assertBadAudio(() -> cutter.append(concat(goodHead, brokenTail), false));

      assertThat(cutter.nextIndex()).isZero();
      assertThat(rows(cutter.append(opus(300), true))).containsExactly(
          opusRow(0, "t1", 0, CutKind.MAX_DURATION, 1000),
          opusRow(1, "t1", 1, CutKind.MANUAL, 200));
    }

    @Test
    void opusWithAZeroLengthPacketIsRefused() {
      Cutter cutter = opusCutter(MAX_DURATION_MS, MAX_TURN_MS);

      assertBadAudio(() -> cutter.append(concat(opus(40), new byte[] {0, 0}), true));

      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(rows(cutter.append(opus(40), true))).containsExactly(opusRow(0, "t1", 0, CutKind.MANUAL, 40));
    }

    @Test
    void aBadWholeUtteranceIsRefusedAndChangesNothing() {
      Cutter cutter = pcmCutter(MAX_DURATION_MS, MAX_TURN_MS);

      assertBadAudio(() -> cutter.whole(new byte[3], true));

      assertThat(cutter.hasOpenUtterance()).isFalse();
      assertThat(row(cutter.whole(pcm(20), true))).isEqualTo(pcmRow(0, "t1", 0, CutKind.MANUAL, 20));
    }

    private void assertBadAudio(Runnable call) {
      assertThatThrownBy(call::run)
          .isInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(ErrorCode.BAD_AUDIO));
    }
  }
}
