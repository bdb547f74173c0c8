package dev.parley.codecs.binary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryAudioFrameTest {
  @Test
  void encodesAnAudioChunkAsSpecified() {
    BinaryAudioFrame frame = BinaryAudioFrame.audio("s1", 0x01020304L, 0xA0B0C0D0L, true, new byte[] {9, 8, 7});
    byte[] expected = {
      0x01, 2,
      0x04, 0x03, 0x02, 0x01,
      (byte) 0xD0, (byte) 0xC0, (byte) 0xB0, (byte) 0xA0,
      1, 0,
      's', '1',
      9, 8, 7
    };
    assertThat(frame.encode().getBytes()).containsExactly(expected);
    assertThat(BinaryAudioFrame.decode(Buffer.buffer(expected))).isEqualTo(frame);
  }

  @Test
  void encodesAFinalFrameAsSpecified() {
    BinaryAudioFrame frame = BinaryAudioFrame.finalFrame("ab", 7, 256);
    byte[] expected = {0x02, 2, 7, 0, 0, 0, 0, 1, 0, 0, 'a', 'b'};
    assertThat(frame.encode().getBytes()).containsExactly(expected);
    BinaryAudioFrame decoded = BinaryAudioFrame.decode(Buffer.buffer(expected));
    assertThat(decoded.kind()).isEqualTo(BinaryAudioFrame.KIND_FINAL);
    assertThat(decoded.sessionId()).isEqualTo("ab");
    assertThat(decoded.seq()).isEqualTo(7);
    assertThat(decoded.timestampMs()).isEqualTo(256);
    assertThat(decoded.isFinal()).isTrue();
    assertThat(decoded.audio()).isEmpty();
  }

  static Stream<BinaryAudioFrame> frames() {
    byte[] audio = new byte[1280];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (byte) (i * 31);
    }
    return Stream.of(
        BinaryAudioFrame.audio("0f8e3c2a-5b1d-4e6f-9a7b-c8d9e0f1a2b3", 0, 0, false, audio),
        BinaryAudioFrame.audio("s", 0xFFFF_FFFFL, 0xFFFF_FFFEL, true, audio),
        BinaryAudioFrame.audio("séance-日本語", 42, 1_700_000_000L, false, new byte[0]),
        BinaryAudioFrame.audio("", 1, 2, true, new byte[] {1}),
        BinaryAudioFrame.audio("x".repeat(255), 3, 4, false, audio),
        BinaryAudioFrame.finalFrame("0f8e3c2a-5b1d-4e6f-9a7b-c8d9e0f1a2b3", 0xFFFF_FFFFL, 0xFFFF_FFFFL),
        BinaryAudioFrame.finalFrame("ünïcode", 0, 0));
  }

  @ParameterizedTest
  @MethodSource("frames")
  void roundTrips(BinaryAudioFrame frame) {
    Buffer encoded = frame.encode();
    int header = frame.kind() == BinaryAudioFrame.KIND_AUDIO ? 12 : 10;
    int idBytes = frame.sessionId().getBytes(StandardCharsets.UTF_8).length;
    assertThat(encoded.length()).isEqualTo(header + idBytes + frame.audio().length);
    BinaryAudioFrame decoded = BinaryAudioFrame.decode(encoded);
    assertThat(decoded).isEqualTo(frame);
    assertThat(decoded.audio()).containsExactly(frame.audio());
  }

  @Test
  void decodesFromASliceOfALargerBuffer() {
    BinaryAudioFrame frame = BinaryAudioFrame.audio("abc", 5, 6, false, new byte[] {1, 2, 3, 4});
    Buffer big = Buffer.buffer().appendBytes(new byte[] {(byte) 0xEE, (byte) 0xEE}).appendBuffer(frame.encode()).appendByte((byte) 0xEE);
    assertThat(BinaryAudioFrame.decode(big.slice(2, big.length() - 1))).isEqualTo(frame);
  }

  @Test
  void decodedAudioDoesNotShareTheBuffer() {
    Buffer encoded = BinaryAudioFrame.audio("abc", 5, 6, false, new byte[] {1, 2, 3, 4}).encode();
    BinaryAudioFrame decoded = BinaryAudioFrame.decode(encoded);
    encoded.setByte(encoded.length() - 1, (byte) 99);
    assertThat(decoded.audio()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void ignoresTheReservedByte() {
    Buffer encoded = BinaryAudioFrame.audio("abc", 5, 6, true, new byte[] {1, 2}).encode();
    encoded.setUnsignedByte(11, (short) 0xFF);
    assertThat(BinaryAudioFrame.decode(encoded)).isEqualTo(BinaryAudioFrame.audio("abc", 5, 6, true, new byte[] {1, 2}));
  }

  @Test
  void equalityComparesAudioContents() {
    BinaryAudioFrame a = BinaryAudioFrame.audio("s", 1, 2, false, new byte[] {1, 2});
    assertThat(a).isEqualTo(BinaryAudioFrame.audio("s", 1, 2, false, new byte[] {1, 2}));
    assertThat(a).hasSameHashCodeAs(BinaryAudioFrame.audio("s", 1, 2, false, new byte[] {1, 2}));
    assertThat(a).isNotEqualTo(BinaryAudioFrame.audio("s", 1, 2, false, new byte[] {1, 3}));
    assertThat(a).isNotEqualTo(BinaryAudioFrame.audio("s", 1, 2, true, new byte[] {1, 2}));
    assertThat(a.toString()).contains("2 bytes");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x00, 0x03, 0x7F, 0xFF})
  void unknownTypeByte(int type) {
    Buffer frame = BinaryAudioFrame.audio("abc", 1, 2, false, new byte[4]).encode();
    frame.setUnsignedByte(0, (short) type);
    assertThatThrownBy(() -> BinaryAudioFrame.decode(frame))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE))
        .hasMessage("unknown binary frame type 0x" + Integer.toHexString(type));
  }

  static Stream<Arguments> malformed() {
    byte[] audio = BinaryAudioFrame.audio("abc", 1, 2, false, new byte[] {1, 2}).encode().getBytes();
    byte[] fin = BinaryAudioFrame.finalFrame("abc", 1, 2).encode().getBytes();
    return Stream.of(
        Arguments.of("empty", new byte[0], "empty binary frame"),
        Arguments.of("audio header cut", java.util.Arrays.copyOf(audio, 11), "too short: 11 bytes, its header needs 12"),
        Arguments.of("audio type byte only", new byte[] {1}, "too short: 1 bytes"),
        Arguments.of("final header cut", java.util.Arrays.copyOf(fin, 9), "too short: 9 bytes, its header needs 10"),
        Arguments.of("audio id past the end", with(audio, 1, 20), "session_id length 20 runs past the end"),
        Arguments.of("audio id cut", java.util.Arrays.copyOf(audio, 14), "session_id length 3 runs past the end"),
        Arguments.of("final id past the end", with(fin, 1, 4), "session_id length 4 runs past the end"),
        Arguments.of("final id cut", java.util.Arrays.copyOf(fin, 12), "session_id length 3 runs past the end"),
        Arguments.of("invalid UTF-8", withId(audio, 0xC3, 0x28, 'a'), "session_id is not valid UTF-8"),
        Arguments.of("overlong UTF-8", withId(fin, 0xC0, 0xAF, 'a'), "session_id is not valid UTF-8"),
        Arguments.of("encoded surrogate", withId(audio, 0xED, 0xA0, 0x80), "session_id is not valid UTF-8"),
        Arguments.of("cut multi-byte sequence", withId(fin, 'a', 'b', 0xE6), "session_id is not valid UTF-8"),
        Arguments.of("is_final not a boolean", with(audio, 10, 2), "is_final must be 0 or 1, got 2"),
        Arguments.of("bytes after a final frame", java.util.Arrays.copyOf(fin, fin.length + 2), "final frame has 2 bytes after the session_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedFrames(String name, byte[] frame, String reason) {
    assertThatThrownBy(() -> BinaryAudioFrame.decode(Buffer.buffer(frame)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessageContaining(reason);
  }

  @Test
  void refusesFramesThatCannotBeEncoded() {
    assertThatThrownBy(() -> BinaryAudioFrame.audio("é".repeat(128), 0, 0, false, new byte[0]).encode())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinaryAudioFrame.audio("s", -1, 0, false, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinaryAudioFrame.audio("s", 0x1_0000_0000L, 0, false, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BinaryAudioFrame.audio("s", 0, 0x1_0000_0000L, false, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BinaryAudioFrame(3, "s", 0, 0, false, new byte[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BinaryAudioFrame(BinaryAudioFrame.KIND_FINAL, "s", 0, 0, true, new byte[1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BinaryAudioFrame(BinaryAudioFrame.KIND_FINAL, "s", 0, 0, false, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static byte[] with(byte[] frame, int index, int value) {
    byte[] copy = frame.clone();
    copy[index] = (byte) value;
    return copy;
  }

  /** Replaces the three-byte session id "abc" of {@code frame}. */
  private static byte[] withId(byte[] frame, int b0, int b1, int b2) {
    int start = frame[0] == BinaryAudioFrame.KIND_AUDIO ? 12 : 10;
    byte[] copy = frame.clone();
    copy[start] = (byte) b0;
    copy[start + 1] = (byte) b1;
    copy[start + 2] = (byte) b2;
    return copy;
  }
}
