package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Client -> scheduler: a piece of the open utterance; {@code isFinal} is a manual cut. The payload
 * is not copied: audio is the bulk of the traffic.
 */
public record AudioChunk(
    String sessionId, long seq, boolean isFinal, byte[] payload, Long clientTimestampMs)
    implements Message {

  public static final String TYPE = "audio_chunk";

  public AudioChunk {
    payload = payload == null ? Fields.NO_BYTES : payload;
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
            .put("seq", seq)
            .put("is_final", isFinal)
            .put("payload", Fields.base64(payload));
    Fields.putOpt(json, "client_timestamp_ms", clientTimestampMs);
    return json;
  }

  public static AudioChunk fromJson(JsonObject json) {
    return new AudioChunk(
        Fields.str(json, "session_id"),
        Fields.i64(json, "seq"),
        Fields.bool(json, "is_final"),
        Fields.optBytes(json, "payload"),
        Fields.optI64(json, "client_timestamp_ms", null));
  }
}
