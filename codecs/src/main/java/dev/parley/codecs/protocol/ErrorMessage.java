package dev.parley.codecs.protocol;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.json.JsonObject;

/**
 * Scheduler -> client or node: a refused frame. {@code code} is a String so that a peer can decode
 * codes it does not know; {@code details} is copied and may be null.
 */
public record ErrorMessage(String code, String message, JsonObject details) implements Message {

  public static final String TYPE = "error";

  public ErrorMessage {
    details = details == null ? null : details.copy();
  }

  public static ErrorMessage of(ErrorCode code, String message) {
    return new ErrorMessage(code.name(), message, null);
  }

  public static ErrorMessage of(ErrorCode code, String message, JsonObject details) {
    return new ErrorMessage(code.name(), message, details);
  }

  public static ErrorMessage of(ProtocolException e) {
    return new ErrorMessage(e.code().name(), e.getMessage(), null);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE).put("code", code).put("message", message);
    if (details != null) {
      json.put("details", details.copy());
    }
    return json;
  }

  public static ErrorMessage fromJson(JsonObject json) {
    return new ErrorMessage(
        Fields.str(json, "code"), Fields.str(json, "message"), Fields.optObj(json, "details"));
  }
}
