package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What a node can recognise, synthesise and translate; absent lists are empty. */
public record LanguageCapabilities(
    List<String> asrLanguages,
    List<String> ttsLanguages,
    List<LanguagePair> supportedLanguagePairs) {

  public LanguageCapabilities {
    asrLanguages = asrLanguages == null ? List.of() : List.copyOf(asrLanguages);
    ttsLanguages = ttsLanguages == null ? List.of() : List.copyOf(ttsLanguages);
    supportedLanguagePairs =
        supportedLanguagePairs == null ? List.of() : List.copyOf(supportedLanguagePairs);
  }

  public JsonObject toJson() {
    JsonArray pairs = new JsonArray();
    for (LanguagePair p : supportedLanguagePairs) {
      pairs.add(p.toJson());
    }
    return new JsonObject()
        .put("asr_languages", new JsonArray(List.copyOf(asrLanguages)))
        .put("tts_languages", new JsonArray(List.copyOf(ttsLanguages)))
        .put("supported_language_pairs", pairs);
  }

  public static LanguageCapabilities fromJson(JsonObject json) {
    return new LanguageCapabilities(
        Fields.optStrList(json, "asr_languages"),
        Fields.optStrList(json, "tts_languages"),
        Fields.optObjList(json, "supported_language_pairs", LanguagePair::fromJson));
  }
}
