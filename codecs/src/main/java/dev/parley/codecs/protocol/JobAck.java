package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Node -> scheduler: the node has received the job. */
public record JobAck(String jobId, int attemptId, String nodeId, String sessionId)
    implements Message {

  public static final String TYPE = "job_ack";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("type", TYPE)
            .put("job_id", jobId)
            .put("attempt_id", attemptId)
            .put("node_id", nodeId);
    Fields.putOpt(json, "session_id", sessionId);
    return json;
  }

  public static JobAck fromJson(JsonObject json) {
    return new JobAck(
        Fields.str(json, "job_id"),
        Fields.i32(json, "attempt_id"),
        Fields.str(json, "node_id"),
        Fields.optStr(json, "session_id", null));
  }
}
