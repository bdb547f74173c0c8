package dev.parley.codecs.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessagesDecodeTest {

  /** Required fields of nested objects, by the name of the object. */
  private static final Map<String, Set<String>> NESTED_REQUIRED =
      Map.of(
          "supported_language_pairs", Set.of("src", "tgt"),
          "resource_usage", Set.of("cpu_percent", "mem_percent", "running_jobs"),
          "error", Set.of("code"),
          "pipeline", Set.of("use_asr", "use_nmt", "use_tts"));

  static Stream<Arguments> everyField() {
    return Samples.full().stream()
        .flatMap(
            m -> {
              JsonObject json = m.toJson();
              return FieldPaths.of(json).stream()
                  .map(f -> Arguments.of(m.type() + " " + f, json, f));
            });
  }

  private static ProtocolException decodeFailure(JsonObject json) {
    return catchThrowableOfType(ProtocolException.class, () -> Messages.decode(json));
  }

  private static boolean isRequired(String type, FieldPaths field) {
    String parent = field.parent();
    return parent == null
        ? Samples.REQUIRED.get(type).contains(field.name())
        : NESTED_REQUIRED.getOrDefault(parent, Set.of()).contains(field.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyField")
  void absentFieldIsMissingOnlyWhenRequired(String name, JsonObject json, FieldPaths field) {
    JsonObject without = field.edited(json, JsonObject::remove);
    String type = json.getString("type");
    if (isRequired(type, field)) {
      ProtocolException e = decodeFailure(without);
      assertThat(e).as("decoding without %s", field).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD);
      assertThat(e.getMessage()).isEqualTo("missing field " + field.name());
    } else {
      assertThat(Messages.decode(without).type()).isEqualTo(type);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyField")
  void nullCountsAsAbsent(String name, JsonObject json, FieldPaths field) {
    JsonObject nulled = field.edited(json, (obj, key) -> obj.putNull(key));
    JsonObject without = field.edited(json, JsonObject::remove);
    ProtocolException e = decodeFailure(nulled);
    if (isRequired(json.getString("type"), field)) {
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).isEqualTo("missing field " + field.name());
    } else {
      assertThat(e).isNull();
      assertThat(Messages.decode(nulled)).usingRecursiveComparison().isEqualTo(Messages.decode(without));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyField")
  void wrongJsonTypeIsBadJson(String name, JsonObject json, FieldPaths field) {
    Object value = field.valueIn(json);
    Object wrong;
    String expected;
    if (value instanceof String) {
      wrong = 12;
      expected = "a string";
    } else if (value instanceof Number) {
      wrong = "12";
      expected = "a number";
    } else if (value instanceof Boolean) {
      wrong = "true";
      expected = "a boolean";
    } else if (value instanceof JsonObject) {
      wrong = new JsonArray();
      expected = "an object";
    } else {
      wrong = "x";
      expected = "an array";
    }
    ProtocolException e = decodeFailure(field.edited(json, (obj, key) -> obj.put(key, wrong)));
    assertThat(e).as("decoding %s = %s", field, wrong).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON);
    assertThat(e.getMessage()).isEqualTo("field " + field.name() + " must be " + expected);
  }

  @Test
  void missingTypeAndNonStringType() {
    assertThatThrownBy(() -> Messages.decode(new JsonObject().put("session_id", "s")))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MISSING_FIELD))
        .hasMessage("missing field type");
    assertThatThrownBy(() -> Messages.parse("{\"type\":7}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage("field type must be a string");
  }

  @Test
  void unknownTypeIsReported() {
    assertThatThrownBy(() -> Messages.parse("{\"type\":\"audio_chunkz\",\"session_id\":\"s\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE))
        .hasMessage("unknown type audio_chunkz");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", " ", "garbage", "[]", "[{\"type\":\"session_close_ack\"}]", "null", "42", "\"text\"",
        "{\"type\":\"session_close_ack\"", "{\"type\":\"session_close_ack\",\"session_id\":\"s\"} x",
        "{type:'x'}"
      })
  void nonObjectFramesAreBadJson(String text) {
    assertThatThrownBy(() -> Messages.parse(text))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage("frame is not a JSON object");
  }

  @Test
  void nullAndDeeplyNestedFramesAreBadJson() {
    String deep = "{\"type\":\"error\",\"details\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
    for (String text : new String[] {null, deep}) {
      assertThatThrownBy(() -> Messages.parse(text))
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON));
    }
  }

  @Test
  void unknownFieldsAreIgnored() {
    Message m =
        Messages.parse(
            """
            {"type":"session_init","src_lang":"en","tgt_lang":"fr","dialect":null,
             "features":{"x":1},"auto_langs":["en","fr"],"tenant_id":null,"future":[1,2,{}]}""");
    assertThat(m).isInstanceOf(SessionInit.class);
    assertThat(((SessionInit) m).tgtLang()).isEqualTo("fr");

    JsonObject chunk = Samples.full(AudioChunk.TYPE).toJson().put("shiny_new_field", true);
    assertThat(Messages.decode(chunk))
        .usingRecursiveComparison()
        .isEqualTo(Samples.full(AudioChunk.TYPE));
  }

  @Test
  void sessionInitDefaults() {
    SessionInit init =
        (SessionInit) Messages.parse("{\"type\":\"session_init\",\"src_lang\":\"auto\",\"tgt_lang\":\"es\"}");
    assertThat(init.srcLang()).isEqualTo(SessionInit.AUTO);
    assertThat(init.audioFormat()).isEqualTo(AudioFormats.OPUS);
    assertThat(init.sampleRate()).isEqualTo(16000);
    assertThat(init.binaryFrames()).isFalse();
    assertThat(init.mode()).isEqualTo(SessionInit.MODE_ONE_WAY);
    assertThat(init.protocolVersion()).isEqualTo("1");
    assertThat(init.langA()).isNull();
    assertThat(init.resumeToken()).isNull();
    assertThat(init.lastUtteranceIndex()).isNull();
  }

  @Test
  void clientMessageDefaults() {
    Utterance u =
        (Utterance)
            Messages.parse(
                "{\"type\":\"utterance\",\"session_id\":\"s\",\"utterance_index\":0,\"audio\":\"\"}");
    assertThat(u.manualCut()).isTrue();
    assertThat(u.audio()).isEmpty();
    assertThat(u.audioFormat()).as("the session's format applies").isNull();
    assertThat(u.sampleRate()).isNull();

    AudioChunk c =
        (AudioChunk)
            Messages.parse("{\"type\":\"audio_chunk\",\"session_id\":\"s\",\"seq\":0,\"is_final\":true}");
    assertThat(c.payload()).isNotNull().isEmpty();
    assertThat(c.clientTimestampMs()).isNull();

    SessionClose close =
        (SessionClose) Messages.parse("{\"type\":\"session_close\",\"session_id\":\"s\"}");
    assertThat(close.reason()).isEqualTo(SessionClose.DONE);
  }

  @Test
  void nodeMessageDefaults() {
    NodeHeartbeat hb = (NodeHeartbeat) Messages.parse("{\"type\":\"node_heartbeat\",\"node_id\":\"n\"}");
    assertThat(hb.status()).isEqualTo(NodeHeartbeat.READY);
    assertThat(hb.resourceUsage()).isNull();

    NodeRegister reg =
        (NodeRegister)
            Messages.parse(
                "{\"type\":\"node_register\",\"max_concurrent_jobs\":2,\"language_capabilities\":{}}");
    assertThat(reg.nodeId()).isNull();
    assertThat(reg.languageCapabilities().asrLanguages()).isEmpty();
    assertThat(reg.languageCapabilities().supportedLanguagePairs()).isEmpty();
    assertThat(reg.featuresSupported()).isNull();
    assertThat(reg.supports(NodeRegister.SEMANTIC_REPAIR)).isFalse();

    JobResult r =
        (JobResult)
            Messages.parse(
                "{\"type\":\"job_result\",\"job_id\":\"j\",\"attempt_id\":1,\"node_id\":\"n\",\"success\":true,"
                    + "\"extra\":{\"reason\":\"NO_TEXT_ASSIGNED\"}}");
    assertThat(r.ttsAudio()).isNotNull().isEmpty();
    assertThat(r.extra().languageProbability()).isNull();
    assertThat(r.isNoText()).isTrue();

    ResourceUsage usage =
        ResourceUsage.fromJson(
            new JsonObject().put("cpu_percent", 10).put("mem_percent", 20.5).put("running_jobs", 1));
    assertThat(usage.cpuPercent()).isEqualTo(10.0);
    assertThat(usage.gpuPercent()).isNull();

    JobAssign assign = (JobAssign) Samples.full(JobAssign.TYPE);
    JsonObject minimal = assign.toJson();
    minimal.remove("is_manual_cut");
    minimal.remove("is_timeout_triggered");
    minimal.remove("is_max_duration_triggered");
    minimal.getJsonObject("pipeline").remove("use_semantic");
    JobAssign decoded = JobAssign.fromJson(minimal);
    assertThat(decoded.isManualCut()).isFalse();
    assertThat(decoded.isTimeoutTriggered()).isFalse();
    assertThat(decoded.isMaxDurationTriggered()).isFalse();
    assertThat(decoded.pipeline().useSemantic()).isFalse();
  }

  @Test
  void integralValuesAreRequiredForIntegerFields() {
    String chunk = "{\"type\":\"audio_chunk\",\"session_id\":\"s\",\"is_final\":false,\"seq\":%s}";
    assertThat(((AudioChunk) Messages.parse(chunk.formatted("3.0"))).seq()).isEqualTo(3);
    assertThat(((AudioChunk) Messages.parse(chunk.formatted("4e0"))).seq()).isEqualTo(4);
    assertThat(((AudioChunk) Messages.parse(chunk.formatted("4294967295"))).seq())
        .as("a u32 seq fits")
        .isEqualTo(4294967295L);

    assertBadJson(chunk.formatted("3.5"), "field seq must be an integer");
    assertBadJson(chunk.formatted("1e-3"), "field seq must be an integer");
    assertBadJson(chunk.formatted("18446744073709551616"), "field seq is out of range");
    assertBadJson(chunk.formatted("1e300"), "field seq is out of range");
  }

  @Test
  void intFieldsRejectValuesOutsideIntRange() {
    String cancel = "{\"type\":\"job_cancel\",\"job_id\":\"j\",\"reason\":\"failover\",\"attempt_id\":%s}";
    assertThat(((JobCancel) Messages.parse(cancel.formatted("2147483647"))).attemptId())
        .isEqualTo(Integer.MAX_VALUE);
    assertBadJson(cancel.formatted("2147483648"), "field attempt_id is out of range");
    assertBadJson(cancel.formatted("-2147483649"), "field attempt_id is out of range");
    assertBadJson(cancel.formatted("1.25"), "field attempt_id must be an integer");

    String init = "{\"type\":\"session_init\",\"src_lang\":\"en\",\"tgt_lang\":\"es\",\"sample_rate\":%s}";
    assertBadJson(init.formatted("3e9"), "field sample_rate is out of range");
    assertBadJson(init.formatted("16000.5"), "field sample_rate must be an integer");
  }

  @Test
  void nestedIntegerFieldsAreCheckedToo() {
    JsonObject hb =
        new JsonObject()
            .put("type", "node_heartbeat")
            .put("node_id", "n")
            .put(
                "resource_usage",
                new JsonObject().put("cpu_percent", 1).put("mem_percent", 2).put("running_jobs", 1.5));
    assertThatThrownBy(() -> Messages.decode(hb))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage("field running_jobs must be an integer");
  }

  @Test
  void arrayElementsAreTypeChecked() {
    JsonObject reg =
        new JsonObject()
            .put("type", "node_register")
            .put("max_concurrent_jobs", 1)
            .put("language_capabilities", new JsonObject().put("asr_languages", new JsonArray().add("en").add(5)));
    assertThatThrownBy(() -> Messages.decode(reg))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage("field asr_languages[1] must be a string");

    reg.getJsonObject("language_capabilities")
        .put("asr_languages", new JsonArray())
        .put("supported_language_pairs", new JsonArray().add("en-es"));
    assertThatThrownBy(() -> Messages.decode(reg))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("field supported_language_pairs[0] must be an object");
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base64!", "A", "AA==AA", "-_8=", "AAE=\n"})
  void invalidBase64IsBadAudio(String payload) {
    JsonObject chunk = Samples.full(AudioChunk.TYPE).toJson().put("payload", payload);
    assertThatThrownBy(() -> Messages.decode(chunk))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
        .hasMessage("invalid base64 in payload");
  }

  @Test
  void base64PaddingMayBeLeftOut() {
    JsonObject chunk = Samples.full(AudioChunk.TYPE).toJson().put("payload", "+/8");
    assertThat(AudioChunk.fromJson(chunk).payload()).containsExactly((byte) 0xfb, (byte) 0xff);
  }

  @Test
  void everyAudioFieldReportsItsName() {
    for (String[] typeAndField :
        new String[][] {
          {Utterance.TYPE, "audio"}, {JobAssign.TYPE, "audio"},
          {TranslationResult.TYPE, "tts_audio"}, {JobResult.TYPE, "tts_audio"}
        }) {
      JsonObject json = Samples.full(typeAndField[0]).toJson().put(typeAndField[1], "@@@@");
      assertThatThrownBy(() -> Messages.decode(json))
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_AUDIO))
          .hasMessage("invalid base64 in " + typeAndField[1]);
    }
  }

  private static void assertBadJson(String text, String message) {
    assertThatThrownBy(() -> Messages.parse(text))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_JSON))
        .hasMessage(message);
  }
}
