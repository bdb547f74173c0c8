package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TextFramesTest {
  private static final byte[] TEXT = "{\"type\":\"ñ 🙂\"}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aMessageInOneFrameOrInFragmentsIsReadWhole() {
    TextFrames t = new TextFrames(100);
    assertThat(t.accept(true, true, TEXT)).isEqualTo("{\"type\":\"ñ 🙂\"}");
    int cut = 12; // inside the emoji
    assertThat(t.accept(true, false, Arrays.copyOfRange(TEXT, 0, cut))).isNull();
    assertThat(t.inText()).isTrue();
    assertThat(t.accept(false, true, Arrays.copyOfRange(TEXT, cut, TEXT.length))).isEqualTo("{\"type\":\"ñ 🙂\"}");
    assertThat(t.closeCode()).isZero();
  }

  @Test
  void textThatIsNotUtf8IsNeverReadAndClosesWith1007() {
    TextFrames t = new TextFrames(100);
    assertThat(t.accept(true, true, new byte[] {'{', (byte) 0xC3, 0x28, '}'})).isNull();
    assertThat(t.closeCode()).isEqualTo(TextFrames.INVALID_PAYLOAD);
    assertThat(t.accept(true, true, TEXT)).as("nothing more is read").isNull();
  }

  @Test
  void aMessageOverTheLimitClosesWith1009EvenInFragments() {
    TextFrames t = new TextFrames(10);
    assertThat(t.accept(true, false, "12345678".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(t.accept(false, true, "901".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(t.closeCode()).isEqualTo(TextFrames.MESSAGE_TOO_BIG);
  }

  @Test
  void aBinaryMessagesContinuationsAreNotText() {
    TextFrames t = new TextFrames(100);
    t.binary();
    assertThat(t.inText()).isFalse();
    assertThat(t.accept(false, true, new byte[] {(byte) 0xFF})).isNull();
    assertThat(t.closeCode()).as("binary bytes are not checked").isZero();
  }
}
