package dev.parley.engine;

import dev.parley.config.ConfigLoader;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code engines.json}: the given file when it exists, else the one shipped in the jar. */
public final class EngineConfig {
  private static final String BUNDLED = "/engines.json";

  private EngineConfig() {}

  public static JsonObject read(String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      return ConfigLoader.resource(BUNDLED);
    }
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
