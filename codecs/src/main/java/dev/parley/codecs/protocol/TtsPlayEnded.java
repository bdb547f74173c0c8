package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Client -> scheduler: playback of a group's audio ended. */
public record TtsPlayEnded(String sessionId, String groupId, Long tsEndMs) implements Message {

  public static final String TYPE = "tts_play_ended";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("session_id", sessionId);
    Fields.putOpt(json, "group_id", groupId);
    Fields.putOpt(json, "ts_end_ms", tsEndMs);
    return json;
  }

  public static TtsPlayEnded fromJson(JsonObject json) {
    return new TtsPlayEnded(
        Fields.str(json, "session_id"),
        Fields.optStr(json, "group_id", null),
        Fields.optI64(json, "ts_end_ms", null));
  }
}
