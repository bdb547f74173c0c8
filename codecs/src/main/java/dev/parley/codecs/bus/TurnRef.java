package dev.parley.codecs.bus;

import io.vertx.core.json.JsonObject;

/**
 * Names a turn at one placement ({@code epoch}) on one node, with the reason it is being moved: a request to fail it
 * over, or to place it again.
 */
public record TurnRef(String turnId, int epoch, String nodeId, String reason) {
  public JsonObject toJson() {
    return new JsonObject().put("turn_id", turnId).put("epoch", epoch).put("node_id", nodeId).put("reason", reason);
  }

  public static TurnRef fromJson(JsonObject j) {
    return new TurnRef(j.getString("turn_id"), j.getInteger("epoch"), j.getString("node_id"), j.getString("reason"));
  }
}
