package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> node: drop the job's turn; the attempt is no longer current. */
public record JobCancel(String jobId, int attemptId, String reason) implements Message {

  public static final String TYPE = "job_cancel";
  public static final String JOB_TIMEOUT = "job_timeout";
  public static final String FAILOVER = "failover";
  public static final String SESSION_CLOSED = "session_closed";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", TYPE)
        .put("job_id", jobId)
        .put("attempt_id", attemptId)
        .put("reason", reason);
  }

  public static JobCancel fromJson(JsonObject json) {
    return new JobCancel(
        Fields.str(json, "job_id"), Fields.i32(json, "attempt_id"), Fields.str(json, "reason"));
  }
}
