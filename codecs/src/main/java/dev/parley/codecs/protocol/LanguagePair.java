package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;

/** A translation direction a node supports. */
public record LanguagePair(String src, String tgt) {

  public JsonObject toJson() {
    return new JsonObject().put("src", src).put("tgt", tgt);
  }

  public static LanguagePair fromJson(JsonObject json) {
    return new LanguagePair(Fields.str(json, "src"), Fields.str(json, "tgt"));
  }
}
