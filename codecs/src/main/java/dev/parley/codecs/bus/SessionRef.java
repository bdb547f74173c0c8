package dev.parley.codecs.bus;

import io.vertx.core.json.JsonObject;

/** A session and an utterance index: where its delivery must reach (drain), or where it starts (resume). */
public record SessionRef(String sessionId, long utteranceIndex) {
  public JsonObject toJson() {
    return new JsonObject().put("session_id", sessionId).put("utterance_index", utteranceIndex);
  }

  public static SessionRef fromJson(JsonObject j) {
    return new SessionRef(j.getString("session_id"), j.getLong("utterance_index"));
  }
}
