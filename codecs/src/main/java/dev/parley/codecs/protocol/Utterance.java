package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Client -> scheduler: a whole utterance at once. Languages, format and sample rate are null when
 * absent: the session's negotiated values apply.
 */
public record Utterance(
    String sessionId,
    int utteranceIndex,
    boolean manualCut,
    String srcLang,
    String tgtLang,
    byte[] audio,
    String audioFormat,
    Integer sampleRate)
    implements Message {

  public static final String TYPE = "utterance";

  public Utterance {
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
            .put("session_id", sessionId)
            .put("utterance_index", utteranceIndex)
            .put("manual_cut", manualCut);
    Fields.putOpt(json, "src_lang", srcLang);
    Fields.putOpt(json, "tgt_lang", tgtLang);
    json.put("audio", Fields.base64(audio));
    Fields.putOpt(json, "audio_format", audioFormat);
    Fields.putOpt(json, "sample_rate", sampleRate);
    return json;
  }

  public static Utterance fromJson(JsonObject json) {
    return new Utterance(
        Fields.str(json, "session_id"),
        Fields.i32(json, "utterance_index"),
        Fields.optBool(json, "manual_cut", true),
        Fields.optStr(json, "src_lang", null),
        Fields.optStr(json, "tgt_lang", null),
        Fields.bytes(json, "audio"),
        Fields.optStr(json, "audio_format", null),
        Fields.optI32(json, "sample_rate", null));
  }
}
