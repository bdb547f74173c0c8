package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> node: an operator command such as {@link #DRAIN}. */
public record NodeControl(String command, String reason) implements Message {

  public static final String TYPE = "node_control";
  /** Finish open turns, which still receive their remaining jobs, and take no new turn. */
  public static final String DRAIN = "drain";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("command", command);
    Fields.putOpt(json, "reason", reason);
    return json;
  }

  public static NodeControl fromJson(JsonObject json) {
    return new NodeControl(Fields.str(json, "command"), Fields.optStr(json, "reason", null));
  }
}
