package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Scheduler;
import dev.parley.cli.WordErrorRate;
import dev.parley.codecs.audio.Pcm16;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.LocalStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.ParleyProcess;
import dev.parley.testing.Registry;
import dev.parley.testing.Speech;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node process from the fat jar, with its real engines, stopped with SIGTERM while it runs a job: it finishes what
 * it holds, the browser gets one result per job, and the process exits by itself.
 */
@ExtendWith(VertxExtension.class)
class NodeProcessIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final List<String> SENTENCES = List.of(
      "The weather is very nice today.",
      "Please open the window in the kitchen.",
      "My brother works at the hospital.");

  @Test
  void sigtermLetsANodeFinishTheJobsItHoldsAndThenExit(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of(), store);
    try (ParleyProcess node = ParleyProcess.start("node", "node", "--scheduler",
        "ws://127.0.0.1:" + s.port() + "/ws/node", "--engines", "../conf/engines.json", "--set", "node.id=stopping-node",
        "--set", "node.maxJobs=2");
        Browser b = Browser.connect(vertx, s.port()).start(new JsonObject().put("src_lang", "en")
            .put("tgt_lang", "es").put("audio_format", "pcm16"))) {
      try {
        node.awaitLine("registered at", START);
        Registry.awaitCount(store, 1);
        // a first job loads the engines' models
        utterance(b, 0, Speech.say(SENTENCES.get(0)));
        b.peer.await(resultFor(0), START, "translation_result 0");

        utterance(b, 1, Speech.say(SENTENCES.get(1)));
        utterance(b, 2, Speech.say(SENTENCES.get(2)));
        awaitHeld(store, b.sessionId, 2);
        long stoppedAt = System.currentTimeMillis();
        node.terminate();

        // 128 + SIGTERM, as the JVM exits once its shutdown hooks ran
        assertThat(node.awaitExit(Duration.ofSeconds(40))).as("the node's exit status").isEqualTo(143);
        long stoppedMs = System.currentTimeMillis() - stoppedAt;
        System.out.println("node drained and stopped after SIGTERM: " + stoppedMs + " ms");
        assertThat(node.output()).contains("draining to stop").contains("drained");
        for (int i = 1; i <= 2; i++) {
          JsonObject r = b.peer.await(resultFor(i), Duration.ofSeconds(10), "translation_result " + i);
          String heard = r.getString("text_asr");
          assertThat(WordErrorRate.of(SENTENCES.get(i), heard)).as("word error rate of \"%s\"", heard)
              .isLessThanOrEqualTo(0.34);
          assertThat(r.getString("text_translated")).isNotBlank();
          assertThat(Base64.getDecoder().decode(r.getString("tts_audio"))).isNotEmpty();
        }
        b.peer.drain(Duration.ofMillis(300));
        List<Integer> outcomes = b.peer.received().stream()
            .filter(f -> List.of("translation_result", "missing_result").contains(f.getString("type")))
            .map(f -> f.getInteger("utterance_index")).toList();
        assertThat(outcomes).containsExactly(0, 1, 2);
        Registry.awaitCount(store, 0);
      } catch (Exception | AssertionError e) {
        throw new AssertionError("the node printed:\n" + node.output(), e);
      }
    }
  }

  /** One whole utterance of speech as 16 kHz PCM, closing its turn. */
  private static void utterance(Browser b, int index, short[] speech) {
    b.peer.send(new JsonObject().put("type", "utterance").put("session_id", b.sessionId).put("utterance_index", index)
        .put("manual_cut", true).put("audio", Browser.b64(Pcm16.toBytes(speech))));
  }

  /** Waits until the node has acknowledged the job of utterance {@code index}: it holds it from then on. */
  private static void awaitHeld(LocalStore store, String sessionId, int index) {
    long until = System.currentTimeMillis() + START.toMillis();
    while (true) {
      JobInfo job = Await.result(store.jobAt(sessionId, index));
      if (job != null && job.state() == JobState.ACKED) {
        return;
      }
      assertThat(job == null ? null : job.state()).as("job %d held by the node", index)
          .isNotIn(JobState.COMPLETED, JobState.COMPLETED_NO_TEXT, JobState.FAILED, JobState.CANCELLED);
      assertThat(System.currentTimeMillis()).as("job %d acknowledged", index).isLessThan(until);
      Registry.pause();
    }
  }

  private static Predicate<JsonObject> resultFor(int index) {
    return f -> "translation_result".equals(f.getString("type")) && f.getInteger("utterance_index") == index;
  }
}
