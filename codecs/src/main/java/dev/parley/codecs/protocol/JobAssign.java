package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Scheduler -> node: one job of a turn. {@code audio} is empty for the empty closing job of a turn
 * ({@code expectedDurationMs} 0).
 */
public record JobAssign(
    String jobId,
    int attemptId,
    String sessionId,
    int utteranceIndex,
    String turnId,
    int segmentIndex,
    String srcLang,
    String tgtLang,
    Pipeline pipeline,
    byte[] audio,
    String audioFormat,
    int sampleRate,
    long expectedDurationMs,
    boolean isManualCut,
    boolean isTimeoutTriggered,
    boolean isMaxDurationTriggered,
    String traceId,
    String contextText)
    implements Message {

  public static final String TYPE = "job_assign";

  public JobAssign {
    audio = audio == null ? Fields.NO_BYTES : audio;
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
            .put("session_id", sessionId)
            .put("utterance_index", utteranceIndex)
            .put("turn_id", turnId)
            .put("segment_index", segmentIndex)
            .put("src_lang", srcLang)
            .put("tgt_lang", tgtLang)
            .put("pipeline", pipeline == null ? null : pipeline.toJson())
            .put("audio", Fields.base64(audio))
            .put("audio_format", audioFormat)
            .put("sample_rate", sampleRate)
            .put("expected_duration_ms", expectedDurationMs)
            .put("is_manual_cut", isManualCut)
            .put("is_timeout_triggered", isTimeoutTriggered);
    if (isMaxDurationTriggered) {
      json.put("is_max_duration_triggered", true);
    }
    Fields.putOpt(json, "trace_id", traceId);
    Fields.putOpt(json, "context_text", contextText);
    return json;
  }

  public static JobAssign fromJson(JsonObject json) {
    return new JobAssign(
        Fields.str(json, "job_id"),
        Fields.i32(json, "attempt_id"),
        Fields.str(json, "session_id"),
        Fields.i32(json, "utterance_index"),
        Fields.str(json, "turn_id"),
        Fields.i32(json, "segment_index"),
        Fields.str(json, "src_lang"),
        Fields.str(json, "tgt_lang"),
        Fields.nested(json, "pipeline", Pipeline::fromJson),
        Fields.bytes(json, "audio"),
        Fields.str(json, "audio_format"),
        Fields.i32(json, "sample_rate"),
        Fields.i64(json, "expected_duration_ms"),
        Fields.optBool(json, "is_manual_cut", false),
        Fields.optBool(json, "is_timeout_triggered", false),
        Fields.optBool(json, "is_max_duration_triggered", false),
        Fields.optStr(json, "trace_id", null),
        Fields.optStr(json, "context_text", null));
  }
}
