package dev.parley.testing;

import dev.parley.codecs.audio.OpusPackets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Frames for one endpoint, from a seed: well-formed messages of the protocol, the same with fields dropped, of the
 * wrong type, holding huge numbers or odd strings, cut short, with garbage after them, deeply nested, not JSON at all,
 * too large, and binary garbage. Each frame says what the server must answer it with when that is certain.
 *
 * <p>It is told what the server said (a session id, the jobs assigned), so its frames reach past the first checks.
 */
public final class FrameFuzzer {
  public enum Endpoint { SESSION, NODE }

  /** What the server certainly answers a frame with; ANY when it depends on the socket's state. */
  public enum Expect { ANY, BAD_JSON, UNKNOWN_TYPE, FRAME_TOO_LARGE }

  /** One message; {@code fragments} above 1 sends it as that many frames. */
  public record Frame(int opcode, byte[] payload, Expect expect, int fragments, String kind) {}

  private static final String FLIPS = "{}[]\":,\\0aZ- ";
  private static final String RAW = "\u0001raw\u0001";
  /** Pairs the fuzzing speaks; a test keeps its good session on a pair outside them. */
  private static final String[] LANGS = {"en", "es", "it", "pt", "zz", "", "EN", "e", "auto", "en-US"};
  private static final String[] RAW_NUMBERS = {"9223372036854775808", "-9223372036854775809", "1e400", "-1e400",
      "1e-400", "1.5", "-0", "0.0000001", "4294967296", "18446744073709551616", "1" + "0".repeat(300), "1E+30"};

  private final Endpoint endpoint;
  private final Random random;
  private final int maxFrameBytes;
  private final String nodeToken;
  private volatile String sessionId;
  private volatile String nodeId;
  private final List<String[]> assigned = new CopyOnWriteArrayList<>();
  private long seq;
  private int utteranceIndex;

  public FrameFuzzer(Endpoint endpoint, long seed, int maxFrameBytes, String nodeToken) {
    this.endpoint = endpoint;
    this.random = new Random(seed);
    this.maxFrameBytes = maxFrameBytes;
    this.nodeToken = nodeToken;
  }

  /** Told for each text message the server sends on the socket this fuzzer feeds. */
  public void heard(JsonObject frame) {
    switch (String.valueOf(frame.getValue("type"))) {
      case "session_init_ack" -> sessionId = frame.getString("session_id");
      case "node_register_ack" -> nodeId = frame.getString("node_id");
      case "job_assign" -> {
        if (assigned.size() < 64) {
          assigned.add(new String[] {frame.getString("job_id"), String.valueOf(frame.getValue("attempt_id"))});
        }
      }
      default -> { }
    }
  }

  /** A new socket: what the server knew of the last one is gone. */
  public void reset() {
    sessionId = null;
    nodeId = null;
    seq = 0;
    utteranceIndex = 0;
  }

  /** A well-formed first message: a session_init or a node_register. */
  public Frame opening() {
    JsonObject m = endpoint == Endpoint.SESSION ? sessionInit() : nodeRegister();
    return text(m.encode(), Expect.ANY, "opening");
  }

  /**
   * A text frame that is not UTF-8: the server closes the socket (1007) without reading it. Were it read, the unknown
   * type {@code marker} would be answered.
   */
  public Frame notUtf8(String marker) {
    byte[] good = new JsonObject().put("type", marker).put("pad", word(8)).encode()
        .getBytes(StandardCharsets.UTF_8);
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
    byte[] b = bad[random.nextInt(bad.length)];
    int at = good.length - 3 - random.nextInt(6); // inside the pad's value
    byte[] out = new byte[good.length + b.length];
    System.arraycopy(good, 0, out, 0, at);
    System.arraycopy(b, 0, out, at, b.length);
    System.arraycopy(good, at, out, at + b.length, good.length - at);
    return new Frame(RawSocket.TEXT, out, Expect.ANY, 1, "invalid-utf8");
  }

  /** A frame the server answers with UNKNOWN_TYPE naming {@code marker}: every frame before it has been answered. */
  public static Frame probe(String marker) {
    return new Frame(RawSocket.TEXT, new JsonObject().put("type", marker).encode().getBytes(StandardCharsets.UTF_8),
        Expect.UNKNOWN_TYPE, 1, "probe");
  }

