package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.cli.WordErrorRate;
import dev.parley.codecs.audio.OpusEncoding;
import dev.parley.codecs.audio.Wav;
import dev.parley.testing.Browser;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Real speech through a real scheduler and a real node: Opus from the browser, text, translation and speech back. */
@ExtendWith(VertxExtension.class)
class TranslationEndToEndTest {
  private static final List<String> SENTENCES = List.of(
      "The weather is very nice today.",
      "I would like to buy a ticket to the city.",
      "Please open the window in the kitchen.",
      "My brother works at the hospital.",
      "We are going to the park this afternoon.");
  private static final int CHUNK_MS = 200;
  @Test
  void englishSpeechStreamedAsOpusComesBackRecognisedTranslatedAndSpoken(Vertx vertx) {
    translate(vertx, Map.of(), SENTENCES);
  }

  @Test
  void aTurnOfThreeMaxDurationJobsAndAFinalJobIsAnsweredInOrder(Vertx vertx) {
    List<String> sentences = SENTENCES.subList(0, 3);
    int samples = Speech.sentences(sentences, 800).length;
    assertThat(samples).as("three 3 s jobs and a final one").isBetween(9 * 16_000 + 1, 12 * 16_000);
    List<JsonObject> results = translate(vertx, Map.of("session.maxDurationMs", "3000"), sentences);
    assertThat(results.get(results.size() - 1).getInteger("utterance_index")).isLessThanOrEqualTo(3);
    assertThat(results).extracting(r -> r.getString("turn_id")).containsOnly(results.get(0).getString("turn_id"));
  }

  /** Streams the speech as one turn of Opus chunks, closes the session, and checks every result that came. */
  private static List<JsonObject> translate(Vertx vertx, Map<String, String> settings, List<String> sentences) {
    short[] speech = Speech.sentences(sentences, 800);
    Scheduler s = TestScheduler.start(vertx, settings);
    TestNode.start(vertx, s.port());
    try (Browser b = Browser.connect(vertx, s.port()).start()) {
      OpusEncoding encoder = new OpusEncoding(Speech.SAMPLE_RATE);
      int chunk = CHUNK_MS * Speech.SAMPLE_RATE / 1000;
      long seq = 0;
      for (int at = 0; at < speech.length; at += chunk) {
        short[] piece = java.util.Arrays.copyOfRange(speech, at, Math.min(speech.length, at + chunk));
        sendChunk(b, seq++, encoder.encode(piece), false);
      }
      sendChunk(b, seq, encoder.flush(), true);
      b.peer.send(new JsonObject().put("type", "session_close").put("session_id", b.sessionId).put("reason",
          "done"));

      b.peer.await(f -> "session_close_ack".equals(f.getString("type")), Duration.ofSeconds(60), "the close ack");
      List<JsonObject> results = b.peer.received("translation_result");
      assertThat(b.peer.received("missing_result")).isEmpty();
      assertThat(results).isNotEmpty();
      assertThat(results).extracting(r -> r.getInteger("utterance_index")).isSorted().doesNotHaveDuplicates();
      String heard = results.stream().map(r -> r.getString("text_asr")).collect(Collectors.joining(" "));
      double wer = WordErrorRate.of(String.join(" ", sentences), heard);
      assertThat(wer).as("word error rate of \"%s\"", heard).isLessThanOrEqualTo(0.15);
      for (JsonObject r : results) {
        assertThat(r.getString("text_translated")).isNotBlank();
        Wav.Decoded tts = Wav.read(Base64.getDecoder().decode(r.getString("tts_audio")));
        assertThat(tts.sampleRate()).isEqualTo(16_000);
        assertThat(tts.samples().length).as("speech of \"%s\"", r.getString("text_translated"))
            .isGreaterThan(8_000);
      }
      return results;
    }
  }

  private static void sendChunk(Browser b, long seq, byte[] opus, boolean last) {
    b.peer.send(new JsonObject().put("type", "audio_chunk").put("session_id", b.sessionId).put("seq", seq)
        .put("is_final", last).put("payload", Base64.getEncoder().encodeToString(opus)));
  }
}
