package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Milliseconds spent per stage; a stage that did not run is null and omitted. */
public record ServiceTimings(Long asrMs, Long nmtMs, Long ttsMs) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    Fields.putOpt(json, "asr_ms", asrMs);
    Fields.putOpt(json, "nmt_ms", nmtMs);
    Fields.putOpt(json, "tts_ms", ttsMs);
    return json;
  }

  public static ServiceTimings fromJson(JsonObject json) {
    return new ServiceTimings(
        Fields.optI64(json, "asr_ms", null),
        Fields.optI64(json, "nmt_ms", null),
        Fields.optI64(json, "tts_ms", null));
  }
}
