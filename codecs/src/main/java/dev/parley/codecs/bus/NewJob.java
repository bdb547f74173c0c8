package dev.parley.codecs.bus;

import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * A job the session's cutter made, on its way to placement. {@code lastSeq} is the last audio chunk whose audio is
 * all in this job or an earlier one (-1 for a whole utterance): after a lost instance, a resumed client resends what
 * followed it.
 */
public record NewJob(
    String sessionId,
    long utteranceIndex,
    String turnId,
    int segmentIndex,
    String cutKind,
    byte[] audio,
    String audioFormat,
    int sampleRate,
    long durationMs,
    String srcLang,
    String tgtLang,
    String traceId,
    long lastSeq) {

  public static final String MANUAL = "MANUAL";
  public static final String TIMEOUT = "TIMEOUT";
  public static final String MAX_DURATION = "MAX_DURATION";

  public boolean closesTurn() {
    return !MAX_DURATION.equals(cutKind);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("session_id", sessionId)
        .put("utterance_index", utteranceIndex)
        .put("turn_id", turnId)
        .put("segment_index", segmentIndex)
        .put("cut_kind", cutKind)
        .put("audio", Base64.getEncoder().encodeToString(audio))
        .put("audio_format", audioFormat)
        .put("sample_rate", sampleRate)
        .put("duration_ms", durationMs)
        .put("src_lang", srcLang)
        .put("tgt_lang", tgtLang)
        .put("trace_id", traceId)
        .put("last_seq", lastSeq);
  }

  public static NewJob fromJson(JsonObject j) {
    return new NewJob(j.getString("session_id"), j.getLong("utterance_index"), j.getString("turn_id"),
        j.getInteger("segment_index"), j.getString("cut_kind"), Base64.getDecoder().decode(j.getString("audio")),
        j.getString("audio_format"), j.getInteger("sample_rate"), j.getLong("duration_ms"), j.getString("src_lang"),
        j.getString("tgt_lang"), j.getString("trace_id"), j.getLong("last_seq"));
  }
}
