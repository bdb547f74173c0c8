package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** {@code job_result.error}: why a job failed on the node. */
public record JobError(String code, String message) {

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("code", code);
    Fields.putOpt(json, "message", message);
    return json;
  }

  public static JobError fromJson(JsonObject json) {
    return new JobError(Fields.str(json, "code"), Fields.optStr(json, "message", null));
  }
}
