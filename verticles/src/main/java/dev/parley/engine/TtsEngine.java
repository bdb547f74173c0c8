package dev.parley.engine;

import java.util.Set;

/** Speech synthesis. Blocking: called on a worker thread. */
public interface TtsEngine extends AutoCloseable {
  /** The sample rate of every WAV an engine returns: what the browser client plays. */
  int SAMPLE_RATE = 16_000;

  String name();

  Set<String> languages();

  /** A RIFF WAV, PCM16 mono at {@link #SAMPLE_RATE}. */
  byte[] synthesise(String text, String language) throws EngineException;

  @Override
  default void close() {}
}
