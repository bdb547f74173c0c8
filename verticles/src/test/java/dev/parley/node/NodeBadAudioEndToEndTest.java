package dev.parley.node;

import static dev.parley.testing.JobFrames.jobId;
import static dev.parley.testing.JobFrames.pcm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.audio.OpusEncoding;
import dev.parley.codecs.audio.Pcm16;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.testing.JobFrames;
import dev.parley.testing.SchedulerPeer;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Audio a real worker node cannot decode, against a scheduler peer: the job is answered {@code success: false} with
 * {@code BAD_AUDIO}, and the other jobs of its turn, and other turns, are answered as usual.
 */
@ExtendWith(VertxExtension.class)
class NodeBadAudioEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static short[] speech;

  @BeforeAll
  static void makeSpeech() {
    TestNode.engines();
    speech = Speech.sentences(List.of("The weather is very nice today.", "Please open the window in the kitchen.",
        "My brother works at the hospital."), 700);
  }

  private static SchedulerPeer startNode(Vertx vertx) {
    BusCodecs.register(vertx.eventBus());
    SchedulerPeer peer = SchedulerPeer.start(vertx);
    TestNode.start(vertx, peer.url(), TestNode.engines(), Map.of("node.maxJobs", "2", "node.id", "test-node"));
    peer.await(f -> "node_register".equals(f.getString("type")), WAIT, "node_register");
    return peer;
  }

  private static Map<String, JsonObject> byJob(List<JsonObject> results) {
    Map<String, JsonObject> out = new HashMap<>();
    for (JsonObject r : results) {
      assertThat(out.put(r.getString("job_id"), r)).as("a second job_result for " + r.getString("job_id")).isNull();
    }
    return out;
  }

  private static void assertBadAudio(JsonObject result) {
    assertThat(result.getBoolean("success")).isFalse();
    assertThat(result.getString("node_id")).isEqualTo("test-node");
    assertThat(result.getJsonObject("error").getString("code")).isEqualTo("BAD_AUDIO");
    assertThat(result.getJsonObject("error").getString("message")).isNotBlank();
    assertThat(result.getString("text_asr")).isNull();
  }

  private static void assertText(JsonObject result) {
    assertThat(result.getBoolean("success")).isTrue();
    assertThat(result.getString("text_asr")).isNotBlank();
    assertThat(result.getString("text_translated")).isNotBlank();
  }

  @Test
  void aTruncatedOpusJobFailsWhileItsTurnsFirstJobAndAnotherTurnGetTheirText(Vertx vertx) {
    OpusEncoding encoder = new OpusEncoding(Speech.SAMPLE_RATE);
    short[] first = Speech.slice(speech, 0, 3000);
    byte[] firstOpus = encoder.encode(first);
    byte[] rest = encoder.encode(Speech.slice(speech, 3000, 6000));
    byte[] truncated = Arrays.copyOf(rest, rest.length - 7); // the last packet shorter than its length prefix says
    try (SchedulerPeer peer = startNode(vertx)) {
      peer.send(JobFrames.job("a", 0, 1, firstOpus, "opus", 3000, false));
      peer.send(pcm("b", 0, 1, Speech.slice(speech, 6000, 9500), true));
      peer.send(JobFrames.job("a", 1, 1, truncated, "opus", 3000, true));

      Map<String, JsonObject> results = byJob(peer.awaitCount("job_result", 3, WAIT));

      assertText(results.get(jobId("a", 0)));
      assertBadAudio(results.get(jobId("a", 1)));
      assertThat(results.get(jobId("a", 1)).getInteger("attempt_id")).isEqualTo(1);
      assertText(results.get(jobId("b", 0)));
    }
  }

  @Test
  void anOddLengthPcmJobInTheMiddleOfATurnFailsAlone(Vertx vertx) {
    byte[] odd = Arrays.copyOf(Pcm16.toBytes(Speech.slice(speech, 3000, 4000)), 32_001);
    try (SchedulerPeer peer = startNode(vertx)) {
      peer.send(pcm("c", 0, 1, Speech.slice(speech, 0, 3000), false));
      peer.send(JobFrames.job("c", 1, 1, odd, "pcm16", 1000, false));
      peer.send(pcm("c", 2, 1, Speech.slice(speech, 4000, 9000), true));

      Map<String, JsonObject> results = byJob(peer.awaitCount("job_result", 3, WAIT));

      assertBadAudio(results.get(jobId("c", 1)));
      assertThat(List.of(results.get(jobId("c", 0)), results.get(jobId("c", 2))))
          .allSatisfy(r -> assertThat(r.getBoolean("success")).isTrue())
          .anySatisfy(r -> assertThat(r.getString("text_asr")).isNotBlank());
    }
  }

  @Test
  void aTurnOfOnlyBadAudioIsAnsweredWithTheFailureAlone(Vertx vertx) {
    byte[] garbage = {0x05, 0x00, 0x01, 0x02}; // a packet of 5 bytes with 2 present
    try (SchedulerPeer peer = startNode(vertx)) {
      peer.send(JobFrames.job("d", 0, 1, garbage, "opus", 20, true));
      peer.send(pcm("e", 0, 1, Speech.slice(speech, 0, 3000), true));

      Map<String, JsonObject> results = byJob(peer.awaitCount("job_result", 2, WAIT));

      assertBadAudio(results.get(jobId("d", 0)));
      assertText(results.get(jobId("e", 0)));
    }
  }
}
