package dev.parley.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Merges the configuration: the defaults shipped in the jar, then an optional file, then environment variables
 * ({@code PARLEY_} + the key upper-cased with dots as underscores), then explicit overrides such as CLI flags.
 * Only keys that exist in the defaults can be set, so a typo fails loudly instead of being ignored.
 */
public final class ConfigLoader {
  private static final String DEFAULTS = "/parley.json";

  private ConfigLoader() {}

  public static JsonObject defaults() {
    return resource(DEFAULTS);
  }

  /** A JSON file shipped in the jar, such as {@code /parley.json}. */
  public static JsonObject resource(String name) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param file optional configuration file overriding the defaults (may be null)
   * @param env the environment (normally {@code System.getenv()})
   * @param overrides dotted keys to values, applied last (CLI flags)
   */
  public static ParleyConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
    JsonObject merged = defaults();
    if (file != null && Files.exists(file)) {
      try {
        merge(merged, new JsonObject(Files.readString(file)), "");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    for (String section : merged.fieldNames()) {
      JsonObject values = merged.getJsonObject(section);
      for (String key : values.fieldNames()) {
        String var = "PARLEY_" + (section + "_" + key).toUpperCase(Locale.ROOT);
        String value = env.get(var);
        if (value != null) {
          set(merged, section + "." + key, value);
        }
      }
    }
    overrides.forEach((key, value) -> set(merged, key, value));
    return ParleyConfig.from(merged);
  }

  private static void merge(JsonObject target, JsonObject source, String prefix) {
    for (String key : source.fieldNames()) {
      Object value = source.getValue(key);
      if (!target.containsKey(key)) {
        throw new IllegalArgumentException("unknown configuration key " + prefix + key);
      }
      if (value instanceof JsonObject nested) {
        merge(target.getJsonObject(key), nested, prefix + key + ".");
      } else {
        target.put(key, value);
      }
    }
  }

  /** Sets a dotted key from text, converted to the type its default has. */
  static void set(JsonObject root, String dottedKey, String text) {
    int dot = dottedKey.indexOf('.');
    JsonObject section = dot < 0 ? null : root.getJsonObject(dottedKey.substring(0, dot));
    String key = dot < 0 ? dottedKey : dottedKey.substring(dot + 1);
    if (section == null || !section.containsKey(key)) {
      throw new IllegalArgumentException("unknown configuration key " + dottedKey);
    }
    Object current = section.getValue(key);
    try {
      Object value;
      if (current instanceof Integer) {
        value = Integer.valueOf(text.trim());
      } else if (current instanceof Long) {
        value = Long.valueOf(text.trim());
      } else if (current instanceof Double) {
        value = Double.valueOf(text.trim());
      } else if (current instanceof Boolean) {
        value = Boolean.valueOf(text.trim());
      } else {
        value = text;
      }
      section.put(key, value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration key " + dottedKey + " needs a number, got " + text);
    }
  }
}
