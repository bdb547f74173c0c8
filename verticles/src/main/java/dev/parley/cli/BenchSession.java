package dev.parley.cli;

import dev.parley.codecs.audio.OpusPackets;
import dev.parley.codecs.binary.BinaryAudioFrame;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.BitSet;

/**
 * A simulated browser for the benchmark: streams audio in chunks (in real time, at a set job rate, or as fast as the
 * window of outstanding jobs allows), each job's last chunk marked final, and accounts every outcome it receives.
 */
final class BenchSession {
  private final Vertx vertx;
  private final BenchStats stats;
  private final BenchOptions options;
  private final byte[][] chunkAudio;
  private final String[] chunkPayload;
  private final BitSet outcomes = new BitSet();
  private WebSocket ws;
  private String sessionId;
  private long seq;
  private long nextIndex;
  private int chunkInJob;
  private int outstanding;
  private volatile boolean stopped;
  /** True from a job's first chunk to its last: a stopped session still finishes the job it is sending. */
  private volatile boolean midJob;

  BenchSession(Vertx vertx, BenchStats stats, BenchOptions options) {
    this.vertx = vertx;
    this.stats = stats;
    this.options = options;
    int chunks = (options.audioMs() + options.chunkMs() - 1) / options.chunkMs();
    chunkAudio = new byte[chunks][];
    chunkPayload = new String[chunks];
    for (int i = 0; i < chunks; i++) {
      int ms = Math.min(options.chunkMs(), options.audioMs() - i * options.chunkMs());
      chunkAudio[i] = options.codec().equals("opus") ? OpusPackets.framedSilence(ms) : new byte[ms * 32];
      chunkPayload[i] = Base64.getEncoder().encodeToString(chunkAudio[i]);
    }
  }

  Future<Void> connect(WebSocketClient client, WebSocketConnectOptions target) {
    return client.connect(target).compose(socket -> {
      ws = socket;
      Promise<Void> started = Promise.promise();
      ws.textMessageHandler(text -> onFrame(text, started));
      ws.writeTextMessage(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
          .put("audio_format", options.codec()).put("sample_rate", 16000).put("binary_frames", options.binary())
          .encode());
      return started.future();
    });
  }

  /** Starts streaming after {@code offsetMs}, so sessions do not all send in the same instant. */
  void start(long offsetMs) {
    vertx.setTimer(Math.max(1, offsetMs), id -> {
      if (options.asFastAsPossible()) {
        fillWindow();
      } else {
        long jobPeriodMs = options.rate() > 0
            ? Math.max(options.audioMs(), Math.round(1000.0 * options.sessions() / options.rate()))
            : options.audioMs();
        streamJob(jobPeriodMs);
      }
    });
  }

  void stop() {
    stopped = true;
  }

  /** Stopped, and no job half sent: every job this session will cut has been cut. */
  boolean finished() {
    return stopped && !midJob;
  }

  /** Real time: one chunk every chunk length; a new job every period. */
  private void streamJob(long jobPeriodMs) {
    if (stopped) {
      return;
    }
    long jobStart = System.currentTimeMillis();
    vertx.setPeriodic(0, options.chunkMs(), id -> {
      if (sendChunk()) { // a job is always finished, so every job the bench counts was really cut
        vertx.cancelTimer(id);
        long wait = Math.max(1, jobPeriodMs - (System.currentTimeMillis() - jobStart));
        vertx.setTimer(wait, t -> streamJob(jobPeriodMs));
      }
    });
  }

  /** As fast as possible: whole jobs back to back while fewer than the window are outstanding. */
  private void fillWindow() {
    while (!stopped && outstanding < options.window()) {
      outstanding++;
      boolean last;
      do {
        last = sendChunk();
      } while (!last);
    }
  }

  /** Sends the next chunk of the current job; true when it was the job's last (the cut). */
  private boolean sendChunk() {
    boolean last = chunkInJob == chunkAudio.length - 1;
    midJob = !last;
    if (last) {
      stats.cut(sessionId, nextIndex++);
    }
    if (options.binary()) {
      ws.writeBinaryMessage(BinaryAudioFrame.audio(sessionId, seq++, 0, last, chunkAudio[chunkInJob]).encode());
    } else {
      ws.writeTextMessage("{\"type\":\"audio_chunk\",\"session_id\":\"" + sessionId + "\",\"seq\":" + seq++
          + ",\"is_final\":" + last + ",\"payload\":\"" + chunkPayload[chunkInJob] + "\"}");
    }
    chunkInJob = last ? 0 : chunkInJob + 1;
    return last;
  }

  private void onFrame(String text, Promise<Void> started) {
    JsonObject f = new JsonObject(text);
    switch (f.getString("type")) {
      case "translation_result" -> outcome(f, true);
      case "missing_result" -> outcome(f, false);
      case "ui_event" -> stats.uiEvents.increment();
      case "session_init_ack" -> {
        sessionId = f.getString("session_id");
        started.tryComplete();
      }
      case "error" -> stats.error(f.getString("code"));
      default -> { }
    }
  }

  private void outcome(JsonObject f, boolean delivered) {
    int index = f.getInteger("utterance_index");
    if (outcomes.get(index)) {
      stats.duplicates.increment();
      return;
    }
    outcomes.set(index);
    stats.outcome(f.getString("job_id"), delivered);
    if (options.asFastAsPossible()) {
      outstanding--;
      fillWindow();
    }
  }

  Future<Void> close() {
    return ws == null ? Future.succeededFuture() : ws.close();
  }
}
