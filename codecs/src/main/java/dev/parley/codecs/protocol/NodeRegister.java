package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Node -> scheduler: the first frame of a node connection. {@code featuresSupported} is kept as
 * JSON (copied, may be null) because nodes add feature flags the scheduler does not know.
 */
public record NodeRegister(
    String nodeId,
    String version,
    String platform,
    String token,
    int maxConcurrentJobs,
    LanguageCapabilities languageCapabilities,
    JsonObject featuresSupported)
    implements Message {

  public static final String TYPE = "node_register";
  public static final String SEMANTIC_REPAIR = "semantic_repair";

  public NodeRegister {
    featuresSupported = featuresSupported == null ? null : featuresSupported.copy();
  }

  /** True when {@code features_supported} has {@code feature: true}. */
  public boolean supports(String feature) {
    return featuresSupported != null
        && Boolean.TRUE.equals(featuresSupported.getValue(feature));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", TYPE);
    Fields.putOpt(json, "node_id", nodeId);
    Fields.putOpt(json, "version", version);
    Fields.putOpt(json, "platform", platform);
    Fields.putOpt(json, "token", token);
    json.put("max_concurrent_jobs", maxConcurrentJobs);
    if (languageCapabilities != null) {
      json.put("language_capabilities", languageCapabilities.toJson());
    }
    if (featuresSupported != null) {
      json.put("features_supported", featuresSupported.copy());
    }
    return json;
  }

  public static NodeRegister fromJson(JsonObject json) {
    return new NodeRegister(
        Fields.optStr(json, "node_id", null),
        Fields.optStr(json, "version", null),
        Fields.optStr(json, "platform", null),
        Fields.optStr(json, "token", null),
        Fields.i32(json, "max_concurrent_jobs"),
        Fields.nested(json, "language_capabilities", LanguageCapabilities::fromJson),
        Fields.optObj(json, "features_supported"));
  }
}
