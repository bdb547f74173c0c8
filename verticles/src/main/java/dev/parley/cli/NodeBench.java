package dev.parley.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import dev.parley.Scheduler;
import dev.parley.codecs.audio.OpusDecoding;
import dev.parley.codecs.audio.OpusEncoding;
import dev.parley.codecs.audio.Wav;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.config.ParleyConfig;
import dev.parley.engine.AsrEngine;
import dev.parley.engine.EngineConfig;
import dev.parley.engine.Engines;
import dev.parley.engine.MtEngine;
import dev.parley.engine.TtsEngine;
import dev.parley.node.BatchOwnership;
import dev.parley.node.Batcher;
import dev.parley.node.EnergySplitter;
import dev.parley.node.Span;
import dev.parley.node.Worker;
import dev.parley.store.LocalStore;
import dev.parley.store.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * {@code parley.jar bench --node}: a real node's costs, printed as one JSON line. On the CPU alone: splitting a minute
 * of speech into batches, and Opus decoding. With the installed engines: their real-time factors, then end-to-end
 * latency through an in-process scheduler and node, with browsers streaming real speech (made by flite) in real time
 * over real sockets, and the word error rate of what Parley recognised against the same recogniser on the unsplit
 * audio.
 */
public final class NodeBench {
  private static final int SAMPLE_RATE = 16_000;
  private static final int CHUNK_MS = 200;
  /** Silence before each sentence and the pause after it (rounded up to whole chunks). */
  private static final int LEAD_MS = 200;
  private static final int PAUSE_MS = 300;
  private static final int SPLIT_AUDIO_S = 60;
  private static final int SPLIT_JOBS = 4;
  private static final int SPLIT_WARMUP_RUNS = 50;
  private static final int SPLIT_RUNS = 200;
  private static final int DECODE_WARMUP_RUNS = 5;
  private static final int DECODE_RUNS = 20;
  /** How long after its last turn's audio a session may take to deliver the rest and close. */
  private static final Duration DRAIN = Duration.ofSeconds(60);
  private static final String SRC = "en";
  private static final String TGT = "es";
  /** Numbers are spelled out, as the recogniser writes them, so the word error rate counts only real errors. */
  static final List<String> SENTENCES = List.of(
      "Could you tell me where the nearest train station is?",
      "I would like a table for two by the window, please.",
      "The meeting has been moved to three thirty on Thursday afternoon.",
      "My sister lives in a small house near the river.",
      "Please turn off the lights when you leave the office.",
      "We need two pounds of tomatoes and a bottle of olive oil.",
      "The weather will be cold and windy for the rest of the week.",
      "How much does it cost to send this letter to Spain?",
      "He has been working at the hospital for twenty five years.",
      "Can you help me carry these boxes up to the second floor?",
      "The children are playing football in the park after school.",
      "I left my keys on the kitchen table this morning.",
      "Our flight leaves at seven fifteen, so we should go to bed early.",
      "There is a beautiful old church in the center of the town.",
      "Do you know a good doctor who speaks English?",
      "She bought a red dress and a pair of black shoes.");
  static final int DEFAULT_SENTENCES = 10;

  /** The node benchmark's options. */
  record Options(List<Integer> sessionsList, int sentences) {

    static Options parse(List<String> args) {
      List<Integer> sessionsList = List.of(1, 2, 4);
      int sentences = DEFAULT_SENTENCES;
      for (int i = 0; i < args.size(); i++) {
        String flag = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String v = args.get(++i);
        switch (flag) {
          case "--sessions-list" -> sessionsList = Stream.of(v.split(",")).map(String::trim)
              .map(Integer::parseInt).toList();
          case "--sentences" -> sentences = Integer.parseInt(v);
          default -> throw new IllegalArgumentException("unknown option " + flag + " for bench --node");
        }
      }
      if (sessionsList.isEmpty() || sessionsList.stream().anyMatch(n -> n < 1)) {
        throw new IllegalArgumentException("--sessions-list holds positive session counts, e.g. 1,2,4");
      }
      if (sentences < 1 || sentences > SENTENCES.size()) {
        throw new IllegalArgumentException("--sentences is 1 to " + SENTENCES.size());
      }
      return new Options(sessionsList, sentences);
    }
  }

