package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: progress of a job, for display only (not replayed on resume). */
public record UiEvent(
    String sessionId,
    String jobId,
    int utteranceIndex,
    String event,
    String status,
    Long elapsedMs,
    String traceId)
    implements Message {

  public static final String TYPE = "ui_event";
  public static final String JOB_CREATED = "JOB_CREATED";
  public static final String JOB_DISPATCHED = "JOB_DISPATCHED";
  public static final String JOB_FAILOVER = "JOB_FAILOVER";
  public static final String JOB_TIMEOUT = "JOB_TIMEOUT";
  public static final String NO_AVAILABLE_NODE = "NO_AVAILABLE_NODE";

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
            .put("job_id", jobId)
            .put("utterance_index", utteranceIndex)
            .put("event", event);
    Fields.putOpt(json, "status", status);
    Fields.putOpt(json, "elapsed_ms", elapsedMs);
    Fields.putOpt(json, "trace_id", traceId);
    return json;
  }

  public static UiEvent fromJson(JsonObject json) {
    return new UiEvent(
        Fields.str(json, "session_id"),
        Fields.str(json, "job_id"),
        Fields.i32(json, "utterance_index"),
        Fields.str(json, "event"),
        Fields.optStr(json, "status", null),
        Fields.optI64(json, "elapsed_ms", null),
        Fields.optStr(json, "trace_id", null));
  }
}
