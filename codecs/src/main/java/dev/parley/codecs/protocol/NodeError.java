package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Node -> scheduler: a problem on the node that is not tied to one job. */
public record NodeError(String nodeId, String code, String message) implements Message {

  public static final String TYPE = "node_error";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("node_id", nodeId).put("code", code);
    Fields.putOpt(json, "message", message);
    return json;
  }

  public static NodeError fromJson(JsonObject json) {
    return new NodeError(
        Fields.str(json, "node_id"),
        Fields.str(json, "code"),
        Fields.optStr(json, "message", null));
  }
}
