package dev.parley.codecs.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessagesRoundTripTest {

  static Stream<Named<Message>> samples() {
    return Samples.full().stream().map(m -> Named.of(m.type(), m));
  }

  @Test
  void samplesCoverEveryMessageType() {
    Set<Class<?>> sampled = Samples.full().stream().map(Object::getClass).collect(Collectors.toSet());
    assertThat(sampled).containsExactlyInAnyOrder(Message.class.getPermittedSubclasses());
    assertThat(Samples.FIELDS.keySet())
        .containsExactlyInAnyOrderElementsOf(Samples.full().stream().map(Message::type).toList());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void decodesWhatItEncodes(Message message) throws Exception {
    JsonObject json = message.toJson();
    Message decoded = Messages.decode(json);

    assertThat(decoded).isExactlyInstanceOf(message.getClass());
    assertThat(decoded).usingRecursiveComparison().isEqualTo(message);
    assertThat(decoded.toJson()).isEqualTo(json);
    Object viaFromJson =
        message.getClass().getMethod("fromJson", JsonObject.class).invoke(null, json);
    assertThat(viaFromJson).usingRecursiveComparison().isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void survivesTextEncoding(Message message) {
    Message decoded = Messages.parse(message.toJson().encode());
    assertThat(decoded).usingRecursiveComparison().isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void typeMatchesTheTypeConstantAndTheJson(Message message) throws Exception {
    Object constant = message.getClass().getField("TYPE").get(null);
    assertThat(message.type()).isEqualTo(constant);
    assertThat(message.toJson().getString("type")).isEqualTo(constant);
  }

  @ParameterizedTest
  @MethodSource("samples")
  void usesTheSnakeCaseNamesOfTheProtocol(Message message) {
    JsonObject json = message.toJson();
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(Stream.of("type"), Samples.FIELDS.get(message.type()).stream())
                .toList());
    for (FieldPaths field : FieldPaths.of(json)) {
      assertThat(field.name()).as("name at %s", field).matches("[a-z][a-z0-9_]*");
    }
  }

  @Test
  void nestedObjectsUseSnakeCaseNames() {
    JsonObject result = Samples.full(JobResult.TYPE).toJson();
    assertThat(result.getJsonObject("service_timings").fieldNames())
        .containsExactlyInAnyOrder("asr_ms", "nmt_ms", "tts_ms");
    assertThat(result.getJsonObject("extra").fieldNames())
        .containsExactlyInAnyOrder("reason", "language_probability");
    assertThat(result.getJsonObject("error").fieldNames()).containsExactlyInAnyOrder("code", "message");

    JsonObject caps = Samples.full(NodeRegister.TYPE).toJson().getJsonObject("language_capabilities");
    assertThat(caps.fieldNames())
        .containsExactlyInAnyOrder("asr_languages", "tts_languages", "supported_language_pairs");
    assertThat(caps.getJsonArray("supported_language_pairs").getJsonObject(0))
        .isEqualTo(new JsonObject().put("src", "en").put("tgt", "es"));

    assertThat(Samples.full(NodeHeartbeat.TYPE).toJson().getJsonObject("resource_usage").fieldNames())
        .containsExactlyInAnyOrder("cpu_percent", "mem_percent", "gpu_percent", "running_jobs");
    assertThat(Samples.full(JobAssign.TYPE).toJson().getJsonObject("pipeline").fieldNames())
        .containsExactlyInAnyOrder("use_asr", "use_nmt", "use_tts", "use_semantic");
  }

  @Test
  void audioIsStandardBase64WithPadding() {
    byte[] audio = {(byte) 0xfb, (byte) 0xff};
    JsonObject json = new AudioChunk("s", 0, false, audio, null).toJson();
    assertThat(json.getValue("payload")).isEqualTo("+/8=");
    assertThat(AudioChunk.fromJson(json).payload()).containsExactly(audio);
  }

  @Test
  void emptyAudioIsAnEmptyStringAndNeverNull() {
    AudioChunk chunk = new AudioChunk("s", 5, true, null, null);
    assertThat(chunk.payload()).isEmpty();
    assertThat(chunk.toJson().getValue("payload")).isEqualTo("");
    assertThat(AudioChunk.fromJson(chunk.toJson()).payload()).isEmpty();

    assertThat(new Utterance("s", 0, true, null, null, null, null, null).audio()).isEmpty();
    assertThat(new JobAssign(
                "j", 1, "s", 0, "t", 0, "en", "es", new Pipeline(true, true, true, false), null,
                "opus", 16000, 0, true, false, false, null, null)
            .toJson()
            .getValue("audio"))
        .isEqualTo("");
  }

  @Test
  void nullOptionalFieldsAreOmitted() {
    JsonObject json =
        new JobResult(
                "j", 1, "n", true, null, null, null, null, null, null, null, null, null, null,
                null)
            .toJson();
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder("type", "job_id", "attempt_id", "node_id", "success");
    assertThat(new ServiceTimings(null, 12L, null).toJson())
        .isEqualTo(new JsonObject().put("nmt_ms", 12L));
    assertThat(new ResourceUsage(1, 2, null, 0).toJson().containsKey("gpu_percent")).isFalse();
  }

  @Test
  void maxDurationFlagIsOmittedWhenFalse() {
    JobAssign sample = (JobAssign) Samples.full(JobAssign.TYPE);
    JobAssign notMax =
        new JobAssign(
            sample.jobId(), sample.attemptId(), sample.sessionId(), sample.utteranceIndex(),
            sample.turnId(), sample.segmentIndex(), sample.srcLang(), sample.tgtLang(),
            sample.pipeline(), sample.audio(), sample.audioFormat(), sample.sampleRate(),
            sample.expectedDurationMs(), false, false, false, null, null);
    JsonObject json = notMax.toJson();
    assertThat(json.containsKey("is_max_duration_triggered")).isFalse();
    assertThat(json.getBoolean("is_manual_cut")).isFalse();
    assertThat(json.getBoolean("is_timeout_triggered")).isFalse();
    assertThat(sample.toJson().getBoolean("is_max_duration_triggered")).isTrue();
  }

  @Test
  void asrPartialDecodesFromEitherSide() {
    AsrPartial fromNode =
        AsrPartial.fromJson(
            new JsonObject()
                .put("type", "asr_partial")
                .put("job_id", "j")
                .put("node_id", "n")
                .put("text", "ho"));
    assertThat(fromNode.nodeId()).isEqualTo("n");
    AsrPartial toClient = new AsrPartial("s", 1, "j", null, "hola", true, null);
    assertThat(toClient.toJson().containsKey("node_id")).isFalse();
    assertThat(Messages.decode(toClient.toJson())).usingRecursiveComparison().isEqualTo(toClient);
  }

  @Test
  void jsonValuesAreCopiedSoTheRecordStaysUnchanged() {
    JsonObject details = new JsonObject().put("job_id", "j-1");
    ErrorMessage error = new ErrorMessage("DUPLICATE", "dup", details);
    details.put("job_id", "changed");
    error.toJson().getJsonObject("details").put("job_id", "changed too");
    assertThat(error.details().getString("job_id")).isEqualTo("j-1");

    List<String> langs = new java.util.ArrayList<>(List.of("en"));
    LanguageCapabilities caps = new LanguageCapabilities(langs, null, null);
    langs.add("fr");
    assertThat(caps.asrLanguages()).containsExactly("en");
    assertThat(caps.ttsLanguages()).isEmpty();
    assertThat(caps.toJson().getJsonArray("tts_languages")).isEqualTo(new JsonArray());
  }

  @Test
  void errorMessageFromProtocolException() {
    ErrorMessage m =
        ErrorMessage.of(
            new dev.parley.codecs.ProtocolException(
                dev.parley.codecs.ErrorCode.BAD_AUDIO, "invalid base64 in payload"));
    assertThat(m.toJson())
        .isEqualTo(
            new JsonObject()
                .put("type", "error")
                .put("code", "BAD_AUDIO")
                .put("message", "invalid base64 in payload"));
  }

  @Test
  void helpers() {
    NodeRegister register = (NodeRegister) Samples.full(NodeRegister.TYPE);
    assertThat(register.supports(NodeRegister.SEMANTIC_REPAIR)).isTrue();
    assertThat(register.supports("speaker_id")).isFalse();

    JobResultExtra noText = new JobResultExtra(JobResultExtra.NO_TEXT_ASSIGNED, null);
    JobResult empty =
        new JobResult("j", 1, "n", true, null, null, "", "", null, null, noText, null, null, null, null);
    assertThat(empty.isNoText()).isTrue();
    assertThat(new JobResultExtra(null, 0.5).isNoText()).isFalse();
    assertThat(((JobResult) Samples.full(JobResult.TYPE)).isNoText()).as("failed job").isFalse();
    assertThat(Arrays.asList(JobResultExtra.ASR_EMPTY, MissingResult.GAP_TIMEOUT, UiEvent.JOB_FAILOVER))
        .containsExactly("ASR_EMPTY", "gap_timeout", "JOB_FAILOVER");
  }
}
