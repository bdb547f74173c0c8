package dev.parley.codecs.bus;

import io.vertx.core.json.JsonObject;

/** One connection of a node: the node lost, or the node whose capacity changed. */
public record NodeRef(String nodeId, String connId) {
  public JsonObject toJson() {
    return new JsonObject().put("node_id", nodeId).put("conn_id", connId);
  }

  public static NodeRef fromJson(JsonObject j) {
    return new NodeRef(j.getString("node_id"), j.getString("conn_id"));
  }
}
