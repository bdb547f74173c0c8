package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** {@code job_result.extra}: why a job has no text, and the recogniser's language confidence. */
public record JobResultExtra(String reason, Double languageProbability) {

  /** The job's audio belongs to text reported on another job of its turn. */
  public static final String NO_TEXT_ASSIGNED = "NO_TEXT_ASSIGNED";
  /** The recogniser heard no speech. */
  public static final String ASR_EMPTY = "ASR_EMPTY";

  /** True for the reasons that end a job with no text and nothing sent to the client. */
  public boolean isNoText() {
    return NO_TEXT_ASSIGNED.equals(reason) || ASR_EMPTY.equals(reason);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    Fields.putOpt(json, "reason", reason);
    Fields.putOpt(json, "language_probability", languageProbability);
    return json;
  }

  public static JobResultExtra fromJson(JsonObject json) {
    return new JobResultExtra(
        Fields.optStr(json, "reason", null), Fields.optNum(json, "language_probability", null));
  }
}