  public Frame next() {
    int roll = random.nextInt(100);
    if (roll < 14) {
      return text(message().encode(), Expect.ANY, "valid");
    } else if (roll < 40) {
      return text(encode(mutate(message())), Expect.ANY, "mutated");
    } else if (roll < 50) {
      String t = message().encode();
      return text(t.substring(0, random.nextInt(t.length() - 1)), Expect.BAD_JSON, "truncated");
    } else if (roll < 55) {
      return text(message().encode() + tail(), Expect.ANY, "garbage-tail");
    } else if (roll < 60) {
      return text(flipped(message().encode()), Expect.ANY, "flipped");
    } else if (roll < 64) {
      return deep();
    } else if (roll < 68) {
      return text(notAnObject(), Expect.BAD_JSON, "not-an-object");
    } else if (roll < 72) {
      return text(message().put("type", "x-" + word(1 + random.nextInt(12))).encode(), Expect.UNKNOWN_TYPE,
          "unknown-type");
    } else if (roll < 76) {
      return text(foreign().encode(), Expect.ANY, "other-endpoint");
    } else if (roll < 79) {
      return text(badAudio().encode(), Expect.ANY, "bad-base64");
    } else if (roll < 80) {
      JsonObject m = message().put("pad", "p".repeat(maxFrameBytes + random.nextInt(maxFrameBytes)));
      return text(m.encode(), Expect.FRAME_TOO_LARGE, "too-large");
    } else if (roll < 83) {
      String t = message().encode();
      return new Frame(RawSocket.TEXT, t.getBytes(StandardCharsets.UTF_8), Expect.ANY, 2 + random.nextInt(3),
          "fragmented");
    } else {
      return binary();
    }
  }

  // --- well-formed messages ----------------------------------------------------------------------------------------

  private JsonObject message() {
    List<Supplier<JsonObject>> kinds = endpoint == Endpoint.SESSION
        ? List.of(this::sessionInit, this::chunk, this::chunk, this::chunk, this::utterance, this::utterance,
            this::heartbeat, this::playback, this::sessionClose)
        : List.of(this::nodeRegister, this::nodeHeartbeat, this::nodeHeartbeat, this::jobReport, this::jobReport,
            this::jobResult, this::jobResult, this::jobResult, this::asrPartial, this::nodeError);
    return kinds.get(random.nextInt(kinds.size())).get();
  }

  private JsonObject foreign() {
    List<Supplier<JsonObject>> kinds = endpoint == Endpoint.SESSION
        ? List.of(this::nodeRegister, this::jobResult, this::jobReport, this::serverFrame)
        : List.of(this::sessionInit, this::chunk, this::utterance, this::serverFrame);
    return kinds.get(random.nextInt(kinds.size())).get();
  }

  private JsonObject sessionInit() {
    JsonObject m = new JsonObject().put("type", "session_init").put("src_lang", lang()).put("tgt_lang", lang());
    if (random.nextInt(3) > 0) {
      m.put("src_lang", "en").put("tgt_lang", "es");
    }
    if (random.nextBoolean()) {
      m.put("audio_format", random.nextInt(4) == 0 ? "pcm16" : "opus");
      m.put("sample_rate", random.nextInt(4) == 0 ? 8000 + random.nextInt(50000) : 16000);
    }
    if (random.nextInt(3) == 0) {
      m.put("binary_frames", true);
    }
    if (random.nextInt(6) == 0) {
      m.put("mode", "two_way_auto").put("src_lang", "auto").put("lang_a", lang()).put("lang_b", lang());
    }
    if (random.nextInt(8) == 0) {
      m.put("resume_token", word(24)).put("last_utterance_index", random.nextInt(5) - 1);
    }
    if (random.nextInt(4) == 0) {
      m.put("trace_id", word(8)).put("protocol_version", "1").put("client_version", word(3)).put("dialect", null)
          .put("features", new JsonObject()).put("tenant_id", null);
    }
    return m;
  }

  private JsonObject chunk() {
    return new JsonObject().put("type", "audio_chunk").put("session_id", session()).put("seq", nextSeq())
        .put("is_final", random.nextInt(5) == 0).put("payload", b64(audio()))
        .put("client_timestamp_ms", System.currentTimeMillis());
  }

