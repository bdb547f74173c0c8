package dev.parley.codecs.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WavTest {
  private static final short[] SAMPLES = {0, 1, -1, 1000, -1000, Short.MAX_VALUE, Short.MIN_VALUE};

  @Test
  void writeThenReadRoundTrips() {
    short[] samples = new short[1601];
    Random random = new Random(1);
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (short) random.nextInt();
    }
    byte[] wav = Wav.write(samples, 22050);
    Wav.Decoded decoded = Wav.read(wav);
    assertThat(decoded.samples()).containsExactly(samples);
    assertThat(decoded.sampleRate()).isEqualTo(22050);
    assertThat(decoded.channels()).isEqualTo(1);
  }

  @Test
  void writesTheCanonicalHeader() {
    byte[] wav = Wav.write(SAMPLES, 16000);
    ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(wav).hasSize(44 + 2 * SAMPLES.length);
    assertThat(ascii(wav, 0)).isEqualTo("RIFF");
    assertThat(b.getInt(4)).isEqualTo(wav.length - 8);
    assertThat(ascii(wav, 8)).isEqualTo("WAVE");
    assertThat(ascii(wav, 12)).isEqualTo("fmt ");
    assertThat(b.getInt(16)).isEqualTo(16);
    assertThat(b.getShort(20)).isEqualTo((short) 1);
    assertThat(b.getShort(22)).isEqualTo((short) 1);
    assertThat(b.getInt(24)).isEqualTo(16000);
    assertThat(b.getInt(28)).isEqualTo(32000);
    assertThat(b.getShort(32)).isEqualTo((short) 2);
    assertThat(b.getShort(34)).isEqualTo((short) 16);
    assertThat(ascii(wav, 36)).isEqualTo("data");
    assertThat(b.getInt(40)).isEqualTo(2 * SAMPLES.length);
    assertThat(b.getShort(44 + 2 * 5)).isEqualTo(Short.MAX_VALUE);
  }

  @Test
  void wrapEqualsWriteOfTheSameSamples() {
    assertThat(Wav.wrap(Pcm16.toBytes(SAMPLES), 8000)).containsExactly(Wav.write(SAMPLES, 8000));
    assertThat(Wav.read(Wav.wrap(new byte[0], 8000)).samples()).isEmpty();
  }

  @Test
  void wrapRejectsOddPcm() {
    assertBadAudio(() -> Wav.wrap(new byte[5], 16000), "even number of bytes");
  }

  @Test
  void skipsUnknownChunksAndOddPadding() {
    byte[] wav = riff(
        chunk("LIST", "INFOISFT\5\0\0\0Lavf\0".getBytes(StandardCharsets.ISO_8859_1)),
        chunk("junk", new byte[3]),
        fmt(1, 1, 16000, 16),
        chunk("fact", new byte[] {1}),
        chunk("data", Pcm16.toBytes(SAMPLES)),
        chunk("LIST", new byte[9]));
    Wav.Decoded decoded = Wav.read(wav);
    assertThat(decoded.samples()).containsExactly(SAMPLES);
    assertThat(decoded.sampleRate()).isEqualTo(16000);
  }

  @Test
  void readsOddSizedDataFollowedByPadding() {
    byte[] data = {0x10, 0x00, 0x20, 0x00, 0x30};
    Wav.Decoded decoded = Wav.read(riff(fmt(1, 1, 16000, 16), chunk("data", data)));
    assertThat(decoded.samples()).containsExactly((short) 0x10, (short) 0x20);
  }

  @Test
  void acceptsDataBeforeFmt() {
    Wav.Decoded decoded = Wav.read(riff(chunk("data", Pcm16.toBytes(SAMPLES)), fmt(1, 1, 8000, 16)));
    assertThat(decoded.samples()).containsExactly(SAMPLES);
    assertThat(decoded.sampleRate()).isEqualTo(8000);
  }

  @Test
  void downMixesStereoByAveraging() {
    short[] interleaved = {1000, 3000, -32768, -32768, 32767, 32767, 100, -100, -5, -6, 7, 8};
    Wav.Decoded decoded = Wav.read(riff(fmt(1, 2, 44100, 16), chunk("data", Pcm16.toBytes(interleaved))));
    assertThat(decoded.channels()).isEqualTo(2);
    assertThat(decoded.sampleRate()).isEqualTo(44100);
    assertThat(decoded.samples()).hasSize(interleaved.length / 2);
    for (int i = 0; i < decoded.samples().length; i++) {
      double mean = (interleaved[2 * i] + interleaved[2 * i + 1]) / 2.0;
      assertThat((double) decoded.samples()[i]).isCloseTo(mean, org.assertj.core.data.Offset.offset(0.5));
    }
  }

  @Test
  void acceptsExtensibleFormatWithPcmSubformat() {
    Wav.Decoded decoded = Wav.read(riff(extensibleFmt(1), chunk("data", Pcm16.toBytes(SAMPLES))));
    assertThat(decoded.samples()).containsExactly(SAMPLES);
  }

  @Test
  void clampsDataThatRunsPastTheEnd() {
    byte[] wav = riff(fmt(1, 1, 16000, 16), chunk("data", Pcm16.toBytes(SAMPLES)));
    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(wav.length - 2 * SAMPLES.length - 4, 1_000_000);
    assertThat(Wav.read(wav).samples()).containsExactly(SAMPLES);

    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(wav.length - 2 * SAMPLES.length - 4, -1);
    byte[] cut = java.util.Arrays.copyOf(wav, wav.length - 1);
    assertThat(Wav.read(cut).samples()).containsExactly(java.util.Arrays.copyOf(SAMPLES, SAMPLES.length - 1));
  }

  @Test
  void dropsAPartialStereoFrame() {
    byte[] data = Pcm16.toBytes(new short[] {10, 20, 30});
    assertThat(Wav.read(riff(fmt(1, 2, 16000, 16), chunk("data", data))).samples()).containsExactly((short) 15);
  }

  static Stream<Arguments> malformed() {
    byte[] good = Wav.write(SAMPLES, 16000);
    byte[] riffx = good.clone();
    riffx[3] = 'X';
    byte[] avi = good.clone();
    System.arraycopy("AVI ".getBytes(StandardCharsets.US_ASCII), 0, avi, 8, 4);
    return Stream.of(
        Arguments.of("empty", new byte[0], "truncated WAV"),
        Arguments.of("shorter than the RIFF header", java.util.Arrays.copyOf(good, 11), "truncated WAV"),
        Arguments.of("not RIFF", riffx, "not a RIFF/WAVE file"),
        Arguments.of("RIFF but not WAVE", avi, "not a RIFF/WAVE file"),
        Arguments.of("no chunks", java.util.Arrays.copyOf(good, 12), "missing fmt chunk"),
        Arguments.of("no fmt", riff(chunk("data", new byte[4])), "missing fmt chunk"),
        Arguments.of("no data", riff(fmt(1, 1, 16000, 16), chunk("LIST", new byte[4])), "missing data chunk"),
        Arguments.of("fmt too short", riff(chunk("fmt ", new byte[14]), chunk("data", new byte[2])), "fmt chunk too short"),
        Arguments.of("fmt cut off", java.util.Arrays.copyOf(good, 30), "truncated 'fmt ' chunk"),
        Arguments.of("chunk header cut off", java.util.Arrays.copyOf(good, 40), "truncated chunk header"),
        Arguments.of("float samples", riff(fmt(3, 1, 16000, 32), chunk("data", new byte[4])), "unsupported WAV format 3"),
        Arguments.of("a-law", riff(fmt(6, 1, 8000, 8), chunk("data", new byte[4])), "unsupported WAV format 6"),
        Arguments.of("extensible float", riff(extensibleFmt(3), chunk("data", new byte[4])), "unsupported WAV format 3"),
        Arguments.of("8-bit", riff(fmt(1, 1, 16000, 8), chunk("data", new byte[4])), "unsupported 8-bit samples"),
        Arguments.of("24-bit", riff(fmt(1, 1, 16000, 24), chunk("data", new byte[6])), "unsupported 24-bit samples"),
        Arguments.of("no channels", riff(fmt(1, 0, 16000, 16), chunk("data", new byte[4])), "unsupported channel count 0"),
        Arguments.of("three channels", riff(fmt(1, 3, 16000, 16), chunk("data", new byte[6])), "unsupported channel count 3"),
        Arguments.of("zero sample rate", riff(fmt(1, 1, 0, 16), chunk("data", new byte[4])), "invalid sample rate 0"),
        Arguments.of("huge sample rate", riff(fmt(1, 1, -1, 16), chunk("data", new byte[4])), "invalid sample rate 4294967295"),
        Arguments.of("duplicate fmt", riff(fmt(1, 1, 16000, 16), fmt(1, 1, 8000, 16), chunk("data", new byte[2])), "duplicate fmt chunk"),
        Arguments.of("LIST past the end", truncatedList(), "truncated 'LIST' chunk"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedFiles(String name, byte[] wav, String reason) {
    assertBadAudio(() -> Wav.read(wav), reason);
  }

  @Test
  void resampleLengthFollowsTheRateRatio() {
    assertThat(Wav.resample(new short[16000], 16000, 8000)).hasSize(8000);
    assertThat(Wav.resample(new short[16000], 16000, 48000)).hasSize(48000);
    assertThat(Wav.resample(new short[44100], 44100, 16000)).hasSize(16000);
    assertThat(Wav.resample(new short[3], 16000, 8000)).hasSize(1);
    assertThat(Wav.resample(new short[0], 8000, 16000)).isEmpty();
  }

  @Test
  void resampleAtTheSameRateReturnsTheInput() {
    assertThat(Wav.resample(SAMPLES, 16000, 16000)).isSameAs(SAMPLES);
  }

  @Test
  void upsamplingInterpolatesBetweenNeighbours() {
    short[] ramp = {0, 100, 200, -200};
    assertThat(Wav.resample(ramp, 8000, 16000)).containsExactly(0, 50, 100, 150, 200, 0, -200, -200);
    assertThat(Wav.resample(ramp, 16000, 8000)).containsExactly(0, 200);
  }

  @Test
  void resamplingKeepsASinesFrequencyAndLevel() {
    int rate = 16000;
    double hz = 440;
    short[] sine = new short[rate];
    for (int i = 0; i < sine.length; i++) {
      sine[i] = (short) Math.round(10000 * Math.sin(2 * Math.PI * hz * i / rate));
    }
    for (int to : new int[] {8000, 11025, 44100, 48000}) {
      short[] out = Wav.resample(sine, rate, to);
      double seconds = (double) out.length / to;
      assertThat(zeroCrossings(out) / 2.0 / seconds).as("frequency at %d Hz", to).isBetween(hz * 0.99, hz * 1.01);
      assertThat(rms(out)).as("rms at %d Hz", to).isBetween(10000 / Math.sqrt(2) * 0.95, 10000 / Math.sqrt(2) * 1.02);
    }
  }

  @Test
  void resampleRejectsNonPositiveRates() {
    assertBadAudio(() -> Wav.resample(SAMPLES, 0, 16000), "sample_rate must be positive");
    assertBadAudio(() -> Wav.resample(SAMPLES, 16000, -1), "sample_rate must be positive");
  }

  private static int zeroCrossings(short[] s) {
    int n = 0;
    for (int i = 1; i < s.length; i++) {
      if ((s[i - 1] < 0) != (s[i] < 0)) {
        n++;
      }
    }
    return n;
  }

  private static double rms(short[] s) {
    double sum = 0;
    for (short v : s) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum / s.length);
  }

  private static void assertBadAudio(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining(reason);
  }

  private static byte[] truncatedList() {
    byte[] wav = riff(fmt(1, 1, 16000, 16), chunk("LIST", new byte[8]));
    ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN).putInt(wav.length - 12, 64);
    return wav;
  }

  private static String ascii(byte[] b, int at) {
    return new String(b, at, 4, StandardCharsets.US_ASCII);
  }

  static byte[] chunk(String id, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length + (body.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
    b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt(body.length).put(body);
    return b.array();
  }

  static byte[] fmt(int format, int channels, int rate, int bits) {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) format).putShort((short) channels).putInt(rate).putInt(rate * channels * bits / 8);
    b.putShort((short) (channels * bits / 8)).putShort((short) bits);
    return chunk("fmt ", b.array());
  }

  static byte[] extensibleFmt(int subFormat) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort((short) 0xFFFE).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16);
    b.putShort((short) 22).putShort((short) 16).putInt(4);
    b.putShort((short) subFormat).put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
    return chunk("fmt ", b.array());
  }

  static byte[] riff(byte[]... chunks) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
    for (byte[] c : chunks) {
      body.writeBytes(c);
    }
    return chunk("RIFF", body.toByteArray());
  }
}
