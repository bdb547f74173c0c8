package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** Scheduler -> client: the session is open; {@code lastSeq} is set on resume. */
public record SessionInitAck(
    String sessionId,
    String resumeToken,
    Long lastSeq,
    String protocolVersion,
    boolean useBinaryFrame,
    String negotiatedCodec,
    int negotiatedSampleRate,
    String traceId)
    implements Message {

  public static final String TYPE = "session_init_ack";

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
            .put("resume_token", resumeToken);
    Fields.putOpt(json, "last_seq", lastSeq);
    json.put("protocol_version", protocolVersion)
        .put("use_binary_frame", useBinaryFrame)
        .put("negotiated_codec", negotiatedCodec)
        .put("negotiated_sample_rate", negotiatedSampleRate);
    Fields.putOpt(json, "trace_id", traceId);
    return json;
  }

  public static SessionInitAck fromJson(JsonObject json) {
    return new SessionInitAck(
        Fields.str(json, "session_id"),
        Fields.str(json, "resume_token"),
        Fields.optI64(json, "last_seq", null),
        Fields.optStr(json, "protocol_version", SessionInit.PROTOCOL_VERSION),
        Fields.optBool(json, "use_binary_frame", false),
        Fields.str(json, "negotiated_codec"),
        Fields.i32(json, "negotiated_sample_rate"),
        Fields.optStr(json, "trace_id", null));
  }
}
