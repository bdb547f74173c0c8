package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Interim recognition text, node -> scheduler and scheduler -> client; {@code nodeId} is set only
 * on the node side.
 */
public record AsrPartial(
    String sessionId,
    Integer utteranceIndex,
    String jobId,
    String nodeId,
    String text,
    boolean isFinal,
    String traceId)
    implements Message {

  public static final String TYPE = "asr_partial";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE);
    Fields.putOpt(json, "session_id", sessionId);
    Fields.putOpt(json, "utterance_index", utteranceIndex);
    json.put("job_id", jobId);
    Fields.putOpt(json, "node_id", nodeId);
    json.put("text", text).put("is_final", isFinal);
    Fields.putOpt(json, "trace_id", traceId);
    return json;
  }

  public static AsrPartial fromJson(JsonObject json) {
    return new AsrPartial(
        Fields.optStr(json, "session_id", null),
        Fields.optI32(json, "utterance_index", null),
        Fields.str(json, "job_id"),
        Fields.optStr(json, "node_id", null),
        Fields.str(json, "text"),
        Fields.optBool(json, "is_final", false),
        Fields.optStr(json, "trace_id", null));
  }
}
