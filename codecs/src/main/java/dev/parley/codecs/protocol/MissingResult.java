package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: a job that ended without a result, and why. */
public record MissingResult(
    String sessionId, int utteranceIndex, String jobId, String reason, String traceId)
    implements Message {

  public static final String TYPE = "missing_result";
  public static final String JOB_TIMEOUT = "job_timeout";
  public static final String NO_AVAILABLE_NODE = "no_available_node";
  public static final String NODE_ERROR = "node_error";
  public static final String INSTANCE_LOST = "instance_lost";
  public static final String GAP_TIMEOUT = "gap_timeout";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("type", TYPE)
            .put("session_id", sessionId)
            .put("utterance_index", utteranceIndex);
    Fields.putOpt(json, "job_id", jobId);
    json.put("reason", reason);
    Fields.putOpt(json, "trace_id", traceId);
    return json;
  }

  public static MissingResult fromJson(JsonObject json) {
    return new MissingResult(
        Fields.str(json, "session_id"),
        Fields.i32(json, "utterance_index"),
        Fields.optStr(json, "job_id", null),
        Fields.str(json, "reason"),
        Fields.optStr(json, "trace_id", null));
  }
}
