package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: the session is closed. */
public record SessionCloseAck(String sessionId) implements Message {

  public static final String TYPE = "session_close_ack";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("session_id", sessionId);
  }

  public static SessionCloseAck fromJson(JsonObject json) {
    return new SessionCloseAck(Fields.str(json, "session_id"));
  }
}
