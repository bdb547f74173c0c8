package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: answers a client heartbeat. */
public record ServerHeartbeat(String sessionId, long timestamp) implements Message {

  public static final String TYPE = "server_heartbeat";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", TYPE)
        .put("session_id", sessionId)
        .put("timestamp", timestamp);
  }

  public static ServerHeartbeat fromJson(JsonObject json) {
    return new ServerHeartbeat(Fields.str(json, "session_id"), Fields.i64(json, "timestamp"));
  }
}
