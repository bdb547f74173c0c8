package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Client -> scheduler: opens a session, or resumes one when {@code resumeToken} is set. */
public record SessionInit(
    String srcLang,
    String tgtLang,
    String audioFormat,
    int sampleRate,
    boolean binaryFrames,
    String mode,
    String langA,
    String langB,
    String clientVersion,
    String platform,
    String traceId,
    String protocolVersion,
    String resumeToken,
    Integer lastUtteranceIndex)
    implements Message {

  public static final String TYPE = "session_init";
  public static final String AUTO = "auto";
  public static final String MODE_ONE_WAY = "one_way";
  public static final String MODE_TWO_WAY_AUTO = "two_way_auto";
  public static final String PROTOCOL_VERSION = "1";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("type", TYPE)
            .put("src_lang", srcLang)
            .put("tgt_lang", tgtLang)
            .put("sample_rate", sampleRate)
            .put("binary_frames", binaryFrames);
    Fields.putOpt(json, "audio_format", audioFormat);
    Fields.putOpt(json, "mode", mode);
    Fields.putOpt(json, "lang_a", langA);
    Fields.putOpt(json, "lang_b", langB);
    Fields.putOpt(json, "client_version", clientVersion);
    Fields.putOpt(json, "platform", platform);
    Fields.putOpt(json, "trace_id", traceId);
    Fields.putOpt(json, "protocol_version", protocolVersion);
    Fields.putOpt(json, "resume_token", resumeToken);
    Fields.putOpt(json, "last_utterance_index", lastUtteranceIndex);
    return json;
  }

  public static SessionInit fromJson(JsonObject json) {
    return new SessionInit(
        Fields.str(json, "src_lang"),
        Fields.str(json, "tgt_lang"),
        Fields.optStr(json, "audio_format", AudioFormats.OPUS),
        Fields.optI32(json, "sample_rate", AudioFormats.DEFAULT_SAMPLE_RATE),
        Fields.optBool(json, "binary_frames", false),
        Fields.optStr(json, "mode", MODE_ONE_WAY),
        Fields.optStr(json, "lang_a", null),
        Fields.optStr(json, "lang_b", null),
        Fields.optStr(json, "client_version", null),
        Fields.optStr(json, "platform", null),
        Fields.optStr(json, "trace_id", null),
        Fields.optStr(json, "protocol_version", PROTOCOL_VERSION),
        Fields.optStr(json, "resume_token", null),
        Fields.optI32(json, "last_utterance_index", null));
  }
}
