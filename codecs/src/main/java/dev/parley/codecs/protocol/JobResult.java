package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Node -> scheduler: the outcome of one attempt of a job. */
public record JobResult(
    String jobId,
    int attemptId,
    String nodeId,
    boolean success,
    String sessionId,
    Integer utteranceIndex,
    String textAsr,
    String textTranslated,
    byte[] ttsAudio,
    String ttsFormat,
    JobResultExtra extra,
    Long processingTimeMs,
    ServiceTimings serviceTimings,
    JobError error,
    String traceId)
    implements Message {

  public static final String TYPE = "job_result";

  public JobResult {
    ttsAudio = ttsAudio == null ? Fields.NO_BYTES : ttsAudio;
  }

  /** A successful job with no text for the client ({@code NO_TEXT_ASSIGNED}, {@code ASR_EMPTY}). */
  public boolean isNoText() {
    return success && extra != null && extra.isNoText();
  }

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
            .put("node_id", nodeId)
            .put("success", success);
    Fields.putOpt(json, "session_id", sessionId);
    Fields.putOpt(json, "utterance_index", utteranceIndex);
    Fields.putOpt(json, "text_asr", textAsr);
    Fields.putOpt(json, "text_translated", textTranslated);
    if (ttsAudio.length > 0) {
      json.put("tts_audio", Fields.base64(ttsAudio));
    }
    Fields.putOpt(json, "tts_format", ttsFormat);
    if (extra != null) {
      json.put("extra", extra.toJson());
    }
    Fields.putOpt(json, "processing_time_ms", processingTimeMs);
    if (serviceTimings != null) {
      json.put("service_timings", serviceTimings.toJson());
    }
    if (error != null) {
      json.put("error", error.toJson());
    }
    Fields.putOpt(json, "trace_id", traceId);
    return json;
  }

  public static JobResult fromJson(JsonObject json) {
    return new JobResult(
        Fields.str(json, "job_id"),
        Fields.i32(json, "attempt_id"),
        Fields.str(json, "node_id"),
        Fields.bool(json, "success"),
        Fields.optStr(json, "session_id", null),
        Fields.optI32(json, "utterance_index", null),
        Fields.optStr(json, "text_asr", null),
        Fields.optStr(json, "text_translated", null),
        Fields.optBytes(json, "tts_audio"),
        Fields.optStr(json, "tts_format", null),
        Fields.optNested(json, "extra", JobResultExtra::fromJson),
        Fields.optI64(json, "processing_time_ms", null),
        Fields.optNested(json, "service_timings", ServiceTimings::fromJson),
        Fields.optNested(json, "error", JobError::fromJson),
        Fields.optStr(json, "trace_id", null));
  }
}
