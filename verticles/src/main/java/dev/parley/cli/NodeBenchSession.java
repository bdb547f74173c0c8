package dev.parley.cli;

import dev.parley.codecs.audio.OpusEncoding;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser of the node benchmark: streams real speech as Opus in real time, one chunk per chunk length, one sentence
 * per turn with the turn's last chunk final, then closes the session. Each turn is short enough to be one job, so
 * turn {@code k} is utterance {@code k}; its latency runs from sending its final chunk to receiving its outcome.
 * Everything but the constructor runs on the socket's event loop.
 */
final class NodeBenchSession {
  private final Vertx vertx;
  private final List<short[]> turns;
  private final int chunkSamples;
  private final long chunkNanos;
  private final OpusEncoding encoder;
  private final long[] finalSentAt;
  private final long[] outcomeAt;
  private final String[] heard;
  private final JsonObject[] timings;
  private final Promise<Void> closed = Promise.promise();
  private final Map<String, Integer> errors = new HashMap<>();
  private int missing;
  private int duplicates;
  private WebSocket ws;
  private Context context;
  private String sessionId;
  private long seq;
  private int turn;
  private int chunkInTurn;
  private long startedAt;

  /** {@code turns} are PCM at {@code sampleRate}, each a whole number of chunks. */
  NodeBenchSession(Vertx vertx, List<short[]> turns, int sampleRate, int chunkMs) {
    this.vertx = vertx;
    this.turns = List.copyOf(turns);
    this.chunkSamples = sampleRate * chunkMs / 1000;
    this.chunkNanos = chunkMs * 1_000_000L;
    this.encoder = new OpusEncoding(sampleRate);
    this.finalSentAt = new long[turns.size()];
    this.outcomeAt = new long[turns.size()];
    this.heard = new String[turns.size()];
    this.timings = new JsonObject[turns.size()];
  }

  Future<Void> connect(WebSocketClient client, WebSocketConnectOptions target) {
    return client.connect(target).compose(socket -> {
      ws = socket;
      context = Vertx.currentContext();
      Promise<Void> started = Promise.promise();
      ws.textMessageHandler(text -> onFrame(new JsonObject(text), started));
      ws.closeHandler(v -> closed.tryComplete());
      ws.writeTextMessage(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
          .put("audio_format", "opus").put("sample_rate", 16_000).encode());
      return started.future();
    });
  }

  /** Streams every turn after {@code offsetMs}; completes when the scheduler has closed the session. */
  Future<Void> speak(long offsetMs) {
    context.runOnContext(v -> vertx.setTimer(Math.max(1, offsetMs), id -> {
      startedAt = System.nanoTime();
      sendChunk();
    }));
    return closed.future();
  }

  /** Sends the next chunk and sets the timer for the one after, each due at its place on the stream's clock. */
  private void sendChunk() {
    short[] audio = turns.get(turn);
    int from = chunkInTurn * chunkSamples;
    boolean last = from + chunkSamples >= audio.length;
    byte[] opus = encoder.encode(Arrays.copyOfRange(audio, from, from + chunkSamples));
    ws.writeTextMessage(new JsonObject().put("type", "audio_chunk").put("session_id", sessionId).put("seq", seq++)
        .put("is_final", last).put("payload", Base64.getEncoder().encodeToString(opus)).encode());
    if (last) {
      finalSentAt[turn] = System.nanoTime();
      turn++;
      chunkInTurn = 0;
    } else {
      chunkInTurn++;
    }
    if (turn == turns.size()) {
      ws.writeTextMessage(new JsonObject().put("type", "session_close").put("session_id", sessionId)
          .put("reason", "done").encode());
      return;
    }
    long due = startedAt + seq * chunkNanos;
    vertx.setTimer(Math.max(1, (due - System.nanoTime()) / 1_000_000), id -> sendChunk());
  }

  private void onFrame(JsonObject f, Promise<Void> started) {
    switch (f.getString("type", "")) {
      case "session_init_ack" -> {
        sessionId = f.getString("session_id");
        started.tryComplete();
      }
      case "translation_result" -> {
        if (outcome(f.getInteger("utterance_index"))) {
          int index = f.getInteger("utterance_index");
          heard[index] = f.getString("text_asr", "");
          timings[index] = f.getJsonObject("service_timings", new JsonObject());
        }
      }
      case "missing_result" -> {
        if (outcome(f.getInteger("utterance_index"))) {
          missing++;
        }
      }
      case "session_close_ack" -> closed.tryComplete();
      case "error" -> {
        errors.merge(f.getString("code", "?"), 1, Integer::sum);
        started.tryFail(f.getString("code") + ": " + f.getString("message"));
      }
      default -> { }
    }
  }

  /**
   * Records the outcome of an utterance; false for an outcome beyond one per turn (a second one, or one for an
   * utterance no turn made), which counts as a duplicate.
   */
  private boolean outcome(int index) {
    if (index < 0 || index >= turns.size() || outcomeAt[index] != 0) {
      duplicates++;
      return false;
    }
    outcomeAt[index] = System.nanoTime();
    return true;
  }

  Future<Void> close() {
    return ws == null || ws.isClosed() ? Future.succeededFuture() : ws.close();
  }

  int turnCount() {
    return turns.size();
  }

  /** Milliseconds from the turn's final chunk to its outcome; NaN when it had none. */
  double latencyMs(int turn) {
    return outcomeAt[turn] == 0 ? Double.NaN : (outcomeAt[turn] - finalSentAt[turn]) / 1e6;
  }

  /** The recognised text of the turn; null when it had no translation_result. */
  String heard(int turn) {
    return heard[turn];
  }

  /** The turn's service_timings (asr_ms, nmt_ms, tts_ms); null when it had no translation_result. */
  JsonObject timings(int turn) {
    return timings[turn];
  }

  int missing() {
    return missing;
  }

  int duplicates() {
    return duplicates;
  }

  Map<String, Integer> errors() {
    return errors;
  }
}
