package dev.parley.codecs.bus;

import dev.parley.codecs.protocol.JobResult;
import io.vertx.core.json.JsonObject;

/**
 * A node's result the store accepted, on its way to the instance that owns the session, which orders and delivers
 * it. {@code result} is null for a job with no text for the browser; {@code releasedNode} names the node whose slot
 * the result freed, or is null.
 */
public record Settled(
    String sessionId,
    long utteranceIndex,
    String jobId,
    String turnId,
    int segmentIndex,
    String traceId,
    String releasedNode,
    JobResult result) {

  /** The same outcome without the slot it freed: for passing it on, when the freed slot was announced already. */
  public Settled withoutRelease() {
    return new Settled(sessionId, utteranceIndex, jobId, turnId, segmentIndex, traceId, null, result);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("session_id", sessionId)
        .put("utterance_index", utteranceIndex)
        .put("job_id", jobId)
        .put("turn_id", turnId)
        .put("segment_index", segmentIndex)
        .put("trace_id", traceId)
        .put("released_node", releasedNode);
    if (result != null) {
      json.put("result", result.toJson());
    }
    return json;
  }

  public static Settled fromJson(JsonObject j) {
    JsonObject result = j.getJsonObject("result");
    return new Settled(j.getString("session_id"), j.getLong("utterance_index"), j.getString("job_id"),
        j.getString("turn_id"), j.getInteger("segment_index"), j.getString("trace_id"), j.getString("released_node"),
        result == null ? null : JobResult.fromJson(result));
  }
}