  private JsonObject utterance() {
    JsonObject m = new JsonObject().put("type", "utterance").put("session_id", session())
        .put("utterance_index", random.nextInt(6) == 0 ? random.nextInt(10) - 2 : utteranceIndex++)
        .put("audio", b64(audio()));
    if (random.nextBoolean()) {
      m.put("manual_cut", random.nextBoolean());
    }
    if (random.nextInt(4) == 0) {
      m.put("src_lang", lang()).put("tgt_lang", lang()).put("audio_format", "opus").put("sample_rate", 16000);
    }
    return m;
  }

  private JsonObject heartbeat() {
    return new JsonObject().put("type", "client_heartbeat").put("session_id", session())
        .put("timestamp", System.currentTimeMillis());
  }

  private JsonObject playback() {
    return new JsonObject().put("type", random.nextBoolean() ? "tts_started" : "tts_play_ended")
        .put("session_id", session()).put("group_id", word(6)).put("ts_start_ms", random.nextInt(100000))
        .put("ts_end_ms", random.nextInt(100000));
  }

  private JsonObject sessionClose() {
    return new JsonObject().put("type", "session_close").put("session_id", session())
        .put("reason", pick("done", "abort", "later", ""));
  }

  private JsonObject serverFrame() {
    return new JsonObject().put("type", pick("translation_result", "session_init_ack", "job_assign", "job_cancel",
            "node_control", "error", "missing_result", "ui_event", "server_heartbeat", "node_register_ack"))
        .put("session_id", session()).put("job_id", word(8)).put("code", "INTERNAL").put("attempt_id", 1);
  }

  private JsonObject nodeRegister() {
    JsonArray pairs = new JsonArray();
    for (int i = random.nextInt(4); i >= 0; i--) {
      pairs.add(new JsonObject().put("src", i == 0 ? "en" : lang()).put("tgt", i == 0 ? "es" : lang()));
    }
    JsonObject m = new JsonObject().put("type", "node_register").put("token", nodeToken)
        .put("max_concurrent_jobs", random.nextInt(6))
        .put("language_capabilities", new JsonObject().put("supported_language_pairs", pairs)
            .put("asr_languages", new JsonArray().add("en")).put("tts_languages", new JsonArray().add("es")));
    if (random.nextInt(3) > 0) {
      m.put("node_id", "fuzz-" + word(6));
    }
    if (random.nextBoolean()) {
      m.put("version", word(4)).put("platform", "linux")
          .put("features_supported", new JsonObject().put("semantic_repair", random.nextBoolean()));
    }
    return m;
  }

  private JsonObject nodeHeartbeat() {
    return new JsonObject().put("type", "node_heartbeat").put("node_id", node())
        .put("timestamp", System.currentTimeMillis()).put("status", pick("ready", "degraded", "draining", "asleep"))
        .put("resource_usage", new JsonObject().put("cpu_percent", random.nextDouble() * 100)
            .put("mem_percent", random.nextInt(101)).put("running_jobs", random.nextInt(8)));
  }

  private JsonObject jobReport() {
    String[] job = job();
    return new JsonObject().put("type", random.nextBoolean() ? "job_ack" : "job_started").put("job_id", job[0])
        .put("attempt_id", attempt(job)).put("node_id", node()).put("session_id", word(8));
  }

  private JsonObject jobResult() {
    String[] job = job();
    boolean success = random.nextInt(4) > 0;
    JsonObject m = new JsonObject().put("type", "job_result").put("job_id", job[0]).put("attempt_id", attempt(job))
        .put("node_id", node()).put("success", success);
    if (success) {
      m.put("text_asr", word(random.nextInt(30))).put("text_translated", word(random.nextInt(30)));
      if (random.nextBoolean()) {
        m.put("tts_audio", b64(bytes(random.nextInt(200)))).put("tts_format", pick("wav", "mp3", ""));
      }
      if (random.nextInt(4) == 0) {
        m.put("extra", new JsonObject().put("reason", pick("NO_TEXT_ASSIGNED", "ASR_EMPTY", "WHY"))
            .put("language_probability", random.nextDouble()));
      }
      m.put("processing_time_ms", random.nextInt(5000))
          .put("service_timings", new JsonObject().put("asr_ms", 1).put("nmt_ms", 2).put("tts_ms", 3));
    } else {
      m.put("error", new JsonObject().put("code", pick("ASR_FAILED", "BAD_AUDIO", "")).put("message", word(10)));
    }
    return m;
  }

