package dev.parley.engine;

import java.util.Set;

/** Speech recognition. Blocking: called on a worker thread, at most one call per worker at a time. */
public interface AsrEngine extends AutoCloseable {
  String name();

  /** Short language codes ({@code en}) this engine recognises. */
  Set<String> languages();

  /** The words spoken in 16-bit mono PCM at {@code sampleRate}; empty when nothing was recognised. */
  String recognise(short[] samples, int sampleRate, String language) throws EngineException;

  @Override
  default void close() {}
}
