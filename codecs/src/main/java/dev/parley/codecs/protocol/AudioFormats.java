package dev.parley.codecs.protocol;

/** Audio format names used on the wire. */
public final class AudioFormats {
  public static final String OPUS = "opus";
  public static final String PCM16 = "pcm16";
  /** TTS audio returned to clients. */
  public static final String WAV = "wav";

  public static final int DEFAULT_SAMPLE_RATE = 16000;

  private AudioFormats() {}
}
