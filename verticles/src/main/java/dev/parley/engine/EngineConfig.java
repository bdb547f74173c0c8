package dev.parley.engine;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code engines.json}: the given file when it exists, else the one shipped in the jar. */
public final class EngineConfig {
  private static final String BUNDLED = "/engines.json";

  private EngineConfig() {}

  public static JsonObject read(String file) {
    try {
      Path path = Path.of(file);
      if (Files.exists(path)) {
        return new JsonObject(Files.readString(path));
      }
      try (InputStream in = EngineConfig.class.getResourceAsStream(BUNDLED)) {
        if (in == null) {
          throw new IllegalStateException("engines.json is missing from the classpath");
        }
        return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
