package dev.parley.codecs.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AudioFormatTest {
  @Test
  void wireNamesRoundTrip() {
    assertThat(AudioFormat.PCM16.wireName()).isEqualTo("pcm16");
    assertThat(AudioFormat.OPUS.wireName()).isEqualTo("opus");
    for (AudioFormat f : AudioFormat.values()) {
      assertThat(AudioFormat.fromWire(f.wireName())).isSameAs(f);
    }
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"wav", "PCM16", "Opus", " opus", "pcm"})
  void rejectsUnknownNames(String name) {
    assertThatThrownBy(() -> AudioFormat.fromWire(name))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessage("unknown audio_format " + name);
  }
}
