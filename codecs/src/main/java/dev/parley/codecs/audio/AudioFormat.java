package dev.parley.codecs.audio;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;

/** The audio formats a session may negotiate ({@code audio_format}). */
public enum AudioFormat {
  PCM16("pcm16"),
  OPUS("opus");

  private final String wireName;

  AudioFormat(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name exactly (case-sensitive), as sent in {@code audio_format}. */
  public static AudioFormat fromWire(String name) {
    if ("pcm16".equals(name)) {
      return PCM16;
    }
    if ("opus".equals(name)) {
      return OPUS;
    }
    throw new ProtocolException(ErrorCode.BAD_AUDIO, "unknown audio_format " + name);
  }
}
