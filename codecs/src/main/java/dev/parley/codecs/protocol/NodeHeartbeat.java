package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Node -> scheduler: liveness, load and status ({@link #READY} by default). */
public record NodeHeartbeat(
    String nodeId, Long timestamp, ResourceUsage resourceUsage, String status)
    implements Message {

  public static final String TYPE = "node_heartbeat";
  public static final String READY = "ready";
  public static final String DEGRADED = "degraded";
  public static final String DRAINING = "draining";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("node_id", nodeId);
    Fields.putOpt(json, "timestamp", timestamp);
    if (resourceUsage != null) {
      json.put("resource_usage", resourceUsage.toJson());
    }
    Fields.putOpt(json, "status", status);
    return json;
  }

  public static NodeHeartbeat fromJson(JsonObject json) {
    return new NodeHeartbeat(
        Fields.str(json, "node_id"),
        Fields.optI64(json, "timestamp", null),
        Fields.optNested(json, "resource_usage", ResourceUsage::fromJson),
        Fields.optStr(json, "status", READY));
  }
}