  /** What the engines made of the sentences one at a time, with their real-time factors. */
  private record EngineRun(JsonObject rtf, List<String> heard) {}

  /** One session of an end-to-end run and the sentences it spoke, in order. */
  private record Conversation(NodeBenchSession peer, List<String> sentences) {}

  /** The end-to-end runs: latencies per session count, the word error rate through Parley, every turn accounted. */
  private record EndToEnd(JsonObject latency, double wer, JsonObject accounting) {}

  private NodeBench() {}

  public static void main(List<String> args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Path log = logToFile();
    Path speechDir = Files.createTempDirectory("parley-node-bench");
    try {
      System.out.println(run(options, speechDir).put("log", log.toString()).encode());
    } finally {
      try (Stream<Path> files = Files.walk(speechDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static JsonObject run(Options options, Path speechDir) throws Exception {
    int processors = Runtime.getRuntime().availableProcessors();
    Map<String, String> settings = Map.of("server.port", "0", "node.maxJobs", String.valueOf(processors));
    ParleyConfig config = ConfigLoader.load(null, Map.of(), settings);
    List<String> sentences = SENTENCES.subList(0, options.sentences());
    List<short[]> turns = turns(speechDir, sentences);
    long longestMs = turns.stream().mapToLong(t -> t.length * 1000L / SAMPLE_RATE).max().orElse(0);
    if (longestMs >= config.session().maxDurationMs()) {
      // a longer turn would be cut into several jobs, and turn k would no longer be utterance k
      throw new IllegalStateException("a turn lasts " + longestMs + " ms, session.maxDurationMs is "
          + config.session().maxDurationMs());
    }
    short[] minute = repeatedTo(turns, SPLIT_AUDIO_S * SAMPLE_RATE);
    JsonObject out = new JsonObject().put("mode", "node")
        .put("split_ms", splitting(minute))
        .put("opus_decode_x_realtime", opusDecodingSpeed(minute));
    try (Engines engines = Engines.open(EngineConfig.read(config.node().engines()), config.node().concurrency())) {
      AsrEngine asr = engines.asrFor(SRC);
      MtEngine mt = engines.mtFor(SRC, TGT);
      TtsEngine tts = engines.ttsFor(TGT);
      if (asr == null || mt == null || tts == null) {
        throw new IllegalStateException("the node cannot serve " + SRC + ">" + TGT + " " + engines.problems()
            + "; install the engines with scripts/install-engines.sh");
      }
      EngineRun alone = engineRun(asr, mt, tts, sentences, turns);
      String reference = String.join(" ", sentences);
      String unsplit = asr.recognise(concatenated(turns), SAMPLE_RATE, SRC);
      EndToEnd e2e = endToEnd(config, engines, options, sentences, turns);
      double whole = WordErrorRate.of(reference, unsplit);
      out.put("rtf", alone.rtf()).put("latency_ms", e2e.latency())
          .put("wer", new JsonObject()
              .put("parley", BenchPercentiles.rounded(e2e.wer()))
              .put("unsplit", BenchPercentiles.rounded(whole))
              .put("difference_points", Math.round((e2e.wer() - whole) * 1000) / 10.0)
              .put("sentence_by_sentence", BenchPercentiles.rounded(WordErrorRate.of(reference,
                  String.join(" ", alone.heard()))))
              .put("reference_words", WordErrorRate.words(reference).size()))
          .mergeIn(e2e.accounting());
    }
    long speechMs = turns.stream().mapToLong(t -> t.length * 1000L / SAMPLE_RATE).sum();
    return out.put("options", new JsonObject().put("sessions_list", options.sessionsList())
        .put("sentences", options.sentences())
        .put("turn_s_mean", BenchPercentiles.rounded((double) speechMs / turns.size() / 1000))
        .put("chunk_ms", CHUNK_MS).put("max_jobs", config.node().concurrency()));
  }

  /** Each sentence spoken by flite (kal16, 16 kHz) after a short silence and before a pause, in whole chunks. */
  private static List<short[]> turns(Path dir, List<String> sentences) throws IOException, InterruptedException {
    int chunk = CHUNK_MS * SAMPLE_RATE / 1000;
    List<short[]> turns = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      Path wav = dir.resolve("sentence-" + i + ".wav");
      Process flite = new ProcessBuilder("flite", "-voice", "kal16", "-t", sentences.get(i), "-o", wav.toString())
          .redirectErrorStream(true).start();
      String said = new String(flite.getInputStream().readAllBytes());
      if (!flite.waitFor(30, TimeUnit.SECONDS) || flite.exitValue() != 0) {
        throw new IllegalStateException("flite failed (is it installed?): " + said);
      }
      Wav.Decoded speech = Wav.read(Files.readAllBytes(wav));
      if (speech.sampleRate() != SAMPLE_RATE) {
        throw new IllegalStateException("flite made " + speech.sampleRate() + " Hz, not " + SAMPLE_RATE);
      }
      int lead = LEAD_MS * SAMPLE_RATE / 1000;
      int length = lead + speech.samples().length + PAUSE_MS * SAMPLE_RATE / 1000;
      short[] turn = new short[(length + chunk - 1) / chunk * chunk];
      System.arraycopy(speech.samples(), 0, turn, lead, speech.samples().length);
      turns.add(turn);
    }
    return turns;
  }

  /** The turns one after another, again and again, cut at {@code samples}. */
  private static short[] repeatedTo(List<short[]> turns, int samples) {
    short[] out = new short[samples];
    for (int at = 0, t = 0; at < samples; t = (t + 1) % turns.size()) {
      short[] turn = turns.get(t);
      int n = Math.min(turn.length, samples - at);
      System.arraycopy(turn, 0, out, at, n);
      at += n;
    }
    return out;
  }

  private static short[] concatenated(List<short[]> turns) {
    return repeatedTo(turns, turns.stream().mapToInt(t -> t.length).sum());
  }

  /** What the node does to a flushed turn before recognition: split, batch, assign the batches to the jobs. */
  private static JsonObject splitting(short[] audio) {
    int jobSamples = audio.length / SPLIT_JOBS;
    List<Span> jobs = new ArrayList<>();
    for (int j = 0; j < SPLIT_JOBS; j++) {
      jobs.add(new Span(j * jobSamples, j == SPLIT_JOBS - 1 ? audio.length : (j + 1) * jobSamples));
    }
    int pieces = 0;
    int batches = 0;
    for (int i = 0; i < SPLIT_WARMUP_RUNS; i++) {
      batches = BatchOwnership.owners(Batcher.batch(EnergySplitter.split(audio, SAMPLE_RATE), SAMPLE_RATE), jobs)
          .length;
    }
    double[] ms = new double[SPLIT_RUNS];
    for (int i = 0; i < SPLIT_RUNS; i++) {
      long t0 = System.nanoTime();
      List<Span> split = EnergySplitter.split(audio, SAMPLE_RATE);
      int[] owners = BatchOwnership.owners(Batcher.batch(split, SAMPLE_RATE), jobs);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      pieces = split.size();
      batches = owners.length;
    }
    return new BenchPercentiles(ms).toJson().put("audio_s", audio.length / SAMPLE_RATE).put("jobs", SPLIT_JOBS)
        .put("pieces", pieces).put("batches", batches);
  }

  /** Seconds of audio one thread decodes per second, on fresh decoders as the node uses one per turn. */
  private static double opusDecodingSpeed(short[] audio) {
    byte[] opus = OpusEncoding.encode(audio, SAMPLE_RATE);
    for (int i = 0; i < DECODE_WARMUP_RUNS; i++) {
      OpusDecoding.decodeAll(opus, SAMPLE_RATE);
    }
    long samples = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < DECODE_RUNS; i++) {
      samples += OpusDecoding.decodeAll(opus, SAMPLE_RATE).length;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return Math.round((double) samples / SAMPLE_RATE / seconds * 10) / 10.0;
  }

  /** Each engine on each sentence, one call at a time on this thread, after a first call that warms it. */
  private static EngineRun engineRun(AsrEngine asr, MtEngine mt, TtsEngine tts, List<String> sentences,
      List<short[]> turns) throws Exception {
    asr.recognise(turns.get(0), SAMPLE_RATE, SRC);
    List<String> heard = new ArrayList<>();
    long asrNanos = 0;
    long audioSamples = 0;
    for (short[] turn : turns) {
      long t0 = System.nanoTime();
      heard.add(asr.recognise(turn, SAMPLE_RATE, SRC));
      asrNanos += System.nanoTime() - t0;
      audioSamples += turn.length;
    }
    mt.translate(sentences.get(0), SRC, TGT);
    List<String> translated = new ArrayList<>();
    long mtNanos = 0;
    for (String sentence : sentences) {
      long t0 = System.nanoTime();
      translated.add(mt.translate(sentence, SRC, TGT));
      mtNanos += System.nanoTime() - t0;
    }
    tts.synthesise(translated.get(0), TGT);
    long ttsNanos = 0;
    long spokenSamples = 0;
    for (String text : translated) {
      long t0 = System.nanoTime();
      byte[] wav = tts.synthesise(text, TGT);
      ttsNanos += System.nanoTime() - t0;
      spokenSamples += Wav.read(wav).samples().length;
    }
    JsonObject rtf = new JsonObject()
        .put("asr", BenchPercentiles.rounded(asrNanos / 1e9 / ((double) audioSamples / SAMPLE_RATE)))
        .put("mt_ms_per_sentence", BenchPercentiles.rounded(mtNanos / 1e6 / sentences.size()))
        .put("tts", BenchPercentiles.rounded(ttsNanos / 1e9 / ((double) spokenSamples / TtsEngine.SAMPLE_RATE)))
        .put("engines", new JsonObject().put("asr", asr.name()).put("mt", mt.name()).put("tts", tts.name()));
    return new EngineRun(rtf, heard);
  }

  /**
   * A scheduler and a node in this process, then for each session count that many browsers speaking every sentence
   * (each from another one, so they do not speak in step).
   */
  private static EndToEnd endToEnd(ParleyConfig config, Engines engines, Options options, List<String> sentences,
      List<short[]> turns) throws Exception {
    int processors = Runtime.getRuntime().availableProcessors();
    Vertx server = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(processors));
    Vertx browsers = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
    try {
      BusCodecs.register(server.eventBus());
      LocalStore store = new LocalStore();
      Scheduler scheduler = Scheduler.deploy(server, config, store).await(30, TimeUnit.SECONDS);
      Map<String, String> nodeSettings = Map.of("server.port", "0",
          "node.maxJobs", String.valueOf(config.node().concurrency()),
          "node.scheduler", "ws://127.0.0.1:" + scheduler.port() + "/ws/node");
      Worker.deploy(server, ConfigLoader.load(null, Map.of(), nodeSettings), engines).await(30, TimeUnit.SECONDS);
      awaitNode(store, NodeInfo.pair(SRC, TGT), Duration.ofSeconds(30));
      WebSocketClient client = browsers.createWebSocketClient(new WebSocketClientOptions()
          .setMaxFrameSize(16 << 20).setMaxMessageSize(16 << 20));
      WebSocketConnectOptions target = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(scheduler.port())
          .setURI("/ws/session");
      // one turn through every verticle first, so the first measured turn does not pay for loading classes
      converse(browsers, client, target, 1, sentences.subList(0, 1), turns.subList(0, 1));
      JsonObject latency = new JsonObject();
      StringBuilder reference = new StringBuilder();
      StringBuilder heard = new StringBuilder();
      int turnCount = 0;
      int lost = 0;
      int missing = 0;
      int duplicates = 0;
      Map<String, Integer> errors = new HashMap<>();
      for (int sessions : options.sessionsList()) {
        List<Double> ms = new ArrayList<>();
        List<Long> asrMs = new ArrayList<>();
        List<Long> mtMs = new ArrayList<>();
        List<Long> ttsMs = new ArrayList<>();
        for (Conversation c : converse(browsers, client, target, sessions, sentences, turns)) {
          NodeBenchSession peer = c.peer();
          for (int t = 0; t < peer.turnCount(); t++) {
            turnCount++;
            double latencyMs = peer.latencyMs(t);
            if (Double.isNaN(latencyMs)) {
              lost++;
            } else {
              ms.add(latencyMs);
            }
            JsonObject timings = peer.timings(t);
            if (timings != null) {
              asrMs.add(timings.getLong("asr_ms", 0L));
              mtMs.add(timings.getLong("nmt_ms", 0L));
              ttsMs.add(timings.getLong("tts_ms", 0L));
            }
            reference.append(c.sentences().get(t)).append(' ');
            heard.append(peer.heard(t) == null ? "" : peer.heard(t)).append(' ');
          }
          missing += peer.missing();
          duplicates += peer.duplicates();
          peer.errors().forEach((code, n) -> errors.merge(code, n, Integer::sum));
        }
        latency.put(String.valueOf(sessions), BenchPercentiles.of(ms).toJson()
            .put("asr_ms_p50", BenchPercentiles.rounded(BenchPercentiles.of(asrMs).at(50)))
            .put("mt_ms_p50", BenchPercentiles.rounded(BenchPercentiles.of(mtMs).at(50)))
            .put("tts_ms_p50", BenchPercentiles.rounded(BenchPercentiles.of(ttsMs).at(50))));
      }
      return new EndToEnd(latency, WordErrorRate.of(reference.toString(), heard.toString()), new JsonObject()
          .put("turns", turnCount).put("lost", lost).put("missing", missing).put("duplicates", duplicates)
          .put("errors", new JsonObject(new HashMap<>(errors))));
    } finally {
      // the node stops before the engines it uses are closed
      browsers.close().await(30, TimeUnit.SECONDS);
      server.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** {@code sessions} browsers speaking the turns in real time, each starting at another sentence; all closed. */
  private static List<Conversation> converse(Vertx vertx, WebSocketClient client, WebSocketConnectOptions target,
      int sessions, List<String> sentences, List<short[]> turns) throws Exception {
    List<Conversation> conversations = new ArrayList<>();
    try {
      List<Future<Void>> connected = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        int first = i * turns.size() / sessions;
        NodeBenchSession peer = new NodeBenchSession(vertx, rotated(turns, first), SAMPLE_RATE, CHUNK_MS);
        conversations.add(new Conversation(peer, rotated(sentences, first)));
        connected.add(peer.connect(client, target));
      }
      Future.all(connected).await(30, TimeUnit.SECONDS);
      List<Future<Void>> closed = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        closed.add(conversations.get(i).peer().speak((long) i * CHUNK_MS / sessions));
      }
      long speechMs = turns.stream().mapToLong(t -> t.length * 1000L / SAMPLE_RATE).sum();
      try {
        Future.join(closed).await(speechMs + DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // the turns without an outcome by now count as lost
      }
    } finally {
      List<Future<Void>> closing = new ArrayList<>();
      conversations.forEach(c -> closing.add(c.peer().close()));
      Future.join(closing).await(30, TimeUnit.SECONDS);
    }
    return conversations;
  }

  private static <T> List<T> rotated(List<T> list, int first) {
    List<T> out = new ArrayList<>(list.subList(first, list.size()));
    out.addAll(list.subList(0, first));
    return out;
  }

  /** Waits until a node serving the pair has registered: sessions started before would find none. */
  private static void awaitNode(LocalStore store, String pair, Duration within) throws Exception {
    long until = System.nanoTime() + within.toNanos();
    while (store.nodes().await(5, TimeUnit.SECONDS).stream().noneMatch(n -> n.serves(pair))) {
      if (System.nanoTime() > until) {
        throw new IllegalStateException("no node serving " + pair + " registered within " + within);
      }
      Thread.sleep(50); // registration is a handshake on another socket: nothing to await but the store
    }
  }

  /**
   * Sends this process's log (the scheduler's and the node's) to a file, as the other benchmark's scheduler does:
   * standard output carries only the JSON line.
   */
  private static Path logToFile() {
    Path file = Path.of(System.getProperty("java.io.tmpdir"), "parley-node-bench.log");
    LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} %msg%n");
    encoder.start();
    FileAppender<ILoggingEvent> appender = new FileAppender<>();
    appender.setContext(context);
    appender.setFile(file.toString());
    appender.setAppend(false);
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.detachAndStopAllAppenders();
    root.addAppender(appender);
    return file;
  }
}
