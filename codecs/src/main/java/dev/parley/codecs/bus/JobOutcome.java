package dev.parley.codecs.bus;

import io.vertx.core.json.JsonObject;

/** A job that ended without a result for the browser: {@code reason} is a missing_result reason. */
public record JobOutcome(String sessionId, String jobId, long utteranceIndex, String reason, String traceId) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("session_id", sessionId)
        .put("job_id", jobId)
        .put("utterance_index", utteranceIndex)
        .put("reason", reason)
        .put("trace_id", traceId);
  }

  public static JobOutcome fromJson(JsonObject j) {
    return new JobOutcome(j.getString("session_id"), j.getString("job_id"), j.getLong("utterance_index"),
        j.getString("reason"), j.getString("trace_id"));
  }
}
