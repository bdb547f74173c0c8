package dev.parley.engine;

import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.audio.Wav;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.util.Set;

/**
 * Synthesis by a service with OpenAI's speech API ({@code POST /v1/audio/speech}): OpenAI itself, or a TTS server on
 * a GPU host that speaks the same API. The API takes no language, so the entry's {@code languages} say which ones the
 * voice speaks. The service's WAV, at whatever rate it uses, is resampled to {@link #SAMPLE_RATE}.
 */
public final class OpenAiTts implements TtsEngine {
  public static final String NAME = "openai-tts";
  static final String DEFAULT_MODEL = "tts-1";
  static final String DEFAULT_VOICE = "alloy";
  static final String PATH = "/v1/audio/speech";
  /** OpenAI's limit on {@code input}. */
  private static final int MAX_CHARS = 4_096;

  private final HttpService service;
  private final String model;
  private final String voice;
  private final Set<String> languages;

  private OpenAiTts(HttpService service, String model, String voice, Set<String> languages) {
    this.service = service;
    this.model = model;
    this.voice = voice;
    this.languages = languages;
  }

  /** Reads the entry's {@code url}, {@code model}, {@code voice}, {@code languages}, key and timeouts. */
  public static OpenAiTts open(JsonObject config) throws EngineException {
    HttpService service = HttpService.open(NAME, config);
    Set<String> languages = HttpService.languages(NAME, config);
    return new OpenAiTts(service, HttpService.string(NAME, config, "model", DEFAULT_MODEL),
        HttpService.string(NAME, config, "voice", DEFAULT_VOICE), languages);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Set<String> languages() {
    return languages;
  }

  @Override
  public byte[] synthesise(String text, String language) throws EngineException {
    if (!languages.contains(language)) {
      throw new EngineException(NAME + " is not configured for " + language);
    }
    if (text.isBlank()) {
      throw new EngineException(NAME + ": nothing to say");
    }
    String clipped = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
    JsonObject query = new JsonObject().put("model", model).put("voice", voice).put("input", clipped)
        .put("response_format", "wav");
    HttpRequest request = service.authorisedRequest(PATH)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(query.encode()))
        .build();
    byte[] body = service.send(request);
    Wav.Decoded decoded;
    try {
      decoded = Wav.read(body);
    } catch (ProtocolException e) {
      throw service.malformed(PATH, "not a 16-bit PCM WAV: " + e.getMessage(), body);
    }
    return Wav.write(Wav.resample(decoded.samples(), decoded.sampleRate(), SAMPLE_RATE), SAMPLE_RATE);
  }
}
