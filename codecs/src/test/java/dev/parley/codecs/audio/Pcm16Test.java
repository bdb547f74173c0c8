package dev.parley.codecs.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Pcm16Test {
  @Test
  void samplesAreLittleEndian() {
    byte[] le = {0x01, 0x02, (byte) 0xFF, (byte) 0xFF, 0x00, (byte) 0x80, (byte) 0xFF, 0x7F};
    short[] expected = {0x0201, -1, Short.MIN_VALUE, Short.MAX_VALUE};
    assertThat(Pcm16.toSamples(le)).containsExactly(expected);
    assertThat(Pcm16.toBytes(expected)).containsExactly(le);
  }

  @Test
  void bytesAndSamplesRoundTrip() {
    byte[] bytes = new byte[4000];
    new Random(7).nextBytes(bytes);
    assertThat(Pcm16.toBytes(Pcm16.toSamples(bytes))).containsExactly(bytes);
    assertThat(Pcm16.toSamples(new byte[0])).isEmpty();
  }

  @Test
  void oddLengthIsBadAudio() {
    assertThatThrownBy(() -> Pcm16.toSamples(new byte[3]))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessage("pcm16 audio must have an even number of bytes");
    assertThatThrownBy(() -> Pcm16.validate(new byte[1])).isInstanceOf(ProtocolException.class);
    Pcm16.validate(new byte[0]);
    Pcm16.validate(new byte[642]);
  }

  @ParameterizedTest
  @CsvSource({
    "32000, 16000, 1000000",
    "640, 16000, 20000",
    "1, 16000, 0",
    "3, 16000, 62",
    "882, 44100, 10000",
    "6, 44100, 68",
    "0, 8000, 0",
    "2147483646, 8000, 134217727875",
  })
  void durationOfBytes(int bytes, int rate, long micros) {
    assertThat(Pcm16.durationMicros(bytes, rate)).isEqualTo(micros);
  }

  @ParameterizedTest
  @CsvSource({"20, 16000, 640", "1000, 8000, 16000", "10, 44100, 882", "1, 11025, 22", "0, 48000, 0"})
  void bytesForMillisCountsWholeSamples(int ms, int rate, int bytes) {
    assertThat(Pcm16.bytesForMillis(ms, rate)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -16000})
  void nonPositiveSampleRateIsBadAudio(int rate) {
    assertThatThrownBy(() -> Pcm16.durationMicros(640, rate))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO));
    assertThatThrownBy(() -> Pcm16.bytesForMillis(20, rate)).isInstanceOf(ProtocolException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "1000000, 32000",
    "1010000, 32000",
    "1019999, 32000",
    "1020000, 32640",
    "19999, 0",
    "0, 0",
    "1999999, 63360",
    "2000000, 64000",
    "9000000000, 64000",
  })
  void splitsTwoSecondsAt20msBoundaries(long maxMicros, int offset) {
    assertThat(Pcm16.splitOffset(64000, 16000, maxMicros)).isEqualTo(offset);
  }

  @Test
  void wholeAudioThatFitsIsNotCutToAFrame() {
    assertThat(Pcm16.splitOffset(1000, 16000, 1_000_000)).isEqualTo(1000);
    assertThat(Pcm16.splitOffset(1000, 16000, 31_250)).isEqualTo(1000);
    assertThat(Pcm16.splitOffset(1000, 16000, 31_249)).isEqualTo(640);
  }

  @ParameterizedTest
  @ValueSource(ints = {8000, 11025, 16000, 22050, 44100, 48000})
  void splitIsTheLargestFittingFrameMultiple(int rate) {
    int frameBytes = rate / 50 * 2;
    int length = rate * 2 * 3 + 10;
    long total = Pcm16.durationMicros(length, rate);
    Random random = new Random(rate);
    for (int i = 0; i < 2000; i++) {
      long max = i < 100 ? i * 9_999L : random.nextInt((int) total + 50_000);
      int offset = Pcm16.splitOffset(length, rate, max);
      assertThat(offset).isBetween(0, length);
      if (offset == length) {
        assertThat(total).isLessThanOrEqualTo(max);
        continue;
      }
      assertThat(offset % frameBytes).isZero();
      assertThat(Pcm16.durationMicros(offset, rate)).isLessThanOrEqualTo(max);
      assertThat(Pcm16.durationMicros(offset + frameBytes, rate)).isGreaterThan(max);
    }
  }

  @Test
  void negativeLimitIsRejected() {
    assertThatThrownBy(() -> Pcm16.splitOffset(640, 16000, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
