package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: the outcome of one job, delivered in {@code utteranceIndex} order. */
public record TranslationResult(
    String sessionId,
    int utteranceIndex,
    String jobId,
    String turnId,
    int segmentIndex,
    String textAsr,
    String textTranslated,
    byte[] ttsAudio,
    String ttsFormat,
    String groupId,
    Integer partIndex,
    String traceId,
    ServiceTimings serviceTimings,
    long schedulerSentAtMs)
    implements Message {

  public static final String TYPE = "translation_result";

  public TranslationResult {
    ttsAudio = ttsAudio == null ? Fields.NO_BYTES : ttsAudio;
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
            .put("session_id", sessionId)
            .put("utterance_index", utteranceIndex)
            .put("job_id", jobId)
            .put("turn_id", turnId)
            .put("segment_index", segmentIndex)
            .put("text_asr", textAsr)
            .put("text_translated", textTranslated)
            .put("tts_audio", Fields.base64(ttsAudio));
    Fields.putOpt(json, "tts_format", ttsFormat);
    Fields.putOpt(json, "group_id", groupId);
    Fields.putOpt(json, "part_index", partIndex);
    Fields.putOpt(json, "trace_id", traceId);
    if (serviceTimings != null) {
      json.put("service_timings", serviceTimings.toJson());
    }
    json.put("scheduler_sent_at_ms", schedulerSentAtMs);
    return json;
  }

  public static TranslationResult fromJson(JsonObject json) {
    return new TranslationResult(
        Fields.str(json, "session_id"),
        Fields.i32(json, "utterance_index"),
        Fields.str(json, "job_id"),
        Fields.str(json, "turn_id"),
        Fields.i32(json, "segment_index"),
        Fields.str(json, "text_asr"),
        Fields.str(json, "text_translated"),
        Fields.optBytes(json, "tts_audio"),
        Fields.optStr(json, "tts_format", null),
        Fields.optStr(json, "group_id", null),
        Fields.optI32(json, "part_index", null),
        Fields.optStr(json, "trace_id", null),
        Fields.optNested(json, "service_timings", ServiceTimings::fromJson),
        Fields.i64(json, "scheduler_sent_at_ms"));
  }
}
