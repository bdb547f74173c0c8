package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.audio.Pcm16;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.NodeControl;
import dev.parley.codecs.protocol.Pipeline;
import dev.parley.engine.AsrEngine;
import dev.parley.engine.EngineException;
import dev.parley.engine.Engines;
import dev.parley.testing.Await;
import dev.parley.testing.SchedulerPeer;
import dev.parley.testing.TestNode;
import dev.parley.testing.Speech;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real worker node (aggregator, link, pocketsphinx, apertium, espeak-ng) against a scheduler peer over a real
 * socket: the peer sends job_assign frames and reads every job_ack and job_result the node writes.
 */
@ExtendWith(VertxExtension.class)
class AggregatorEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final List<String> SENTENCES = List.of(
      "The weather is very nice today.",
      "I would like to buy a ticket to the city.",
      "Please open the window in the kitchen.",
      "My brother works at the hospital.");
  private static Engines engines;
  private static short[] speech;

  @BeforeAll
  static void openEngines() {
    engines = TestNode.engines();
    speech = Speech.sentences(SENTENCES, 700);
  }

  private static SchedulerPeer startNode(Vertx vertx, Engines with, int maxJobs) {
    return startNode(vertx, with, maxJobs, 10_000);
  }

  private static SchedulerPeer startNode(Vertx vertx, Engines with, int maxJobs, long resultTtlMs) {
    BusCodecs.register(vertx.eventBus());
    SchedulerPeer peer = SchedulerPeer.start(vertx);
    TestNode.start(vertx, peer.url(), with, Map.of("node.maxJobs", String.valueOf(maxJobs), "node.id", "test-node",
        "node.resultTtlMs", String.valueOf(resultTtlMs)));
    peer.await(f -> "node_register".equals(f.getString("type")), WAIT, "node_register");
    return peer;
  }

  /** A PCM16 job of the turn covering {@code [fromMs, toMs)} of the speech. */
  private static JsonObject job(String turnId, int segment, short[] audio, boolean last) {
    long ms = audio.length * 1000L / Speech.SAMPLE_RATE;
    return new JobAssign("j-" + turnId + "-" + segment, 1, "s-1", segment, turnId, segment, "en", "es",
        new Pipeline(true, true, true, false), Pcm16.toBytes(audio), "pcm16", Speech.SAMPLE_RATE, ms, last, false,
        !last, "t-" + turnId, null).toJson();
  }

  private static List<short[]> cut(short[] samples, long... boundariesMs) {
    List<short[]> jobs = new ArrayList<>();
    long from = 0;
    for (long to : boundariesMs) {
      jobs.add(Speech.slice(samples, from, to));
      from = to;
    }
    jobs.add(Speech.slice(samples, from, Long.MAX_VALUE / Speech.SAMPLE_RATE));
    return jobs;
  }

  private static List<Span> ranges(List<short[]> jobs) {
    List<Span> out = new ArrayList<>();
    int at = 0;
    for (short[] j : jobs) {
      out.add(new Span(at, at + j.length));
      at += j.length;
    }
    return out;
  }

  private static short[] concat(List<short[]> jobs) {
    short[] out = new short[jobs.stream().mapToInt(j -> j.length).sum()];
    int at = 0;
    for (short[] j : jobs) {
      System.arraycopy(j, 0, out, at, j.length);
      at += j.length;
    }
    return out;
  }

  private static Map<String, JsonObject> resultsByJob(List<JsonObject> results) {
    Map<String, JsonObject> out = new HashMap<>();
    for (JsonObject r : results) {
      assertThat(out.put(r.getString("job_id"), r)).as("a second job_result for " + r.getString("job_id")).isNull();
    }
    return out;
  }

  /** What a test's recogniser does with a batch of 16 kHz English speech. */
  @FunctionalInterface
  private interface Recognition {
    String recognise(short[] samples) throws EngineException;
  }

  /** An English recogniser for a test: a real one wrapped to fail or wait, as the test needs. */
  private static AsrEngine englishAsr(String name, Recognition recognition) {
    return new AsrEngine() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Set<String> languages() {
        return Set.of("en");
      }

      @Override
      public String recognise(short[] samples, int sampleRate, String language) throws EngineException {
        return recognition.recognise(samples);
      }
    };
  }

  private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aTurnOfThreeMaxDurationJobsAndAFinalJobGetsExactlyOneResultPerJob(Vertx vertx) {
    try (SchedulerPeer peer = startNode(vertx, engines, 2)) {
      List<short[]> jobs = cut(speech, 3000, 6000, 9000);
      int[] owners = BatchOwnership.owners(
          Batcher.batch(EnergySplitter.split(concat(jobs), Speech.SAMPLE_RATE), Speech.SAMPLE_RATE), ranges(jobs));
      boolean[] owns = BatchOwnership.ownsAny(owners, jobs.size());
      assertThat(owns).as("this speech leaves a job with no batch").contains(false);

      for (int i = 0; i < jobs.size(); i++) {
        peer.send(job("a", i, jobs.get(i), i == jobs.size() - 1));
      }

      assertThat(peer.awaitCount("job_ack", 4, WAIT)).extracting(f -> f.getString("job_id"))
          .containsExactly("j-a-0", "j-a-1", "j-a-2", "j-a-3");
      Map<String, JsonObject> results = resultsByJob(peer.awaitCount("job_result", 4, WAIT));
      for (int i = 0; i < jobs.size(); i++) {
        JsonObject r = results.get("j-a-" + i);
        assertThat(r.getBoolean("success")).isTrue();
        assertThat(r.getInteger("attempt_id")).isEqualTo(1);
        assertThat(r.getString("node_id")).isEqualTo("test-node");
        if (owns[i]) {
          assertThat(r.getString("text_asr")).as("job %d text", i).isNotBlank();
          assertThat(r.getString("text_translated")).as("job %d translation", i).isNotBlank();
          assertThat(Base64.getDecoder().decode(r.getString("tts_audio"))).as("job %d speech", i).isNotEmpty();
          assertThat(r.getJsonObject("service_timings").getLong("asr_ms")).isPositive();
        } else {
          assertThat(r.getJsonObject("extra").getString("reason")).isEqualTo("NO_TEXT_ASSIGNED");
          assertThat(r.getString("text_asr")).isEmpty();
        }
      }
      // a later turn's answer shows nothing more came for this one
      peer.send(job("b", 0, Speech.slice(speech, 0, 2500), true));
      peer.await(f -> "j-b-0".equals(f.getString("job_id")) && "job_result".equals(f.getString("type")), WAIT,
          "the next turn's result");
      assertThat(peer.frames("job_result")).hasSize(5);
    }
  }

  @Test
  void anAsrFailureOnOneBatchStillAnswersWithTheOtherBatchesText(Vertx vertx) {
    short[] turn = Speech.slice(speech, 0, 9000);
    List<Span> batches = Batcher.batch(EnergySplitter.split(turn, Speech.SAMPLE_RATE), Speech.SAMPLE_RATE);
    assertThat(batches).as("the turn makes several batches").hasSizeGreaterThanOrEqualTo(2);
    int failing = batches.get(batches.size() - 1).length();
    AsrEngine real = engines.asrFor("en");
    AsrEngine failsSecondBatch = englishAsr("fails-on-second-batch", samples -> {
      if (samples.length == failing) {
        throw new EngineException("decoder failure on this batch");
      }
      return real.recognise(samples, Speech.SAMPLE_RATE, "en");
    });
    Engines withFailure = new Engines(List.of(failsSecondBatch), List.of(engines.mtFor("en", "es")),
        List.of(engines.ttsFor("es")), List.of());
    String othersText = Await.result(vertx.executeBlocking(() -> {
      List<String> texts = new ArrayList<>();
      for (Span b : batches.subList(0, batches.size() - 1)) {
        texts.add(real.recognise(java.util.Arrays.copyOfRange(turn, b.start(), b.end()), Speech.SAMPLE_RATE, "en"));
      }
      return String.join(" ", texts);
    }));
    try (SchedulerPeer peer = startNode(vertx, withFailure, 2)) {
      peer.send(job("f", 0, turn, true));

      JsonObject r = peer.awaitCount("job_result", 1, WAIT).get(0);
      assertThat(r.getBoolean("success")).isTrue();
      assertThat(TextStage.process(othersText, null)).isNotEmpty().isEqualTo(r.getString("text_asr"));
    }
  }

  @Test
  void aJobWhoseEveryBatchFailsAnswersFailure(Vertx vertx) {
    AsrEngine broken = englishAsr("broken", samples -> {
      throw new EngineException("no decoder");
    });
    Engines withFailure = new Engines(List.of(broken), List.of(engines.mtFor("en", "es")), List.of(), List.of());
    try (SchedulerPeer peer = startNode(vertx, withFailure, 1)) {
      peer.send(job("x", 0, Speech.slice(speech, 0, 3000), true));

      JsonObject r = peer.awaitCount("job_result", 1, WAIT).get(0);
      assertThat(r.getBoolean("success")).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo(AggregatorVerticle.ASR_FAILED);
    }
  }

  @Test
  void aJobWhoseRecognitionOutlivesTheResultDeadlineIsAnsweredOnceAtTheDeadline(Vertx vertx) {
    AsrEngine real = engines.asrFor("en");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AsrEngine stuck = englishAsr("stuck", samples -> {
      awaitUninterruptibly(release); // held until the deadline has answered the job
      return real.recognise(samples, Speech.SAMPLE_RATE, "en");
    });
    Engines slow = new Engines(List.of(stuck), List.of(engines.mtFor("en", "es")), List.of(), List.of());
    try (SchedulerPeer peer = startNode(vertx, slow, 1, 300)) {
      peer.send(job("h", 0, Speech.slice(speech, 0, 3000), true));

      JsonObject r = peer.awaitCount("job_result", 1, WAIT).get(0);
      assertThat(r.getBoolean("success")).isFalse();
      assertThat(r.getJsonObject("error").getString("code")).isEqualTo(AggregatorVerticle.RESULT_TIMEOUT);
      release.countDown();
      // the one worker runs the late recognition first, then the next turn
      peer.send(job("i", 0, Speech.slice(speech, 0, 2500), true));
      peer.await(f -> "j-i-0".equals(f.getString("job_id")) && "job_result".equals(f.getString("type")), WAIT,
          "the next turn's result");
      assertThat(peer.frames("job_result")).extracting(f -> f.getString("job_id")).containsExactly("j-h-0", "j-i-0");
    }
  }

  @Test
  void aTurnStillBeingAnsweredWhenTheLinkDropsSendsNothingAfterTheReconnect(Vertx vertx) {
    AsrEngine real = engines.asrFor("en");
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AsrEngine held = englishAsr("held", samples -> {
      awaitUninterruptibly(release); // held until the link has dropped and come back
      return real.recognise(samples, Speech.SAMPLE_RATE, "en");
    });
    Engines slow = new Engines(List.of(held), List.of(engines.mtFor("en", "es")), List.of(), List.of());
    try (SchedulerPeer peer = startNode(vertx, slow, 1)) {
      peer.send(job("r", 0, Speech.slice(speech, 0, 3000), true));
      peer.awaitCount("job_ack", 1, WAIT);

      peer.dropNode();
      peer.awaitCount("node_register", 2, WAIT);
      release.countDown();
      // the one worker finishes the dropped turn's recognition first, then the next turn
      peer.send(job("s", 0, Speech.slice(speech, 0, 2500), true));
      peer.await(f -> "j-s-0".equals(f.getString("job_id")) && "job_result".equals(f.getString("type")), WAIT,
          "the next turn's result");
      assertThat(peer.frames("job_result")).extracting(f -> f.getString("job_id")).containsExactly("j-s-0");
    }
  }

  @Test
  void aCancelledTurnSendsNoResultForTheCancelledAttempt(Vertx vertx) {
    try (SchedulerPeer peer = startNode(vertx, engines, 1)) {
      List<short[]> jobs = cut(Speech.slice(speech, 0, 9000), 4000);
      peer.send(job("c", 0, jobs.get(0), false));
      peer.send(job("c", 1, jobs.get(1), true));
      peer.awaitCount("job_ack", 2, WAIT);
      peer.send(new JobCancel("j-c-1", 1, JobCancel.JOB_TIMEOUT).toJson());
      // one worker runs engine calls in order: once the next turn is answered, the cancelled one's work is done
      peer.send(job("d", 0, Speech.slice(speech, 0, 2500), true));

      peer.await(f -> "j-d-0".equals(f.getString("job_id")) && "job_result".equals(f.getString("type")), WAIT,
          "the next turn's result");
      assertThat(peer.frames("job_result")).extracting(f -> f.getString("job_id")).containsExactly("j-d-0");
    }
  }

  @Test
  void aDrainingNodeFinishesItsOpenTurnAndRefusesANewOne(Vertx vertx) {
    try (SchedulerPeer peer = startNode(vertx, engines, 2)) {
      List<short[]> jobs = cut(Speech.slice(speech, 0, 6000), 3000);
      peer.send(job("e", 0, jobs.get(0), false));
      peer.awaitCount("job_ack", 1, WAIT);
      peer.send(new NodeControl(NodeControl.DRAIN, "maintenance").toJson());
      peer.await(f -> "node_heartbeat".equals(f.getString("type")) && "draining".equals(f.getString("status")),
          WAIT, "a draining heartbeat");
      peer.send(job("e", 1, jobs.get(1), true));
      peer.send(job("g", 0, Speech.slice(speech, 0, 2000), true));

      Map<String, JsonObject> results = resultsByJob(peer.awaitCount("job_result", 3, WAIT));
      assertThat(results.get("j-g-0").getBoolean("success")).isFalse();
      assertThat(results.get("j-g-0").getJsonObject("error").getString("code"))
          .isEqualTo(AggregatorVerticle.DRAINING);
      assertThat(results.get("j-e-0").getBoolean("success")).isTrue();
      assertThat(results.get("j-e-1").getBoolean("success")).isTrue();
    }
  }

  @Test
  void aNodeWhoseLinkDropsReconnectsUnderTheSameId(Vertx vertx) {
    try (SchedulerPeer peer = startNode(vertx, engines, 1)) {
      peer.dropNode();

      peer.awaitCount("node_register", 2, WAIT);
      assertThat(peer.frames("node_register")).extracting(f -> f.getString("node_id"))
          .containsExactly("test-node", "test-node");
      JsonObject register = peer.frames("node_register").get(1);
      assertThat(register.getJsonObject("language_capabilities").getJsonArray("supported_language_pairs"))
          .contains(new JsonObject().put("src", "en").put("tgt", "es"));
      assertThat(register.getInteger("max_concurrent_jobs")).isEqualTo(1);
    }
  }
}