  private JsonObject asrPartial() {
    return new JsonObject().put("type", "asr_partial").put("job_id", job()[0]).put("node_id", node())
        .put("session_id", word(8)).put("utterance_index", random.nextInt(5)).put("text", word(12))
        .put("is_final", random.nextBoolean());
  }

  private JsonObject nodeError() {
    return new JsonObject().put("type", "node_error").put("node_id", node()).put("code", word(5))
        .put("message", word(20));
  }

  // --- mutations ---------------------------------------------------------------------------------------------------

  /** Raw values are kept as markers and spliced into the encoded text, as JSON numbers no Java value encodes to. */
  private final List<String> raws = new ArrayList<>();

  private JsonObject mutate(JsonObject m) {
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      List<String> names = new ArrayList<>(m.fieldNames());
      if (names.isEmpty()) {
        m.put(word(3), oddValue());
        continue;
      }
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(5)) {
        case 0 -> m.remove(name);
        case 1, 2 -> m.put(name, oddValue());
        case 3 -> m.put(word(1 + random.nextInt(10)), oddValue());
        default -> {
          if (m.getValue(name) instanceof JsonObject inner && !inner.isEmpty()) {
            mutate(inner);
          } else {
            m.put(name, oddValue());
          }
        }
      }
    }
    return m;
  }

  private Object oddValue() {
    return switch (random.nextInt(16)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> -1;
      case 3 -> Long.MAX_VALUE;
      case 4 -> Long.MIN_VALUE;
      case 5 -> Integer.MAX_VALUE + 1L;
      case 6 -> random.nextDouble() * 1e300;
      case 7 -> raw(RAW_NUMBERS[random.nextInt(RAW_NUMBERS.length)]);
      case 8 -> new JsonArray().add(1).add("two").addNull();
      case 9 -> new JsonObject().put("nested", new JsonObject().put("deeper", word(3)));
      case 10 -> "x".repeat(random.nextInt(5000));
      case 11 -> "ñ中文🙂\t\n\"\\";
      case 12 -> raw("\"\\ud800\\udfff\\ud800\"");
      case 13 -> raw("\"\\u0000\"");
      case 14 -> nested(1 + random.nextInt(200), random.nextBoolean());
      default -> word(random.nextInt(40));
    };
  }

  private String raw(String text) {
    raws.add(text);
    return RAW + (raws.size() - 1);
  }

  private String encode(JsonObject m) {
    String text = m.encode();
    for (int i = raws.size() - 1; i >= 0; i--) {
      text = text.replace("\"" + RAW.replace("\u0001", "\\u0001") + i + "\"", raws.get(i));
    }
    raws.clear();
    return text;
  }

  private static Object nested(int depth, boolean arrays) {
    Object v = "bottom";
    for (int i = 0; i < depth; i++) {
      v = arrays ? new JsonArray().add(v) : new JsonObject().put("d", v);
    }
    return v;
  }

  /** Nesting past what the parser takes, or left open: never a JSON object the server can read. */
  private Frame deep() {
    int depth = 1001 + random.nextInt(20000);
    String open = random.nextBoolean() ? "[" : "{\"a\":";
    StringBuilder t = new StringBuilder("{\"type\":\"audio_chunk\",\"x\":");
    t.append(open.repeat(depth)).append('1');
    if (random.nextBoolean()) {
      t.append((open.equals("[") ? "]" : "}").repeat(depth)).append('}');
    }
    return text(t.toString(), Expect.BAD_JSON, "deep");
  }

  private String notAnObject() {
    return pick("[]", "[1,2,3]", "1", "-0.5e7", "\"text\"", "null", "true", "{", "}", "{{}}", "{\"type\"}",
        "{\"type\":}", "{'type':'session_init'}", "{type:session_init}", "\uFEFF", "NaN", "{\"a\":1,}",
        "[{\"type\":\"session_init\"}]", "{\"type\":\"session_init\"", "\"\\ud800", "{\"type\":\"x\\q\"}");
  }

  private String tail() {
    return pick("}", "]", ",", "garbage", "{}", " {\"type\":\"x\"}", "\u0000", "\\", "\"");
  }

  private String flipped(String text) {
    char[] c = text.toCharArray();
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      c[random.nextInt(c.length)] = FLIPS.charAt(random.nextInt(FLIPS.length()));
    }
    return new String(c);
  }

  private JsonObject badAudio() {
    String bad = pick("%%%", "QUJD=", "A", "====", "QUJD\n", "QU JD", "-_-_", "Q", "QUJDRA==QUJD", "😀");
    if (endpoint == Endpoint.SESSION) {
      return (random.nextBoolean() ? chunk().put("payload", bad) : utterance().put("audio", bad));
    }
    return jobResult().put("success", true).put("tts_audio", bad);
  }

  // --- binary frames -----------------------------------------------------------------------------------------------

  private Frame binary() {
    byte[] sid = session().getBytes(StandardCharsets.UTF_8);
    byte[] out = switch (random.nextInt(6)) {
      case 0 -> bytes(random.nextInt(300));
      case 1 -> audioFrame(sid, bytes(random.nextInt(400)));
      case 2 -> audioFrame(sid, opusGarbage());
      case 3 -> {
        ByteBuffer b = ByteBuffer.allocate(10 + sid.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 2).put((byte) sid.length).putInt((int) nextSeq()).putInt(random.nextInt()).put(sid);
        yield b.array();
      }
      case 4 -> {
        byte[] f = audioFrame(sid, OpusPackets.framedSilence(20 * (1 + random.nextInt(5))));
        f[1] = (byte) random.nextInt(256); // a session id length that does not fit
        yield f;
      }
      default -> {
        byte[] f = audioFrame(sid, OpusPackets.framedSilence(20));
        byte[] cut = new byte[random.nextInt(f.length)];
        System.arraycopy(f, 0, cut, 0, cut.length);
        yield cut;
      }
    };
    return new Frame(RawSocket.BINARY, out,
        endpoint == Endpoint.NODE ? Expect.UNKNOWN_TYPE : Expect.ANY, 1, "binary");
  }

  private byte[] audioFrame(byte[] sid, byte[] audio) {
    ByteBuffer b = ByteBuffer.allocate(12 + sid.length + audio.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 1).put((byte) sid.length).putInt((int) nextSeq()).putInt(random.nextInt(100000))
        .put((byte) (random.nextInt(4) == 0 ? 1 : 0)).put((byte) 0).put(sid).put(audio);
    return b.array();
  }

  /** Length-prefixed packets whose content is not Opus, or whose prefixes lie. */
  private byte[] opusGarbage() {
    ByteBuffer b = ByteBuffer.allocate(2000).order(ByteOrder.LITTLE_ENDIAN);
    for (int n = 1 + random.nextInt(8); n > 0 && b.remaining() > 300; n--) {
      int len = random.nextInt(250);
      b.putShort((short) (random.nextInt(10) == 0 ? 60000 : len)).put(bytes(len));
    }
    byte[] out = new byte[b.position()];
    b.flip().get(out);
    return out;
  }

  private byte[] audio() {
    return switch (random.nextInt(5)) {
      case 0 -> new byte[0];
      case 1 -> opusGarbage();
      case 2 -> bytes(random.nextInt(300));
      default -> OpusPackets.framedSilence(20 * (1 + random.nextInt(10)));
    };
  }

  // --- values ------------------------------------------------------------------------------------------------------

  private Frame text(String text, Expect expect, String kind) {
    return new Frame(RawSocket.TEXT, text.getBytes(StandardCharsets.UTF_8), expect, 1, kind);
  }

  private String session() {
    String s = sessionId;
    return s != null && random.nextInt(6) > 0 ? s : pick("nobody", "", word(36));
  }

  private String node() {
    String n = nodeId;
    return n != null && random.nextInt(6) > 0 ? n : pick("fuzz-other", "", word(12));
  }

  private String[] job() {
    if (!assigned.isEmpty() && random.nextInt(3) > 0) {
      return assigned.get(random.nextInt(assigned.size()));
    }
    return new String[] {word(16), "1"};
  }

  private long attempt(String[] job) {
    long a = Long.parseLong(job[1]);
    return random.nextInt(3) > 0 ? a : a + random.nextInt(5) - 2;
  }

  private long nextSeq() {
    return random.nextInt(8) == 0 ? random.nextInt(10) - 3 : seq++;
  }

  private String lang() {
    return LANGS[random.nextInt(LANGS.length)];
  }

  private String word(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
