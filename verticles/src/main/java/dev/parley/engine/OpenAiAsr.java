package dev.parley.engine;

import dev.parley.codecs.audio.Wav;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;

/**
 * Recognition by a service with OpenAI's transcription API ({@code POST /v1/audio/transcriptions}): OpenAI itself,
 * or a Whisper server on a GPU host that speaks the same API. Each call uploads the audio as a WAV file.
 */
public final class OpenAiAsr implements AsrEngine {
  public static final String NAME = "openai-asr";
  static final String DEFAULT_MODEL = "whisper-1";
  static final String PATH = "/v1/audio/transcriptions";

  private final HttpService service;
  private final String model;
  private final Set<String> languages;

  private OpenAiAsr(HttpService service, String model, Set<String> languages) {
    this.service = service;
    this.model = model;
    this.languages = languages;
  }

  /** Reads the entry's {@code url}, {@code model}, {@code languages}, key and timeouts; contacts nothing yet. */
  public static OpenAiAsr open(JsonObject config) throws EngineException {
    HttpService service = HttpService.open(NAME, config);
    Set<String> languages = HttpService.languages(NAME, config);
    return new OpenAiAsr(service, HttpService.string(NAME, config, "model", DEFAULT_MODEL), languages);
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
  public String recognise(short[] samples, int sampleRate, String language) throws EngineException {
    if (!languages.contains(language)) {
      throw new EngineException(NAME + " is not configured for " + language);
    }
    if (samples.length == 0) {
      return "";
    }
    Multipart form = new Multipart()
        .field("model", model)
        .field("language", language)
        .field("response_format", "json")
        .file("file", "audio.wav", "audio/wav", Wav.write(samples, sampleRate));
    HttpRequest request = service.authorisedRequest(PATH)
        .header("Content-Type", form.contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(form.body()))
        .build();
    JsonObject answer = service.jsonObject(service.send(request), PATH);
    return service.stringField(answer, "text", PATH).strip();
  }

  /** A {@code multipart/form-data} body of text fields and files. */
  static final class Multipart {
    private static final byte[] CRLF = {'\r', '\n'};

    private final String boundary = "parley-" + UUID.randomUUID().toString().replace("-", "");
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Multipart field(String name, String value) {
      part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
      body.writeBytes(value.getBytes(StandardCharsets.UTF_8));
      body.writeBytes(CRLF);
      return this;
    }

    Multipart file(String name, String fileName, String contentType, byte[] content) {
      part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"\r\n"
          + "Content-Type: " + contentType + "\r\n\r\n");
      body.writeBytes(content);
      body.writeBytes(CRLF);
      return this;
    }

    private void part(String headers) {
      body.writeBytes(("--" + boundary + "\r\n" + headers).getBytes(StandardCharsets.UTF_8));
    }

    String contentType() {
      return "multipart/form-data; boundary=" + boundary;
    }

    byte[] body() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.size() + boundary.length() + 8);
      out.writeBytes(body.toByteArray());
      out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }
  }
}
