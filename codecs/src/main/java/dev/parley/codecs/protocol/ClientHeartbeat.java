package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Client -> scheduler: keeps an idle session alive. */
public record ClientHeartbeat(String sessionId, Long timestamp) implements Message {

  public static final String TYPE = "client_heartbeat";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("session_id", sessionId);
    Fields.putOpt(json, "timestamp", timestamp);
    return json;
  }

  public static ClientHeartbeat fromJson(JsonObject json) {
    return new ClientHeartbeat(
        Fields.str(json, "session_id"), Fields.optI64(json, "timestamp", null));
  }
}
