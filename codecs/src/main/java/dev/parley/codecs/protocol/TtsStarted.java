package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Client -> scheduler: playback of a group's audio started. */
public record TtsStarted(String sessionId, String groupId, Long tsStartMs) implements Message {

  public static final String TYPE = "tts_started";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("session_id", sessionId);
    Fields.putOpt(json, "group_id", groupId);
    Fields.putOpt(json, "ts_start_ms", tsStartMs);
    return json;
  }

  public static TtsStarted fromJson(JsonObject json) {
    return new TtsStarted(
        Fields.str(json, "session_id"),
        Fields.optStr(json, "group_id", null),
        Fields.optI64(json, "ts_start_ms", null));
  }
}
