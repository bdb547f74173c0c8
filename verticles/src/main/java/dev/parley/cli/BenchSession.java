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
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;

/**
 * A simulated browser for the benchmark: streams audio in chunks (in real time, at a set job rate, or as fast as the
 * window of outstanding jobs allows), each job's last chunk marked final, and accounts every outcome it receives.
 * When its socket is lost it resumes the session on the next scheduler of its list, as a browser does: with its
 * resume token and the last outcome it has, then sends again every chunk after the ack's {@code last_seq}.
 */
final class BenchSession {
  /** How long a session waits before it tries the next scheduler, after one refused it or could not be reached. */
  private static final long RETRY_MS = 200;
  private final Vertx vertx;
  private final BenchStats stats;
  private final BenchOptions options;
  private final byte[][] chunkAudio;
  private final String[] chunkPayload;
  private final BitSet outcomes = new BitSet();
  /** Chunks sent whose job has no outcome yet: what a resume may have to send again. */
  private final ArrayDeque<Sent> unsettled = new ArrayDeque<>();
  private WebSocketClient client;
  private List<WebSocketConnectOptions> targets;
  private int target;
  private WebSocket ws;
  /** False from a lost socket until the session's resume is acknowledged: chunks wait in {@link #unsettled}. */
  private boolean connected;
  private boolean closing;
  private long lostAtNanos;
  private String sessionId;
  private String resumeToken;
  private long seq;
  private long nextIndex;
  private int chunkInJob;
  private int outstanding;
  /** When the next job of a session streaming in real time is due to start. */
  private long nextJobAtMs;
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

  private record Sent(long seq, int chunk, long jobIndex) {}

  /** Starts the session on the first of targets; the others are where it resumes when a socket is lost. */
  Future<Void> connect(WebSocketClient client, List<WebSocketConnectOptions> targets) {
    this.client = client;
    this.targets = targets;
    return open(init());
  }

  private JsonObject init() {
    return new JsonObject().put("src_lang", "en").put("tgt_lang", "es").put("audio_format", options.codec())
        .put("sample_rate", 16000).put("binary_frames", options.binary());
  }

  private Future<Void> open(JsonObject init) {
    return client.connect(targets.get(target)).compose(socket -> {
      synchronized (this) {
        ws = socket;
      }
      Promise<Void> started = Promise.promise();
      ws.textMessageHandler(text -> onFrame(text, started));
      ws.closeHandler(v -> onLost(socket));
      ws.writeTextMessage(init.put("type", "session_init").encode());
      return started.future();
    });
  }

  /** A socket closed that the bench did not close: the scheduler went away. */
  private synchronized void onLost(WebSocket socket) {
    if (closing || socket != ws) {
      return;
    }
    if (connected) {
      connected = false;
      lostAtNanos = System.nanoTime();
      resume();
    } else {
      vertx.setTimer(RETRY_MS, id -> resume()); // the socket of a resume, refused: the next scheduler, in a while
    }
  }

  /** Resumes on the next target, trying them in turn until one takes the session. */
  private synchronized void resume() {
    target = (target + 1) % targets.size();
    open(init().put("resume_token", resumeToken).put("last_utterance_index", outcomes.length() - 1))
        .onFailure(e -> vertx.setTimer(RETRY_MS, id -> resume()));
  }

