package dev.parley.codecs.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OpusCodecTest {
  private static final int RATE = 16_000;
  private static final int FRAME_SAMPLES = 320;
  /** Covers the codec's delay (encoder lookahead plus decoder delay) with room to spare. */
  private static final int MAX_LAG = 400;

  /** Random bytes on which Concentus fails one of its internal assertions. */
  private static final String ASSERTION_PACKET =
      "55fb86e5eddfc80edd6d12e147aeeba4d399160d16dbd2283abbd4be52a757e34ccc2aab41cdc77811454257d05ac1e5"
          + "c0ffa44a05cb62664a3d86995ca7df5ef6448fa051a800d506cb94d96e44926db17d6cc88cef4f9ef79c5132278835"
          + "cc21a941f7fda6e63aebccdc8c4d4546259c0383e26c88a4f1a8e8918e930557868ded86b3098f0e3cff33ae1b1e24"
          + "a8a2accdcbf38dff3ac91b78505e448cc89b6f627d399f4eb36819f4d5d99620bde0bf3679017889238ddd42bd5620"
          + "0e892fef2dd98bc924054a234a71ccee8fd131e95a0665db55ed19d486eb99d2e6fb9faa96c5a6f859052b9a4a3ead"
          + "6489cc66ef89d2bd0950b5d6b6";

  @Test
  void aToneSurvivesTheRoundTrip() {
    short[] tone = tone(440, RATE, 8000);
    short[] decoded = OpusDecoding.decodeAll(OpusEncoding.encode(tone, RATE), RATE);

    assertThat(decoded).hasSize(50 * FRAME_SAMPLES);
    // The first 100 ms, where the codec settles, and the tail the lag may push out are left out.
    int from = RATE / 10;
    int to = tone.length - MAX_LAG;
    assertThat(rms(decoded, from, to)).isCloseTo(rms(tone, from, to), withinPercentage(20));
    double best = -1;
    for (int lag = 0; lag <= MAX_LAG; lag++) {
      best = Math.max(best, correlation(tone, decoded, lag, from, to));
    }
    assertThat(best).isGreaterThan(0.9);
  }

  @Test
  void everyPacketLasts20ms() {
    byte[] framed = OpusEncoding.encode(tone(440, RATE, 8000), RATE);
    int[] offsets = OpusPackets.offsets(framed);
    assertThat(offsets).hasSize(50);
    for (int boundary : offsets) {
      int length = OpusPackets.packetLength(framed, boundary);
      assertThat(OpusPackets.packetDurationMicros(framed, boundary + OpusPackets.PREFIX_BYTES, length)).isEqualTo(20_000);
    }
    assertThat(OpusPackets.durationMicros(framed)).isEqualTo(1_000_000);
    // 24 kbit/s is 60 bytes a packet on average.
    assertThat(framed.length - 50 * OpusPackets.PREFIX_BYTES).isBetween(1_500, 4_500);
  }

  @Test
  void theLastPartialFrameIsPaddedWithSilence() {
    short[] samples = Arrays.copyOf(tone(440, RATE, 8000), RATE + 100);
    byte[] framed = OpusEncoding.encode(samples, RATE);
    assertThat(OpusPackets.offsets(framed)).hasSize(51);
    assertThat(OpusDecoding.decodeAll(framed, RATE)).hasSize(51 * FRAME_SAMPLES);
  }

  @Test
  void nothingEncodesAndDecodesToNothing() {
    assertThat(OpusEncoding.encode(new short[0], RATE)).isEmpty();
    assertThat(OpusDecoding.decodeAll(new byte[0], RATE)).isEmpty();
    OpusEncoding encoding = new OpusEncoding(RATE);
    assertThat(encoding.flush()).isEmpty();
  }

  @Test
  void silenceDecodesToNearSilence() {
    short[] decoded = OpusDecoding.decodeAll(OpusEncoding.encode(new short[RATE], RATE), RATE);
    assertThat(decoded).hasSize(RATE);
    assertThat(peak(decoded)).isLessThanOrEqualTo(16);
  }

  @Test
  void decodesForeignPackets() {
    // CELT fullband packets, unlike the SILK wideband ones the encoder makes.
    short[] decoded = OpusDecoding.decodeAll(OpusPackets.framedSilence(100), RATE);
    assertThat(decoded).hasSize(5 * FRAME_SAMPLES);
    assertThat(peak(decoded)).isLessThanOrEqualTo(16);
  }

  @ParameterizedTest
  @ValueSource(ints = {8_000, 12_000, 24_000, 48_000})
  void decodesAtOtherRates(int rate) {
    byte[] framed = OpusEncoding.encode(tone(440, RATE, 8000), RATE);
    assertThat(OpusDecoding.decodeAll(framed, rate)).hasSize(rate);
    assertThat(OpusDecoding.decodeAll(OpusEncoding.encode(tone(440, rate, 8000), rate), rate)).hasSize(rate);
  }

  @Test
  void theDefaultRateIs16kHz() {
    OpusDecoding decoding = new OpusDecoding();
    assertThat(decoding.sampleRate()).isEqualTo(RATE);
    byte[] framed = OpusEncoding.encode(speechLike(RATE, 1), RATE);
    assertThat(decoding.decode(framed)).containsExactly(OpusDecoding.decodeAll(framed, RATE));
  }

  @Test
  void decodingInTwoCallsEqualsDecodingInOne() {
    byte[] framed = OpusEncoding.encode(speechLike(2 * RATE, 2), RATE);
    int cut = OpusPackets.offsets(framed)[37];
    OpusDecoding decoding = new OpusDecoding(RATE);
    short[] head = decoding.decode(Arrays.copyOf(framed, cut));
    short[] tail = decoding.decode(Arrays.copyOfRange(framed, cut, framed.length));

    short[] joined = Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, joined, head.length, tail.length);
    assertThat(joined).containsExactly(OpusDecoding.decodeAll(framed, RATE));
  }

  @Test
  void encodingChunkByChunkEqualsEncodingAtOnce() {
    short[] samples = speechLike(RATE + 250, 3);
    OpusEncoding encoding = new OpusEncoding(RATE);
    byte[] streamed = new byte[0];
    int[] chunkSizes = {1, 319, 320, 321, 1000, 137};
    for (int pos = 0, i = 0; pos < samples.length; i++) {
      int n = Math.min(chunkSizes[i % chunkSizes.length], samples.length - pos);
      streamed = concat(streamed, encoding.encode(Arrays.copyOfRange(samples, pos, pos + n)));
      pos += n;
    }
    streamed = concat(streamed, encoding.flush());
    assertThat(streamed).containsExactly(OpusEncoding.encode(samples, RATE));
    assertThat(encoding.flush()).isEmpty();
  }

  @Test
  void rejectsPacketsOpusCannotParse() {
    // TOC 0x48 | code: SILK wideband 20 ms.
    assertBadAudio(packet(0x49, 1, 2, 3), "corrupted stream"); // code 1: two equal frames in an odd byte count
    assertBadAudio(packet(0x4A, 200, 1), "corrupted stream"); // code 2: first frame longer than the packet
    assertBadAudio(packet(0x4B, 0x41, 0xFF, 0xFF), "corrupted stream"); // code 3: padding longer than the packet
    assertBadAudio(packet(0x4B, 0x00), "frame count of 0");
    assertBadAudio(packet(0x4B, 0x07), "more than 120 ms");
    assertBadAudio(packet(0x4B), "frame count byte");
    assertBadAudio(OpusPackets.frame(List.of(HexFormat.of().parseHex(ASSERTION_PACKET))), "AssertionError");
  }

  @Test
  void randomPacketsDecodeOrAreBadAudio() {
    Random random = new Random(7);
    int rejected = 0;
    for (int i = 0; i < 2_000; i++) {
      byte[] packet = new byte[1 + random.nextInt(i % 2 == 0 ? 8 : 400)];
      random.nextBytes(packet);
      byte[] framed = OpusPackets.frame(List.of(packet));
      try {
        short[] decoded = OpusDecoding.decodeAll(framed, RATE);
        assertThat((long) decoded.length).isEqualTo(OpusPackets.durationMicros(framed) * RATE / 1_000_000);
      } catch (ProtocolException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO);
        rejected++;
      }
    }
    assertThat(rejected).isBetween(100, 1_900);
  }

  @Test
  void aBadPacketFailsTheWholeCallAndTheDecoderStartsAfresh() {
    byte[] audio = OpusEncoding.encode(speechLike(RATE / 2, 4), RATE);
    byte[] withGarbage = concat(audio, packet(0x49, 1, 2, 3));
    OpusDecoding decoding = new OpusDecoding(RATE);
    assertThatThrownBy(() -> decoding.decode(withGarbage))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining("offset " + audio.length);
    assertThat(decoding.decode(audio)).containsExactly(OpusDecoding.decodeAll(audio, RATE));
  }

  @Test
  void rejectsBrokenFraming() {
    byte[] audio = OpusEncoding.encode(speechLike(RATE / 10, 5), RATE);
    assertBadAudio(Arrays.copyOf(audio, audio.length - 1), "truncated opus packet");
    assertBadAudio(Arrays.copyOf(audio, audio.length + 1), "truncated opus length prefix");
    assertBadAudio(concat(audio, new byte[] {0, 0}), "zero-length opus packet at offset " + audio.length);
    assertBadAudio(new byte[] {0, 0, 0x48}, "zero-length opus packet at offset 0");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -16_000, 44_100, 22_050, 96_000})
  void rejectsRatesOpusDoesNotRunAt(int rate) {
    assertThatThrownBy(() -> new OpusDecoding(rate))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining(String.valueOf(rate));
    assertThatThrownBy(() -> OpusEncoding.encode(new short[10], rate)).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertBadAudio(byte[] framed, String reason) {
    assertThatThrownBy(() -> new OpusDecoding(RATE).decode(framed))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining(reason);
  }

  private static byte[] packet(int... bytes) {
    byte[] p = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      p[i] = (byte) bytes[i];
    }
    return OpusPackets.frame(List.of(p));
  }

  private static short[] tone(double hz, int rate, double amplitude) {
    short[] s = new short[rate];
    for (int i = 0; i < s.length; i++) {
      s[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / rate));
    }
    return s;
  }

  /** Voiced syllables with a gliding pitch, and a little noise between them. */
  private static short[] speechLike(int samples, long seed) {
    Random random = new Random(seed);
    short[] s = new short[samples];
    double phase = 0;
    for (int i = 0; i < s.length; i++) {
      double t = (double) i / RATE;
      phase += 2 * Math.PI * (120 + 40 * Math.sin(2 * Math.PI * 0.7 * t)) / RATE;
      double envelope = Math.max(0, Math.sin(2 * Math.PI * 3.5 * t));
      double voiced = 0;
      for (int h = 1; h <= 12; h++) {
        voiced += Math.sin(h * phase) / h;
      }
      s[i] = (short) Math.max(-32768, Math.min(32767, voiced * envelope * 6000 + random.nextGaussian() * 300 * (1 - envelope)));
    }
    return s;
  }

  private static double rms(short[] s, int from, int to) {
    double energy = 0;
    for (int i = from; i < to; i++) {
      energy += (double) s[i] * s[i];
    }
    return Math.sqrt(energy / (to - from));
  }

  /** Normalised cross-correlation of {@code x[from..to)} with {@code y} delayed by {@code lag}. */
  private static double correlation(short[] x, short[] y, int lag, int from, int to) {
    double xy = 0;
    double xx = 0;
    double yy = 0;
    for (int i = from; i < to; i++) {
      double a = x[i];
      double b = y[i + lag];
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    return xy / Math.sqrt(xx * yy);
  }

  private static int peak(short[] s) {
    int peak = 0;
    for (short v : s) {
      peak = Math.max(peak, Math.abs(v));
    }
    return peak;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
