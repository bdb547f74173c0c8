package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> node: registration accepted, under {@code nodeId}. */
public record NodeRegisterAck(String nodeId, String status, long heartbeatIntervalMs)
    implements Message {

  public static final String TYPE = "node_register_ack";
  public static final String READY = "ready";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", TYPE)
        .put("node_id", nodeId)
        .put("status", status)
        .put("heartbeat_interval_ms", heartbeatIntervalMs);
  }

  public static NodeRegisterAck fromJson(JsonObject json) {
    return new NodeRegisterAck(
        Fields.str(json, "node_id"),
        Fields.optStr(json, "status", READY),
        Fields.i64(json, "heartbeat_interval_ms"));
  }
}
