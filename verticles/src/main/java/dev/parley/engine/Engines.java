package dev.parley.engine;

import dev.parley.codecs.protocol.LanguageCapabilities;
import dev.parley.codecs.protocol.LanguagePair;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines a node has, opened from {@code conf/engines.json}: per stage a list tried in order, so the first engine
 * that serves a language is the one used. Besides the built-in engines, an entry may name an HTTP service on another
 * host ({@code openai-asr}, {@code libretranslate}, {@code openai-tts}). An engine that cannot start is left out with
 * a problem saying what to install or configure; the node then registers only the languages it can serve.
 */
public final class Engines implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

  private final List<AsrEngine> asr;
  private final List<MtEngine> mt;
  private final List<TtsEngine> tts;
  private final List<String> problems;

  public Engines(List<AsrEngine> asr, List<MtEngine> mt, List<TtsEngine> tts, List<String> problems) {
    this.asr = List.copyOf(asr);
    this.mt = List.copyOf(mt);
    this.tts = List.copyOf(tts);
    this.problems = List.copyOf(problems);
  }

  /** Opens every engine the configuration lists; {@code workers} is how many calls may run at once. */
  public static Engines open(JsonObject config, int workers) {
    List<AsrEngine> asr = new ArrayList<>();
    List<MtEngine> mt = new ArrayList<>();
    List<TtsEngine> tts = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (JsonObject e : entries(config, "asr")) {
      try {
        asr.add(switch (kind(e)) {
          case PocketsphinxAsr.NAME -> PocketsphinxAsr.open(Path.of(e.getString("model",
              PocketsphinxAsr.DEFAULT_MODEL.toString())), e.getString("language", "en"), workers);
          case OpenAiAsr.NAME -> OpenAiAsr.open(e);
          default -> throw new EngineException("unknown ASR engine " + kind(e));
        });
      } catch (EngineException ex) {
        problems.add("asr " + kind(e) + ": " + ex.getMessage());
      }
    }
    for (JsonObject e : entries(config, "mt")) {
      try {
        mt.add(switch (kind(e)) {
          case ApertiumMt.NAME -> ApertiumMt.open(Path.of(e.getString("modes", ApertiumMt.MODES.toString())));
          case LibreTranslateMt.NAME -> LibreTranslateMt.open(e);
          default -> throw new EngineException("unknown MT engine " + kind(e));
        });
      } catch (EngineException ex) {
        problems.add("mt " + kind(e) + ": " + ex.getMessage());
      }
    }
    for (JsonObject e : entries(config, "tts")) {
      try {
        tts.add(switch (kind(e)) {
          case EspeakTts.NAME -> EspeakTts.open(e.getString("binary", "espeak-ng"));
          case OpenAiTts.NAME -> OpenAiTts.open(e);
          default -> throw new EngineException("unknown TTS engine " + kind(e));
        });
      } catch (EngineException ex) {
        problems.add("tts " + kind(e) + ": " + ex.getMessage());
      }
    }
    Engines engines = new Engines(asr, mt, tts, problems);
    problems.forEach(p -> LOG.warn("engine unavailable: {}", p));
    return engines;
  }

  private static List<JsonObject> entries(JsonObject config, String stage) {
    JsonArray list = config.getJsonArray(stage, new JsonArray());
    List<JsonObject> out = new ArrayList<>();
    for (Object o : list) {
      if (o instanceof JsonObject j && j.getBoolean("enabled", true)) {
        out.add(j);
      }
    }
    return out;
  }

  private static String kind(JsonObject entry) {
    return entry.getString("engine", "");
  }

  public AsrEngine asrFor(String language) {
    return asr.stream().filter(e -> e.languages().contains(language)).findFirst().orElse(null);
  }

  public MtEngine mtFor(String src, String tgt) {
    LanguagePair pair = new LanguagePair(src, tgt);
    return mt.stream().filter(e -> e.pairs().contains(pair)).findFirst().orElse(null);
  }

  public TtsEngine ttsFor(String language) {
    return tts.stream().filter(e -> e.languages().contains(language)).findFirst().orElse(null);
  }

  /** What the node registers: a pair is served when its source is recognised and the direction translated. */
  public LanguageCapabilities capabilities() {
    Set<String> asrLanguages = new TreeSet<>();
    asr.forEach(e -> asrLanguages.addAll(e.languages()));
    Set<String> ttsLanguages = new TreeSet<>();
    tts.forEach(e -> ttsLanguages.addAll(e.languages()));
    List<LanguagePair> pairs = new ArrayList<>();
    for (MtEngine e : mt) {
      for (LanguagePair p : e.pairs()) {
        if (asrLanguages.contains(p.src()) && !pairs.contains(p)) {
          pairs.add(p);
        }
      }
    }
    return new LanguageCapabilities(List.copyOf(asrLanguages), List.copyOf(ttsLanguages), pairs);
  }

  /** Why engines are missing, each naming what to install; empty when all started. */
  public List<String> problems() {
    return problems;
  }

  @Override
  public void close() {
    asr.forEach(AsrEngine::close);
    mt.forEach(MtEngine::close);
    tts.forEach(TtsEngine::close);
  }
}
