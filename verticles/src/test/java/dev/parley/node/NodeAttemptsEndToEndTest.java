package dev.parley.node;

import static dev.parley.testing.JobFrames.jobId;
import static dev.parley.testing.JobFrames.pcm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.bus.BusCodecs;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.engine.AsrEngine;
import dev.parley.engine.EngineException;
import dev.parley.engine.Engines;
import dev.parley.testing.SchedulerPeer;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Repeated, replaced and cancelled attempts on a real worker node, against a scheduler peer: the node processes each
 * job's audio once, for the attempt it holds, and answers only that attempt.
 */
@ExtendWith(VertxExtension.class)
class NodeAttemptsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static Engines engines;
  private static short[] speech;
  /** The audio of the one-job turn that shows the node has finished what came before. */
  private static short[] quiet;

  @BeforeAll
  static void openEngines() {
    engines = TestNode.engines();
    speech = Speech.sentences(List.of("The weather is very nice today.", "Please open the window in the kitchen."),
        700);
    quiet = Speech.slice(speech, 0, 2500);
  }

  /** The real English recogniser, counting the samples it is given; {@code gate} holds its first call. */
  private static final class CountingAsr implements AsrEngine {
    final AtomicLong samples = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch gate;
    private final AsrEngine real = engines.asrFor("en");

    CountingAsr(CountDownLatch gate) {
      this.gate = gate;
    }

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public Set<String> languages() {
      return Set.of("en");
    }

    @Override
    public String recognise(short[] audio, int sampleRate, String language) throws EngineException {
      if (calls.getAndIncrement() == 0) {
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      samples.addAndGet(audio.length);
      return real.recognise(audio, sampleRate, language);
    }
  }

  private static CountingAsr countingAsr() {
    CountDownLatch open = new CountDownLatch(0);
    return new CountingAsr(open);
  }

  /** A node whose one worker runs engine calls in order, so a later turn's answer comes after an earlier turn's. */
  private static SchedulerPeer startNode(Vertx vertx, AsrEngine asr) {
    BusCodecs.register(vertx.eventBus());
    SchedulerPeer peer = SchedulerPeer.start(vertx);
    Engines with = new Engines(List.of(asr), List.of(engines.mtFor("en", "es")), List.of(engines.ttsFor("es")),
        List.of());
    TestNode.start(vertx, peer.url(), with, Map.of("node.maxJobs", "1", "node.id", "test-node"));
    peer.await(f -> "node_register".equals(f.getString("type")), WAIT, "node_register");
    return peer;
  }

  /** Samples the node recognises for a turn of this audio: every batch the splitter and batcher make of it. */
  private static long recognisedSamples(short[] turn) {
    return Batcher.batch(EnergySplitter.split(turn, Speech.SAMPLE_RATE), Speech.SAMPLE_RATE).stream()
        .mapToLong(Span::length).sum();
  }

  private static short[] concat(short[] a, short[] b) {
    short[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Sends a one-job turn and waits for its answer: the node's one worker has finished everything sent before. */
  private static void awaitQuiet(SchedulerPeer peer, String turnId) {
    peer.send(pcm(turnId, 0, 1, quiet, true));
    peer.await(f -> "job_result".equals(f.getString("type")) && jobId(turnId, 0).equals(f.getString("job_id")),
        WAIT, "the result of turn " + turnId);
  }

  private static List<String> attempts(SchedulerPeer peer, String type, String turnId) {
    return peer.frames(type).stream().filter(f -> f.getString("job_id").startsWith("j-" + turnId + "-"))
        .map(f -> f.getString("job_id") + "@" + f.getInteger("attempt_id")).toList();
  }

  @Test
  void aRepeatedJobAssignIsAcknowledgedAndProcessedOnce(Vertx vertx) {
    short[] first = Speech.slice(speech, 0, 3000);
    short[] second = Speech.slice(speech, 3000, 6000);
    CountingAsr asr = countingAsr();
    try (SchedulerPeer peer = startNode(vertx, asr)) {
      peer.send(pcm("a", 0, 1, first, false));
      peer.send(pcm("a", 0, 1, first, false));
      peer.send(pcm("a", 1, 1, second, true));
      peer.send(pcm("a", 1, 1, second, true));
      peer.awaitCount("job_result", 2, WAIT);
      awaitQuiet(peer, "q");

      assertThat(asr.samples.get()).as("the turn's audio, each job once, and the later turn's")
          .isEqualTo(recognisedSamples(concat(first, second)) + recognisedSamples(quiet));
      assertThat(attempts(peer, "job_ack", "a")).containsExactly("j-a-0@1", "j-a-1@1");
      assertThat(attempts(peer, "job_result", "a")).containsExactlyInAnyOrder("j-a-0@1", "j-a-1@1");
      assertAnsweredWithText(peer, "j-a-");
    }
  }

  @Test
  void aHigherAttemptReplacesTheEarlierOneOfAnOpenTurn(Vertx vertx) {
    short[] first = Speech.slice(speech, 0, 3000);
    short[] second = Speech.slice(speech, 3000, 6000);
    CountingAsr asr = countingAsr();
    try (SchedulerPeer peer = startNode(vertx, asr)) {
      peer.send(pcm("b", 0, 1, first, false));
      peer.await(f -> "job_ack".equals(f.getString("type")), WAIT, "the first attempt's ack");
      peer.send(pcm("b", 0, 2, first, false));
      peer.send(pcm("b", 1, 2, second, true));
      peer.awaitCount("job_result", 2, WAIT);
      peer.send(pcm("b", 0, 1, first, false)); // a late copy of the replaced attempt
      awaitQuiet(peer, "q");

      assertThat(asr.samples.get()).as("the second attempt's turn, without the first attempt's audio")
          .isEqualTo(recognisedSamples(concat(first, second)) + recognisedSamples(quiet));
      assertThat(attempts(peer, "job_ack", "b")).containsExactly("j-b-0@1", "j-b-0@2", "j-b-1@2");
      assertThat(attempts(peer, "job_result", "b")).containsExactlyInAnyOrder("j-b-0@2", "j-b-1@2");
      assertAnsweredWithText(peer, "j-b-");
    }
  }

  @Test
  void aHigherAttemptSilencesTheEarlierOneStillBeingRecognised(Vertx vertx) {
    CountingAsr asr = new CountingAsr(new CountDownLatch(1));
    try (SchedulerPeer peer = startNode(vertx, asr)) {
      short[] turn = Speech.slice(speech, 0, 3000);
      peer.send(pcm("c", 0, 1, turn, true));
      peer.await(f -> "job_ack".equals(f.getString("type")), WAIT, "the first attempt's ack");
      peer.send(pcm("c", 0, 2, turn, true));
      peer.awaitCount("job_ack", 2, WAIT);
      asr.gate.countDown(); // the first attempt's recognition goes on only after the second attempt arrived

      JsonObject result = peer.await(f -> "job_result".equals(f.getString("type")), WAIT, "the job's result");
      awaitQuiet(peer, "q");

      assertThat(result.getInteger("attempt_id")).isEqualTo(2);
      assertThat(result.getString("text_asr")).isNotBlank();
      assertThat(attempts(peer, "job_result", "c")).containsExactly("j-c-0@2");
    }
  }

  @Test
  void aCancelForAnOlderAttemptChangesNothing(Vertx vertx) {
    short[] first = Speech.slice(speech, 0, 3000);
    short[] second = Speech.slice(speech, 3000, 6000);
    try (SchedulerPeer peer = startNode(vertx, countingAsr())) {
      peer.send(pcm("d", 0, 2, first, false));
      peer.await(f -> "job_ack".equals(f.getString("type")), WAIT, "the ack");
      peer.send(new JobCancel(jobId("d", 0), 1, JobCancel.FAILOVER).toJson());
      peer.send(pcm("d", 1, 2, second, true));

      List<JsonObject> results = peer.awaitCount("job_result", 2, WAIT);

      assertThat(results).extracting(r -> r.getString("job_id") + "@" + r.getInteger("attempt_id"))
          .containsExactlyInAnyOrder("j-d-0@2", "j-d-1@2");
      assertThat(results).allSatisfy(r -> assertThat(r.getBoolean("success")).isTrue())
          .anySatisfy(r -> assertThat(r.getString("text_asr")).isNotBlank());
    }
  }

  /** Every result of the jobs whose ids start with {@code prefix} succeeded, and at least one has text. */
  private static void assertAnsweredWithText(SchedulerPeer peer, String prefix) {
    assertThat(peer.frames("job_result")).filteredOn(f -> f.getString("job_id").startsWith(prefix))
        .allSatisfy(r -> assertThat(r.getBoolean("success")).isTrue())
        .anySatisfy(r -> assertThat(r.getString("text_asr")).isNotBlank());
  }

}
