package dev.parley.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.audio.Wav;
import dev.parley.codecs.protocol.LanguageCapabilities;
import dev.parley.codecs.protocol.LanguagePair;
import dev.parley.testing.Await;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each HTTP adapter against a real HTTP server on loopback that plays the external service: it keeps what it
 * received, which the test checks, and answers as the real service does. The adapters block, so they are called
 * from the test thread; the server runs on Vert.x event loops.
 */
@ExtendWith(VertxExtension.class)
class HttpEnginesTest {
  private static final String KEY = "sk-test";

  /** What the service received. */
  record Received(String method, String path, MultiMap headers, byte[] body, MultiMap form,
      Map<String, Upload> uploads) {

    JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  record Upload(String fileName, String contentType, byte[] content) {}

  /** How the service answers: after {@code delayMs}, with this status and body. */
  record Reply(int status, String contentType, byte[] body, long delayMs) {
    static Reply json(Object json) {
      String text = json instanceof JsonObject o ? o.encode() : ((JsonArray) json).encode();
      return new Reply(200, "application/json", text.getBytes(StandardCharsets.UTF_8), 0);
    }

    static Reply text(int status, String contentType, String body) {
      return new Reply(status, contentType, body.getBytes(StandardCharsets.UTF_8), 0);
    }

    static Reply wav(byte[] wav) {
      return new Reply(200, "audio/wav", wav, 0);
    }

    Reply after(long ms) {
      return new Reply(status, contentType, body, ms);
    }
  }

  /** The external service: an HTTP server on a free loopback port. */
  static final class Service implements AutoCloseable {
    private final HttpServer server;
    private final BlockingQueue<Received> received;

    private Service(HttpServer server, BlockingQueue<Received> received) {
      this.server = server;
      this.received = received;
    }

    static Service start(Vertx vertx, Function<Received, Reply> answer) {
      BlockingQueue<Received> received = new LinkedBlockingQueue<>();
      HttpServer server = vertx.createHttpServer().requestHandler(req -> {
        String contentType = req.getHeader("Content-Type");
        boolean multipart = contentType != null && contentType.startsWith("multipart/form-data");
        Buffer body = Buffer.buffer();
        Map<String, HttpServerFileUpload> uploads = new ConcurrentHashMap<>();
        Map<String, Buffer> contents = new ConcurrentHashMap<>();
        if (multipart) {
          req.setExpectMultipart(true);
          req.uploadHandler(upload -> {
            Buffer content = Buffer.buffer();
            uploads.put(upload.name(), upload);
            contents.put(upload.name(), content);
            upload.handler(content::appendBuffer);
          });
        } else {
          req.handler(body::appendBuffer);
        }
        req.endHandler(v -> {
          Map<String, Upload> files = new HashMap<>();
          uploads.forEach((name, u) -> files.put(name,
              new Upload(u.filename(), u.contentType(), contents.get(name).getBytes())));
          MultiMap form = MultiMap.caseInsensitiveMultiMap();
          if (multipart) {
            form.addAll(req.formAttributes());
          }
          Received r = new Received(req.method().name(), req.path(),
              MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.getBytes(), form, Map.copyOf(files));
          received.add(r);
          Reply reply = answer.apply(r);
          Runnable send = () -> {
            if (!req.response().closed()) {
              req.response().setStatusCode(reply.status()).putHeader("Content-Type", reply.contentType())
                  .end(Buffer.buffer(reply.body()));
            }
          };
          if (reply.delayMs() > 0) {
            vertx.setTimer(reply.delayMs(), id -> send.run());
          } else {
            send.run();
          }
        });
      });
      return new Service(Await.result(server.listen(0, "127.0.0.1")), received);
    }

    String url() {
      return "http://127.0.0.1:" + server.actualPort();
    }

    Received next() throws InterruptedException {
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a request at the service").isNotNull();
      return r;
    }

    @Override
    public void close() {
      Await.result(server.close());
    }
  }

  /** One adapter, opened on a service and called once, for the failures every adapter must report the same way. */
  enum Adapter {
    ASR(OpenAiAsr.NAME, OpenAiAsr.PATH, Reply.text(200, "application/json", "{\"text\": \"the weather")) {
      @Override
      void call(JsonObject config) throws EngineException {
        OpenAiAsr.open(config.put("languages", new JsonArray().add("en")))
            .recognise(tone(16_000, 8_000), 16_000, "en");
      }
    },
    MT(LibreTranslateMt.NAME, LibreTranslateMt.TRANSLATE,
        Reply.text(200, "application/json", "<html>Bad Gateway</html>")) {
      @Override
      void call(JsonObject config) throws EngineException {
        LibreTranslateMt.open(config.put("pairs", new JsonArray().add(pair("en", "es"))))
            .translate("the weather", "en", "es");
      }
    },
    TTS(OpenAiTts.NAME, OpenAiTts.PATH,
        Reply.json(new JsonObject().put("error", "response_format wav is not supported"))) {
      @Override
      void call(JsonObject config) throws EngineException {
        OpenAiTts.open(config.put("languages", new JsonArray().add("es"))).synthesise("hace buen tiempo", "es");
      }
    };

    final String engine;
    final String path;
    final Reply malformed;

    Adapter(String engine, String path, Reply malformed) {
      this.engine = engine;
      this.path = path;
      this.malformed = malformed;
    }

    abstract void call(JsonObject config) throws EngineException;
  }

  private static short[] tone(int sampleRate, int length) {
    short[] out = new short[length];
    for (int i = 0; i < length; i++) {
      out[i] = (short) (8_000 * Math.sin(2 * Math.PI * 440 * i / sampleRate));
    }
    return out;
  }

  private static JsonObject pair(String src, String tgt) {
    return new JsonObject().put("src", src).put("tgt", tgt);
  }

  private static JsonObject entry(String engine, String url) {
    return new JsonObject().put("engine", engine).put("url", url);
  }

  @Test
  void openAiAsrUploadsTheAudioAsAWavFormAndReturnsTheText(Vertx vertx) throws Exception {
    short[] audio = tone(16_000, 24_000);
    try (Service service = Service.start(vertx, r -> Reply.json(new JsonObject().put("text", " The weather. ")))) {
      OpenAiAsr asr = OpenAiAsr.open(entry(OpenAiAsr.NAME, service.url()).put("apiKey", KEY)
          .put("languages", new JsonArray().add("en").add("es")));

      String text = asr.recognise(audio, 16_000, "es");

      assertThat(text).isEqualTo("The weather.");
      Received r = service.next();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/v1/audio/transcriptions");
      assertThat(r.headers().get("Authorization")).isEqualTo("Bearer " + KEY);
      assertThat(r.headers().get("Content-Type")).startsWith("multipart/form-data; boundary=");
      assertThat(r.form().get("model")).isEqualTo("whisper-1");
      assertThat(r.form().get("language")).isEqualTo("es");
      assertThat(r.form().get("response_format")).isEqualTo("json");
      Upload file = r.uploads().get("file");
      assertThat(file).as("the file field").isNotNull();
      assertThat(file.fileName()).isEqualTo("audio.wav");
      assertThat(file.contentType()).isEqualTo("audio/wav");
      Wav.Decoded wav = Wav.read(file.content());
      assertThat(wav.sampleRate()).isEqualTo(16_000);
      assertThat(wav.samples()).hasSize(audio.length).isEqualTo(audio);
    }
  }

  @Test
  void libreTranslatePostsTheTextAsJsonAndReturnsTheTranslation(Vertx vertx) throws Exception {
    try (Service service = Service.start(vertx,
        r -> Reply.json(new JsonObject().put("translatedText", "Hace buen tiempo.")))) {
      LibreTranslateMt mt = LibreTranslateMt.open(entry(LibreTranslateMt.NAME, service.url()).put("apiKey", KEY)
          .put("pairs", new JsonArray().add(pair("en", "es"))));

      String translated = mt.translate("The weather is nice.", "en", "es");

      assertThat(translated).isEqualTo("Hace buen tiempo.");
      assertThat(mt.pairs()).containsExactly(new LanguagePair("en", "es"));
      Received r = service.next();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/translate");
      assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(r.headers().get("Authorization")).as("the key goes in the body").isNull();
      assertThat(r.json()).isEqualTo(new JsonObject().put("q", "The weather is nice.").put("source", "en")
          .put("target", "es").put("format", "text").put("api_key", KEY));
    }
  }

  @Test
  void openAiTtsResamplesTheServicesWavTo16kHz(Vertx vertx) throws Exception {
    short[] speech24k = tone(24_000, 36_000);
    try (Service service = Service.start(vertx, r -> Reply.wav(Wav.write(speech24k, 24_000)))) {
      OpenAiTts tts = OpenAiTts.open(entry(OpenAiTts.NAME, service.url()).put("apiKey", KEY).put("voice", "nova")
          .put("languages", new JsonArray().add("es")));

      Wav.Decoded wav = Wav.read(tts.synthesise("Hace buen tiempo.", "es"));

      assertThat(wav.sampleRate()).isEqualTo(TtsEngine.SAMPLE_RATE);
      assertThat(wav.channels()).isEqualTo(1);
      assertThat(wav.samples()).hasSize(36_000 * 16_000 / 24_000)
          .isEqualTo(Wav.resample(speech24k, 24_000, 16_000));
      Received r = service.next();
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/v1/audio/speech");
      assertThat(r.headers().get("Authorization")).isEqualTo("Bearer " + KEY);
      assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
      assertThat(r.json()).isEqualTo(new JsonObject().put("model", "tts-1").put("voice", "nova")
          .put("input", "Hace buen tiempo.").put("response_format", "wav"));
    }
  }

  @ParameterizedTest
  @EnumSource(Adapter.class)
  void anHttpErrorIsAnEngineExceptionWithTheStatusAndTheServicesReason(Adapter adapter, Vertx vertx) {
    try (Service service = Service.start(vertx, r -> Reply.text(500, "application/json",
        "{\"error\": {\"message\": \"CUDA out of memory\"}}"))) {
      assertThatThrownBy(() -> adapter.call(entry(adapter.engine, service.url())))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("HTTP 500")
          .hasMessageContaining(adapter.path)
          .hasMessageContaining("CUDA out of memory");
    }
  }

  @ParameterizedTest
  @EnumSource(Adapter.class)
  void aServiceSlowerThanTimeoutMsIsAnEngineException(Adapter adapter, Vertx vertx) {
    try (Service service = Service.start(vertx, r -> adapter.malformed.after(3_000))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> adapter.call(entry(adapter.engine, service.url()).put("timeoutMs", 300)))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("no answer")
          .hasMessageContaining("within 300 ms");
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_500);
    }
  }

  @ParameterizedTest
  @EnumSource(Adapter.class)
  void aMalformedAnswerIsAnEngineException(Adapter adapter, Vertx vertx) {
    try (Service service = Service.start(vertx, r -> adapter.malformed)) {
      assertThatThrownBy(() -> adapter.call(entry(adapter.engine, service.url())))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("malformed answer")
          .hasMessageContaining(adapter.path);
    }
  }

  @Test
  void aJsonAnswerWithoutTheTextFieldIsMalformed(Vertx vertx) {
    try (Service service = Service.start(vertx, r -> Reply.json(new JsonObject().put("transcript", "hello")))) {
      assertThatThrownBy(() -> Adapter.ASR.call(entry(OpenAiAsr.NAME, service.url())))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("no string \"text\"");
    }
  }

  @Test
  void aServiceThatIsNotListeningIsAnEngineException(Vertx vertx) {
    String url;
    try (Service service = Service.start(vertx, r -> Reply.json(new JsonObject()))) {
      url = service.url();
    }
    assertThatThrownBy(() -> Adapter.MT.call(entry(LibreTranslateMt.NAME, url)))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("cannot reach " + url + "/translate");
  }

  @Test
  void libreTranslateWithoutPairsAsksTheServerForItsLanguages(Vertx vertx) throws Exception {
    JsonArray languages = new JsonArray()
        .add(new JsonObject().put("code", "en").put("name", "English").put("targets",
            new JsonArray().add("en").add("es").add("fr")))
        .add(new JsonObject().put("code", "es").put("name", "Spanish").put("targets", new JsonArray().add("en")));
    try (Service service = Service.start(vertx, r -> Reply.json(languages))) {
      LibreTranslateMt mt = LibreTranslateMt.open(entry(LibreTranslateMt.NAME, service.url()));

      assertThat(mt.pairs()).containsExactlyInAnyOrder(new LanguagePair("en", "es"), new LanguagePair("en", "fr"),
          new LanguagePair("es", "en"));
      Received r = service.next();
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.path()).isEqualTo("/languages");
    }
  }

  @Test
  void libreTranslateWithoutPairsFailsToOpenWhenTheServerCannotListItsLanguages(Vertx vertx) {
    try (Service service = Service.start(vertx, r -> Reply.text(503, "text/plain", "starting up"))) {
      assertThatThrownBy(() -> LibreTranslateMt.open(entry(LibreTranslateMt.NAME, service.url())))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("no \"pairs\" configured")
          .hasMessageContaining("HTTP 503")
          .hasMessageContaining("starting up");
    }
  }

  @Test
  void enginesOpenAdapterEntriesAndRegisterTheirLanguages(Vertx vertx) {
    JsonArray languages = new JsonArray()
        .add(new JsonObject().put("code", "en").put("targets", new JsonArray().add("es")))
        .add(new JsonObject().put("code", "de").put("targets", new JsonArray().add("es")))
        .add(new JsonObject().put("code", "fr").put("targets", new JsonArray().add("es")));
    try (Service service = Service.start(vertx, r -> Reply.json(languages))) {
      JsonObject config = new JsonObject()
          .put("asr", new JsonArray().add(entry(OpenAiAsr.NAME, service.url())
              .put("languages", new JsonArray().add("en").add("de"))))
          .put("mt", new JsonArray().add(entry(LibreTranslateMt.NAME, service.url())))
          .put("tts", new JsonArray()
              .add(entry(OpenAiTts.NAME, service.url()).put("languages", new JsonArray().add("es")))
              .add(entry(OpenAiTts.NAME, service.url()).put("enabled", false)
                  .put("languages", new JsonArray().add("it"))));

      try (Engines engines = Engines.open(config, 2)) {
        assertThat(engines.problems()).isEmpty();
        LanguageCapabilities caps = engines.capabilities();
        assertThat(caps.asrLanguages()).containsExactly("de", "en");
        assertThat(caps.ttsLanguages()).containsExactly("es");
        assertThat(caps.supportedLanguagePairs()).as("fr is not recognised")
            .containsExactlyInAnyOrder(new LanguagePair("en", "es"), new LanguagePair("de", "es"));
        assertThat(engines.asrFor("de")).isInstanceOf(OpenAiAsr.class);
        assertThat(engines.mtFor("de", "es")).isInstanceOf(LibreTranslateMt.class);
        assertThat(engines.ttsFor("es")).isInstanceOf(OpenAiTts.class);
      }
    }
  }

  @Test
  void anAdapterEntryMissingARequiredKeyIsAProblemNotAnEngine() {
    JsonObject config = new JsonObject()
        .put("asr", new JsonArray().add(new JsonObject().put("engine", OpenAiAsr.NAME)
            .put("languages", new JsonArray().add("en"))))
        .put("tts", new JsonArray().add(entry(OpenAiTts.NAME, "http://127.0.0.1:9")));

    try (Engines engines = Engines.open(config, 1)) {
      assertThat(engines.problems()).containsExactly(
          "asr openai-asr: openai-asr needs a \"url\", such as \"http://localhost:9000\"",
          "tts openai-tts: openai-tts needs \"languages\", the short codes it serves, such as [\"en\"]");
      assertThat(engines.capabilities().asrLanguages()).isEmpty();
    }
  }

  @Test
  void theShippedExampleEntriesAreDisabledAndOpenOnceEnabled(Vertx vertx) {
    JsonObject shipped = EngineConfig.read("../conf/engines.json");
    List<String> adapters = List.of(OpenAiAsr.NAME, LibreTranslateMt.NAME, OpenAiTts.NAME);
    try (Service service = Service.start(vertx, r -> Reply.json(new JsonArray()))) {
      JsonObject enabled = new JsonObject();
      List<String> found = new ArrayList<>();
      for (String stage : List.of("asr", "mt", "tts")) {
        JsonArray entries = new JsonArray();
        for (Object o : shipped.getJsonArray(stage)) {
          JsonObject e = (JsonObject) o;
          if (adapters.contains(e.getString("engine"))) {
            assertThat(e.getBoolean("enabled")).as(e.getString("engine") + " ships disabled").isFalse();
            found.add(e.getString("engine"));
            entries.add(e.copy().put("enabled", true).put("url", service.url()));
          }
        }
        enabled.put(stage, entries);
      }
      assertThat(found).containsExactlyElementsOf(adapters);

      try (Engines engines = Engines.open(enabled, 1)) {
        assertThat(engines.problems()).isEmpty();
        assertThat(engines.capabilities().supportedLanguagePairs()).isNotEmpty();
      }
    }
  }

  @Test
  void theKeyMayComeFromTheEnvironmentVariableTheEntryNames() throws EngineException {
    JsonObject config = entry(OpenAiAsr.NAME, "http://127.0.0.1:9").put("apiKeyEnv", "WHISPER_KEY");

    assertThat(HttpService.open(OpenAiAsr.NAME, config, Map.of("WHISPER_KEY", "sk-env")::get).apiKey())
        .isEqualTo("sk-env");
    assertThat(HttpService.open(OpenAiAsr.NAME, config.copy().put("apiKey", KEY), name -> null).apiKey())
        .as("apiKey wins").isEqualTo(KEY);
    assertThatThrownBy(() -> HttpService.open(OpenAiAsr.NAME, config, name -> null))
        .isInstanceOf(EngineException.class)
        .hasMessageContaining("WHISPER_KEY");
  }
}
