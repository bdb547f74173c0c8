package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** The stages a node runs for a job. */
public record Pipeline(boolean useAsr, boolean useNmt, boolean useTts, boolean useSemantic) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("use_asr", useAsr)
        .put("use_nmt", useNmt)
        .put("use_tts", useTts)
        .put("use_semantic", useSemantic);
  }

  public static Pipeline fromJson(JsonObject json) {
    return new Pipeline(
        Fields.bool(json, "use_asr"),
        Fields.bool(json, "use_nmt"),
        Fields.bool(json, "use_tts"),
        Fields.optBool(json, "use_semantic", false));
  }
}
