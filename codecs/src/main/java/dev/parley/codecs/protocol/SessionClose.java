package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Client -> scheduler: ends the session, {@link #DONE} (default) or {@link #ABORT}. */
public record SessionClose(String sessionId, String reason) implements Message {

  public static final String TYPE = "session_close";
  public static final String DONE = "done";
  public static final String ABORT = "abort";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("session_id", sessionId);
    Fields.putOpt(json, "reason", reason);
    return json;
  }

  public static SessionClose fromJson(JsonObject json) {
    return new SessionClose(Fields.str(json, "session_id"), Fields.optStr(json, "reason", DONE));
  }
}
