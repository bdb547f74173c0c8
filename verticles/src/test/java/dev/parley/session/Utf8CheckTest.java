package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8CheckTest {

  private static boolean whole(byte[] text) {
    Utf8Check c = new Utf8Check();
    c.reset();
    return c.accept(text, true);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  @Test
  void acceptsUtf8OfEveryLengthIncludingCharactersSplitAcrossFrames() {
    byte[] text = "a ñ 中文 🙂 \uFFFD end".getBytes(StandardCharsets.UTF_8);
    assertThat(whole(text)).isTrue();
    for (int cut = 0; cut <= text.length; cut++) {
      Utf8Check c = new Utf8Check();
      c.reset();
      assertThat(c.accept(Arrays.copyOfRange(text, 0, cut), false)).isTrue();
      assertThat(c.accept(Arrays.copyOfRange(text, cut, text.length), true)).as("cut at %d", cut).isTrue();
    }
  }

  @Test
  void refusesBadBytesOverlongFormsSurrogatesCodePointsPastTheLastAndCutCharacters() {
    assertThat(whole(bytes(0xC3, 0x28))).isFalse();
    assertThat(whole(bytes(0xFF))).isFalse();
    assertThat(whole(bytes(0xC0, 0xAF))).as("overlong /").isFalse();
    assertThat(whole(bytes(0xE0, 0x80, 0xAF))).as("overlong, three bytes").isFalse();
    assertThat(whole(bytes(0xED, 0xA0, 0x80))).as("a surrogate").isFalse();
    assertThat(whole(bytes(0xF4, 0x90, 0x80, 0x80))).as("past U+10FFFF").isFalse();
    assertThat(whole(bytes(0xF8, 0x88, 0x80, 0x80, 0x80))).isFalse();
    assertThat(whole(bytes(0x61, 0xE4, 0xB8))).as("ends inside a character").isFalse();
    assertThat(whole(bytes(0xF4, 0x8F, 0xBF, 0xBF))).as("U+10FFFF").isTrue();
  }
}