  /** Starts streaming after {@code offsetMs}, so sessions do not all send in the same instant. */
  void start(long offsetMs) {
    vertx.setTimer(Math.max(1, offsetMs), id -> {
      if (options.asFastAsPossible()) {
        fillWindow();
      } else {
        nextJobAtMs = System.currentTimeMillis();
        streamJob(options.jobPeriodMs());
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

  /**
   * Real time: one chunk every chunk length; a new job every period, on a fixed schedule from the session's start. A
   * job that starts late (the bench's own loop held up) does not move the ones after it, and a period it missed whole
   * is skipped, as a speaker would: timed from each late start instead, the sessions held up together would go on
   * cutting their jobs together, in bursts several times the mean rate.
   */
  private void streamJob(long jobPeriodMs) {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    do {
      nextJobAtMs += jobPeriodMs;
    } while (nextJobAtMs <= now);
    vertx.setPeriodic(0, options.chunkMs(), id -> {
      if (sendChunk()) { // a job is always finished, so every job the bench counts was really cut
        vertx.cancelTimer(id);
        vertx.setTimer(Math.max(1, nextJobAtMs - System.currentTimeMillis()), t -> streamJob(jobPeriodMs));
      }
    });
  }

  /** As fast as possible: whole jobs back to back while fewer than the window are outstanding. */
  private synchronized void fillWindow() {
    while (!stopped && outstanding < options.window()) {
      outstanding++;
      boolean last;
      do {
        last = sendChunk();
      } while (!last);
    }
  }

  /** Sends the next chunk of the current job (once connected); true when it was the job's last (the cut). */
  private synchronized boolean sendChunk() {
    boolean last = chunkInJob == chunkAudio.length - 1;
    midJob = !last;
    Sent chunk = new Sent(seq++, chunkInJob, nextIndex);
    if (last) {
      stats.cut(sessionId, nextIndex++);
    }
    unsettled.addLast(chunk);
    if (connected) {
      write(chunk);
    }
    chunkInJob = last ? 0 : chunkInJob + 1;
    return last;
  }

  private void write(Sent chunk) {
    boolean last = chunk.chunk() == chunkAudio.length - 1;
    if (options.binary()) {
      ws.writeBinaryMessage(BinaryAudioFrame.audio(sessionId, chunk.seq(), 0, last, chunkAudio[chunk.chunk()])
          .encode());
    } else {
      ws.writeTextMessage("{\"type\":\"audio_chunk\",\"session_id\":\"" + sessionId + "\",\"seq\":" + chunk.seq()
          + ",\"is_final\":" + last + ",\"payload\":\"" + chunkPayload[chunk.chunk()] + "\"}");
    }
  }

  private synchronized void onFrame(String text, Promise<Void> started) {
    JsonObject f = new JsonObject(text);
    switch (f.getString("type")) {
      case "translation_result" -> outcome(f, true);
      case "missing_result" -> outcome(f, false);
      case "ui_event" -> stats.uiEvents.increment();
      case "session_init_ack" -> {
        if (resumeToken != null) {
          resumed(f.getLong("last_seq", -1L));
        }
        sessionId = f.getString("session_id");
        resumeToken = f.getString("resume_token");
        connected = true;
        started.tryComplete();
      }
      case "error" -> stats.error(f.getString("code"));
      default -> { }
    }
  }

  /** The session goes on here: every chunk after the last one the scheduler holds is sent again, in order. */
  private void resumed(long lastSeq) {
    stats.resumed((System.nanoTime() - lostAtNanos) / 1000);
    for (Sent chunk : unsettled) {
      if (chunk.seq() > lastSeq) {
        write(chunk);
      }
    }
  }

  private void outcome(JsonObject f, boolean delivered) {
    int index = f.getInteger("utterance_index");
    if (outcomes.get(index)) {
      stats.duplicates.increment();
      return;
    }
    outcomes.set(index);
    if (!delivered) {
      // a missing result with no job id is one for an index the scheduler made no job for
      stats.error("missing:" + f.getString("reason") + (f.getString("job_id") == null ? ":no_job" : ""));
    }
    while (!unsettled.isEmpty() && outcomes.get((int) unsettled.peekFirst().jobIndex())) {
      unsettled.removeFirst();
    }
    stats.outcome(f.getString("job_id"), delivered);
    if (options.asFastAsPossible()) {
      outstanding--;
      fillWindow();
    }
  }

  synchronized Future<Void> close() {
    closing = true;
    return ws == null ? Future.succeededFuture() : ws.close();
  }
}
