package dev.parley.engine;

import dev.parley.codecs.protocol.LanguagePair;
import java.util.Set;

/** Machine translation. Blocking: called on a worker thread. */
public interface MtEngine extends AutoCloseable {
  String name();

  Set<LanguagePair> pairs();

  String translate(String text, String srcLang, String tgtLang) throws EngineException;

  @Override
  default void close() {}
}
