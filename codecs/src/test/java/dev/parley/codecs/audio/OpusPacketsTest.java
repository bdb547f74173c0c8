package dev.parley.codecs.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpusPacketsTest {
  /** Expected durations from the configuration table of RFC 6716 section 3.1. */
  @ParameterizedTest(name = "config {0} code {1} count {2}")
  @CsvSource({
    // SILK-only NB/MB/WB: 10, 20, 40, 60 ms
    "0, 0, 0, 10000",
    "1, 0, 0, 20000",
    "2, 0, 0, 40000",
    "3, 0, 0, 60000",
    "5, 0, 0, 20000",
    "10, 0, 0, 40000",
    "11, 0, 0, 60000",
    // Hybrid SWB/FB: 10, 20 ms
    "12, 0, 0, 10000",
    "13, 0, 0, 20000",
    "14, 0, 0, 10000",
    "15, 0, 0, 20000",
    // CELT-only NB/WB/SWB/FB: 2.5, 5, 10, 20 ms
    "16, 0, 0, 2500",
    "17, 0, 0, 5000",
    "18, 0, 0, 10000",
    "19, 0, 0, 20000",
    "28, 0, 0, 2500",
    "31, 0, 0, 20000",
    // code 1 (two equal frames) and 2 (two frames of different sizes)
    "31, 1, 0, 40000",
    "31, 2, 0, 40000",
    "3, 1, 0, 120000",
    "16, 2, 0, 5000",
    "13, 1, 0, 40000",
    // code 3: frame count in the low 6 bits of the second byte
    "31, 3, 1, 20000",
    "31, 3, 6, 120000",
    "16, 3, 48, 120000",
    "17, 3, 3, 15000",
    "3, 3, 2, 120000",
    "0, 3, 12, 120000",
  })
  void durationFromToc(int config, int code, int count, long micros) {
    byte[] packet = {(byte) (config << 3 | code), (byte) count, 0, 0};
    assertThat(OpusPackets.packetDurationMicros(packet, 0, packet.length)).isEqualTo(micros);
    packet[0] |= 0x04; // the stereo flag does not change the duration
    assertThat(OpusPackets.packetDurationMicros(packet, 0, packet.length)).isEqualTo(micros);
  }

  @Test
  void code3CountIgnoresTheVbrAndPaddingFlags() {
    byte[] packet = {(byte) (31 << 3 | 3), (byte) (0xC0 | 3), 0, 0};
    assertThat(OpusPackets.packetDurationMicros(packet, 0, packet.length)).isEqualTo(60_000);
  }

  @Test
  void readsThePacketAtItsOffset() {
    byte[] buf = {(byte) 0xF8, (byte) 0xFF, (byte) (16 << 3), 0x00, (byte) (3 << 3 | 3), 2, 0};
    assertThat(OpusPackets.packetDurationMicros(buf, 2, 2)).isEqualTo(2_500);
    assertThat(OpusPackets.packetDurationMicros(buf, 4, 3)).isEqualTo(120_000);
  }

  @Test
  void rejectsInvalidPackets() {
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0xFB}, 0, 1), "frame count byte");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0xFB, 0x00}, 0, 2), "frame count of 0");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0xFB, (byte) 0xC0}, 0, 2), "frame count of 0");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0xFB, 7}, 0, 2), "more than 120 ms");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0x83, 49}, 0, 2), "more than 120 ms");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0x1B, 3}, 0, 2), "more than 120 ms");
    assertBadAudio(() -> OpusPackets.packetDurationMicros(new byte[] {(byte) 0xF8}, 0, 0), "empty opus packet");
  }

  @Test
  void frameAndOffsetsRoundTrip() {
    List<byte[]> packets = List.of(new byte[] {(byte) 0xF8}, filled(3, 0x08), filled(300, 0x90), filled(0xFFFF, 0x58));
    byte[] framed = OpusPackets.frame(packets);
    int[] offsets = OpusPackets.offsets(framed);
    assertThat(offsets).hasSize(packets.size());
    int expected = 0;
    for (int i = 0; i < packets.size(); i++) {
      byte[] p = packets.get(i);
      assertThat(offsets[i]).isEqualTo(expected);
      assertThat((framed[expected] & 0xFF) | (framed[expected + 1] & 0xFF) << 8).isEqualTo(p.length);
      assertThat(OpusPackets.packetLength(framed, expected)).isEqualTo(p.length);
      assertThat(Arrays.copyOfRange(framed, expected + 2, expected + 2 + p.length)).containsExactly(p);
      expected += 2 + p.length;
    }
    assertThat(framed).hasSize(expected);
    assertThat(OpusPackets.durationMicros(framed)).isEqualTo(20_000 + 20_000 + 10_000 + 60_000);
  }

  @Test
  void emptyFramingHasNoPackets() {
    assertThat(OpusPackets.offsets(new byte[0])).isEmpty();
    assertThat(OpusPackets.durationMicros(new byte[0])).isZero();
    assertThat(OpusPackets.frame(List.of())).isEmpty();
    assertThat(OpusPackets.splitOffset(new byte[0], 0)).isZero();
  }

  @Test
  void rejectsATruncatedLengthPrefix() {
    byte[] framed = Arrays.copyOf(OpusPackets.framedSilence(40), 11);
    assertBadAudio(() -> OpusPackets.offsets(framed), "truncated opus length prefix at offset 10");
    assertBadAudio(() -> OpusPackets.durationMicros(framed), "truncated opus length prefix at offset 10");
    assertBadAudio(() -> OpusPackets.offsets(new byte[] {3}), "truncated opus length prefix at offset 0");
  }

  @Test
  void rejectsATruncatedPacket() {
    byte[] framed = {5, 0, (byte) 0xF8, 0, 0};
    assertBadAudio(() -> OpusPackets.offsets(framed), "truncated opus packet at offset 0: length 5, 3 bytes left");
    byte[] highByte = {3, 0, (byte) 0xF8, 0, 0, 0x00, 0x01, (byte) 0xF8};
    assertBadAudio(() -> OpusPackets.durationMicros(highByte), "length 256");
  }

  @Test
  void rejectsAZeroLengthPacket() {
    byte[] framed = {3, 0, (byte) 0xF8, (byte) 0xFF, (byte) 0xFE, 0, 0, (byte) 0xF8};
    assertBadAudio(() -> OpusPackets.offsets(framed), "zero-length opus packet at offset 5");
    assertBadAudio(() -> OpusPackets.durationMicros(framed), "zero-length opus packet");
  }

  @Test
  void durationRejectsAnInvalidToc() {
    byte[] framed = OpusPackets.frame(List.of(OpusPackets.silencePacket20ms(), new byte[] {(byte) 0xFB}));
    assertBadAudio(() -> OpusPackets.durationMicros(framed), "frame count byte");
  }

  @Test
  void silenceHasTheRequestedDuration() {
    assertThat(OpusPackets.durationMicros(OpusPackets.framedSilence(500))).isEqualTo(500_000);
    assertThat(OpusPackets.offsets(OpusPackets.framedSilence(500))).hasSize(25);
    assertThat(OpusPackets.framedSilence(0)).isEmpty();
    byte[] packet = OpusPackets.silencePacket20ms();
    assertThat(packet[0] & 0xFF).isEqualTo(0xF8);
    assertThat(OpusPackets.packetDurationMicros(packet, 0, packet.length)).isEqualTo(20_000);
    assertThat(OpusPackets.framedSilence(60)).containsExactly(OpusPackets.frame(List.of(packet, packet, packet)));
  }

  @Test
  void silencePacketsAreIndependentCopies() {
    byte[] a = OpusPackets.silencePacket20ms();
    a[0] = 0;
    assertThat(OpusPackets.silencePacket20ms()[0] & 0xFF).isEqualTo(0xF8);
    assertThat(OpusPackets.durationMicros(OpusPackets.framedSilence(20))).isEqualTo(20_000);
  }

  @ParameterizedTest
  @ValueSource(ints = {-20, 10, 30, 1})
  void framedSilenceNeedsMultiplesOf20ms(int millis) {
    assertThatThrownBy(() -> OpusPackets.framedSilence(millis)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void frameRejectsPacketsThatCannotBePrefixed() {
    assertThatThrownBy(() -> OpusPackets.frame(List.of(new byte[0]))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OpusPackets.frame(List.of(new byte[0x10000]))).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "500000, 25",
    "510000, 25",
    "519999, 25",
    "520000, 26",
    "0, 0",
    "19999, 0",
    "20000, 1",
    "999999, 49",
  })
  void splitsSilenceBetweenPackets(long maxMicros, int packets) {
    byte[] framed = OpusPackets.framedSilence(1000);
    int offset = OpusPackets.splitOffset(framed, maxMicros);
    assertThat(offset).isEqualTo(OpusPackets.offsets(framed)[packets]);
    assertThat(OpusPackets.durationMicros(Arrays.copyOf(framed, offset))).isEqualTo(packets * 20_000L);
  }

  @ParameterizedTest
  @ValueSource(longs = {1_000_000, 1_000_001, Long.MAX_VALUE})
  void everythingFits(long maxMicros) {
    byte[] framed = OpusPackets.framedSilence(1000);
    assertThat(OpusPackets.splitOffset(framed, maxMicros)).isEqualTo(framed.length);
  }

  @Test
  void splitsPacketsOfMixedDurations() {
    // 10 ms, 60 ms, 20 ms, 2.5 ms
    byte[] framed = OpusPackets.frame(List.of(new byte[] {0x00}, new byte[] {0x18, 1}, new byte[] {(byte) 0xF8}, new byte[] {(byte) 0x80}));
    int[] offsets = OpusPackets.offsets(framed);
    assertThat(OpusPackets.splitOffset(framed, 9_999)).isEqualTo(0);
    assertThat(OpusPackets.splitOffset(framed, 10_000)).isEqualTo(offsets[1]);
    assertThat(OpusPackets.splitOffset(framed, 69_999)).isEqualTo(offsets[1]);
    assertThat(OpusPackets.splitOffset(framed, 70_000)).isEqualTo(offsets[2]);
    assertThat(OpusPackets.splitOffset(framed, 92_499)).isEqualTo(offsets[3]);
    assertThat(OpusPackets.splitOffset(framed, 92_500)).isEqualTo(framed.length);

    int cut = OpusPackets.splitOffset(framed, 75_000);
    long head = OpusPackets.durationMicros(Arrays.copyOf(framed, cut));
    long tail = OpusPackets.durationMicros(Arrays.copyOfRange(framed, cut, framed.length));
    assertThat(head).isEqualTo(70_000);
    assertThat(head + tail).isEqualTo(OpusPackets.durationMicros(framed));
  }

  @Test
  void splitValidatesThePacketsItCrosses() {
    byte[] framed = {3, 0, (byte) 0xF8, 0, 0, 9, 0, (byte) 0xF8};
    assertBadAudio(() -> OpusPackets.splitOffset(framed, 1_000_000), "truncated opus packet at offset 5");
  }

  private static byte[] filled(int length, int toc) {
    byte[] p = new byte[length];
    Arrays.fill(p, (byte) 0x5A);
    p[0] = (byte) toc;
    return p;
  }

  private static void assertBadAudio(ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining(reason);
  }
}
