package dev.parley.cli;

import dev.parley.codecs.audio.OpusEncoding;
import dev.parley.codecs.audio.Pcm16;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The browser side of {@code speak}: one session socket that sends {@code session_init}, streams the speech in chunks
 * once the session is acknowledged, the last chunk final, then {@code session_close} (done). Everything it receives
 * goes to {@link #next} for the command's thread, which does all the printing. The socket's work runs on its event
 * loop; {@link #sentSamples} may be read from any thread.
 */
final class SpeakStream {
  static final int SAMPLE_RATE = 16_000;
  /**
   * With {@code --fast}: the audio sent at once, then the pace in times real time. The scheduler allows 4x real time
   * after a 30 s burst (session.audioRateFactor, session.audioBurstMs) and drops a chunk past that, so both stay
   * below it with room for chunks that arrive bunched up.
   */
  static final long FAST_BURST_MS = 20_000;
  static final double FAST_FACTOR = 3.5;

  /** What the command's thread learns from the socket. */
  sealed interface Event {}

  /** A frame from the scheduler. */
  record Received(JsonObject frame) implements Event {}

  /** The final chunk and session_close are written. */
  record AllSent() implements Event {}

  /** The socket closed; {@code cause} is the last socket error, or null. */
  record Closed(String cause) implements Event {}

  private final Vertx vertx;
  private final short[] speech;
  private final SpeakOptions options;
  private final int chunkSamples;
  private final OpusEncoding encoder;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private volatile int sentSamples;
  private volatile WebSocket ws;
  private String sessionId;
  private String lastProblem;
  private long seq;
  private long startedAt;

  /** {@code speech} is mono PCM at {@link #SAMPLE_RATE}, not empty. */
  SpeakStream(Vertx vertx, short[] speech, SpeakOptions options) {
    this.vertx = vertx;
    this.speech = speech;
    this.options = options;
    this.chunkSamples = SAMPLE_RATE * options.chunkMs() / 1000;
    this.encoder = options.codec().equals("opus") ? new OpusEncoding(SAMPLE_RATE) : null;
  }

  /** Opens the socket and sends session_init; fails when the server cannot be reached. */
  Future<Void> connect(WebSocketClient client, WebSocketConnectOptions target) {
    return client.connect(target).map(socket -> {
      // set on the event loop as the socket opens, so no frame arrives before the handlers
      ws = socket;
      ws.textMessageHandler(text -> onFrame(new JsonObject(text)));
      ws.exceptionHandler(e -> lastProblem = e.getMessage());
      ws.closeHandler(v -> events.add(new Closed(lastProblem)));
      ws.writeTextMessage(new JsonObject().put("type", "session_init").put("src_lang", options.src())
          .put("tgt_lang", options.tgt()).put("audio_format", options.codec()).put("sample_rate", SAMPLE_RATE)
          .put("protocol_version", "1").put("client_version", "parley-speak").put("platform", "cli").encode());
      return null;
    });
  }

  /** The next event, or null when none came within {@code timeoutMs}. */
  Event next(long timeoutMs) throws InterruptedException {
    return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  int sentSamples() {
    return sentSamples;
  }

  int totalSamples() {
    return speech.length;
  }

  Future<Void> close() {
    return ws == null || ws.isClosed() ? Future.succeededFuture() : ws.close();
  }

  private void onFrame(JsonObject frame) {
    if ("session_init_ack".equals(frame.getString("type")) && sessionId == null) {
      sessionId = frame.getString("session_id");
      startedAt = System.nanoTime();
      sendDueChunks();
    }
    events.add(new Received(frame));
  }

  /** Sends every chunk whose time has come, then sets a timer for the next one or closes the session. */
  private void sendDueChunks() {
    if (ws.isClosed()) {
      return;
    }
    while (sentSamples < speech.length) {
      int end = Math.min(speech.length, sentSamples + chunkSamples);
      long waitMs = TimeUnit.NANOSECONDS.toMillis(startedAt + dueNanos(end) - System.nanoTime());
      if (waitMs > 0) {
        vertx.setTimer(waitMs, id -> sendDueChunks());
        return;
      }
      sendChunk(sentSamples, end);
    }
    ws.writeTextMessage(new JsonObject().put("type", "session_close").put("session_id", sessionId)
        .put("reason", "done").encode());
    events.add(new AllSent());
  }

  /**
   * When the chunk that ends at sample {@code end} is due, after the stream's start: in real time, once its audio has
   * been spoken, as a microphone would have it; with {@code --fast}, at the pace the rate limit allows.
   */
  private long dueNanos(int end) {
    long audioMs = end * 1000L / SAMPLE_RATE;
    if (!options.fast()) {
      return TimeUnit.MILLISECONDS.toNanos(audioMs);
    }
    return (long) (Math.max(0, audioMs - FAST_BURST_MS) * 1_000_000L / FAST_FACTOR);
  }

  private void sendChunk(int from, int to) {
    short[] piece = Arrays.copyOfRange(speech, from, to);
    boolean last = to == speech.length;
    byte[] payload;
    if (encoder == null) {
      payload = Pcm16.toBytes(piece);
    } else {
      payload = encoder.encode(piece);
      if (last) {
        payload = concat(payload, encoder.flush());
      }
    }
    ws.writeTextMessage(new JsonObject().put("type", "audio_chunk").put("session_id", sessionId).put("seq", seq++)
        .put("is_final", last).put("payload", Base64.getEncoder().encodeToString(payload))
        .put("client_timestamp_ms", System.currentTimeMillis()).encode());
    sentSamples = to;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
