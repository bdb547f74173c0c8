package dev.parley.engine;

import dev.parley.codecs.protocol.LanguagePair;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Translation by a LibreTranslate server ({@code POST /translate}). Its directions are the entry's {@code pairs},
 * or, when the entry lists none, what the server's {@code GET /languages} offers when the engine opens.
 */
public final class LibreTranslateMt implements MtEngine {
  public static final String NAME = "libretranslate";
  static final String TRANSLATE = "/translate";
  static final String LANGUAGES = "/languages";

  private final HttpService service;
  private final Set<LanguagePair> pairs;

  private LibreTranslateMt(HttpService service, Set<LanguagePair> pairs) {
    this.service = service;
    this.pairs = pairs;
  }

  /** Reads the entry; without {@code pairs} it asks the server for its languages and fails when it cannot. */
  public static LibreTranslateMt open(JsonObject config) throws EngineException {
    HttpService service = HttpService.open(NAME, config);
    Set<LanguagePair> pairs = config.containsKey("pairs") ? configuredPairs(config.getValue("pairs"))
        : discoverPairs(service);
    return new LibreTranslateMt(service, pairs);
  }

  private static Set<LanguagePair> configuredPairs(Object value) throws EngineException {
    if (!(value instanceof JsonArray list) || list.isEmpty()) {
      throw new EngineException(NAME + ": \"pairs\" must be a non-empty array such as [{\"src\": \"en\", \"tgt\": "
          + "\"es\"}]; leave it out to ask the server");
    }
    Set<LanguagePair> out = new LinkedHashSet<>();
    for (Object o : list) {
      if (!(o instanceof JsonObject p) || !(p.getValue("src") instanceof String src) || src.isBlank()
          || !(p.getValue("tgt") instanceof String tgt) || tgt.isBlank()) {
        throw new EngineException(NAME + ": each of \"pairs\" needs a \"src\" and a \"tgt\", got " + o);
      }
      out.add(new LanguagePair(src.strip(), tgt.strip()));
    }
    return Set.copyOf(out);
  }

  /** Every source code with each of its targets, from {@code [{"code": "en", "targets": ["es", ...]}, ...]}. */
  private static Set<LanguagePair> discoverPairs(HttpService service) throws EngineException {
    byte[] body;
    try {
      body = service.send(service.request(LANGUAGES).GET().build());
    } catch (EngineException e) {
      throw new EngineException(NAME + ": no \"pairs\" configured and the server's languages could not be listed ("
          + e.getMessage() + ")", e);
    }
    Set<LanguagePair> out = new LinkedHashSet<>();
    for (Object o : service.jsonArray(body, LANGUAGES)) {
      if (!(o instanceof JsonObject language) || !(language.getValue("code") instanceof String src)
          || !(language.getValue("targets") instanceof JsonArray targets)) {
        throw service.malformed(LANGUAGES, "an entry without \"code\" and \"targets\"", body);
      }
      for (Object t : targets) {
        if (t instanceof String tgt && !tgt.equals(src)) {
          out.add(new LanguagePair(src, tgt));
        }
      }
    }
    if (out.isEmpty()) {
      throw service.malformed(LANGUAGES, "no language pair", body);
    }
    return Set.copyOf(out);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<LanguagePair> pairs() {
    return pairs;
  }

  @Override
  public String translate(String text, String srcLang, String tgtLang) throws EngineException {
    if (!pairs.contains(new LanguagePair(srcLang, tgtLang))) {
      throw new EngineException(NAME + " has no pair " + srcLang + ">" + tgtLang);
    }
    if (text.isBlank()) {
      return "";
    }
    JsonObject query = new JsonObject().put("q", text).put("source", srcLang).put("target", tgtLang)
        .put("format", "text");
    if (service.apiKey() != null) {
      query.put("api_key", service.apiKey());
    }
    HttpRequest request = service.request(TRANSLATE)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(query.encode()))
        .build();
    JsonObject answer = service.jsonObject(service.send(request), TRANSLATE);
    return service.stringField(answer, "translatedText", TRANSLATE).strip();
  }
}
