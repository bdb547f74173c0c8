package dev.parley.cli;

import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.audio.Wav;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code parley.jar speak FILE.wav --src en --tgt es}: streams a WAV file to a scheduler as a browser streams its
 * microphone, and prints each result to stdout as it arrives, one line per utterance in utterance order:
 * {@code [0] en: Hello world. | es: Hola mundo.}, or {@code [3] missing: job_timeout}. A progress line and the
 * server's errors go to stderr. See {@link SpeakOptions#USAGE} for the options and exit codes.
 */
public final class Speak {
  public static final int OK = 0;
  public static final int MISSING = 1;
  public static final int BAD_ARGUMENTS = 2;
  public static final int ABNORMAL_END = 3;

  /** A translation_result carries its speech, far larger than the frames a browser sends. */
  private static final int MAX_FRAME_BYTES = 16 << 20;
  private static final Duration CONNECT_DEADLINE = Duration.ofSeconds(10);
  private static final Duration INIT_DEADLINE = Duration.ofSeconds(30);
  /** From the last chunk to session_close_ack: time for the node to answer the last turn. */
  private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(120);
  private static final long PROGRESS_TICK_MS = 200;

  private final SpeakOptions options;
  private final PrintStream out;
  private final PrintStream err;
  private final SpeakProgress progress;
  private int results;
  private int missing;
  private long lastIndex = -1;

  private Speak(SpeakOptions options, PrintStream out, PrintStream err, SpeakProgress progress) {
    this.options = options;
    this.out = out;
    this.err = err;
    this.progress = progress;
  }

  /** Runs the command; returns its exit code. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.println(SpeakOptions.USAGE);
      return OK;
    }
    SpeakOptions options;
    try {
      options = SpeakOptions.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(SpeakOptions.USAGE);
      return BAD_ARGUMENTS;
    }
    short[] speech;
    try {
      speech = speech(options.file());
    } catch (IOException e) {
      err.println("cannot read " + options.file() + ": " + describe(e));
      return BAD_ARGUMENTS;
    } catch (ProtocolException e) {
      err.println(options.file() + " is not a WAV file that can be streamed: " + e.getMessage());
      return BAD_ARGUMENTS;
    }
    if (speech.length == 0) {
      err.println(options.file() + " holds no audio");
      return BAD_ARGUMENTS;
    }
    if (options.out() != null) {
      try {
        Files.createDirectories(options.out());
      } catch (IOException e) {
        err.println("cannot create the folder " + options.out() + ": " + describe(e));
        return BAD_ARGUMENTS;
      }
    }
    // a bar redrawn in place only makes sense on a terminal; a log gets an occasional line instead
    boolean terminal = System.console() != null && err == System.err;
    SpeakProgress progress = new SpeakProgress(err, terminal, speech.length, SpeakStream.SAMPLE_RATE);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    SpeakStream stream = new SpeakStream(vertx, speech, options);
    try {
      return new Speak(options, out, err, progress).converse(vertx, stream);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ABNORMAL_END;
    } finally {
      progress.clear();
      close(stream, vertx);
    }
  }

  /**
   * Closes the socket, then Vert.x, each awaited from this thread: a step chained after the socket's close would run
   * on an event loop that Vert.x's close stops.
   */
  private static void close(SpeakStream stream, Vertx vertx) {
    try {
      stream.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the session is over either way; Vert.x's close below takes the socket down
    }
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // nothing is left to lose: the command's outcome is decided
    }
  }

  /** The file's audio as mono at the session's rate. */
  private static short[] speech(Path file) throws IOException {
    Wav.Decoded wav = Wav.read(Files.readAllBytes(file));
    return Wav.resample(wav.samples(), wav.sampleRate(), SpeakStream.SAMPLE_RATE);
  }

  /** Connects, then handles what the socket reports until the session's close is acknowledged or it fails. */
  private int converse(Vertx vertx, SpeakStream stream) throws InterruptedException {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(MAX_FRAME_BYTES).setMaxMessageSize(MAX_FRAME_BYTES)
        .setConnectTimeout((int) CONNECT_DEADLINE.toMillis()));
    WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(options.url().getHost())
        .setPort(options.port()).setSsl(options.secure()).setURI(options.requestUri());
    try {
      stream.connect(client, target).await(2 * CONNECT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      err.println("cannot reach " + options.url() + ": no answer within " + CONNECT_DEADLINE.toSeconds() + " s");
      return ABNORMAL_END;
    } catch (Exception e) {
      err.println("cannot reach " + options.url() + ": " + describe(e));
      return ABNORMAL_END;
    }
    boolean started = false;
    long deadline = System.nanoTime() + INIT_DEADLINE.toNanos();
    while (true) {
      SpeakStream.Event event = stream.next(PROGRESS_TICK_MS);
      if (event instanceof SpeakStream.Received received) {
        JsonObject frame = received.frame();
        switch (frame.getString("type", "")) {
          case "session_init_ack" -> {
            started = true;
            deadline = Long.MAX_VALUE; // streaming takes as long as the audio; the deadline starts after it
          }
          case "translation_result" -> onResult(frame);
          case "missing_result" -> onMissing(frame);
          case "error" -> {
            say("error from the server: " + frame.getString("message", "(no message)") + " ("
                + frame.getString("code", "no code") + ")");
            if (!started) {
              say("the server refused the session");
              return ABNORMAL_END;
            }
          }
          case "session_close_ack" -> {
            say(progress.summary(results, missing));
            return missing > 0 ? MISSING : OK;
          }
          default -> { }
        }
      } else if (event instanceof SpeakStream.AllSent) {
        deadline = System.nanoTime() + CLOSE_DEADLINE.toNanos();
      } else if (event instanceof SpeakStream.Closed closed) {
        say("the server closed the connection before acknowledging the session's close"
            + (closed.cause() != null ? ": " + closed.cause() : ""));
        return ABNORMAL_END;
      }
      if (System.nanoTime() > deadline) {
        say(started
            ? "no session_close_ack within " + CLOSE_DEADLINE.toSeconds() + " s of the last chunk"
            : "the server did not acknowledge session_init within " + INIT_DEADLINE.toSeconds() + " s");
        return ABNORMAL_END;
      }
      progress.show(stream.sentSamples(), results, missing);
    }
  }

  private void onResult(JsonObject result) {
    long index = result.getLong("utterance_index", -1L);
    if (!firstOutcome(index)) {
      return;
    }
    results++;
    print("[" + index + "] " + options.src() + ": " + oneLine(result.getString("text_asr")) + " | "
        + options.tgt() + ": " + oneLine(result.getString("text_translated")));
    String speech = result.getString("tts_audio", "");
    if (options.out() != null && !speech.isEmpty()) {
      Path file = options.out().resolve("utterance-" + index + ".wav");
      try {
        Files.write(file, Base64.getDecoder().decode(speech));
      } catch (IOException e) {
        say("cannot write " + file + ": " + describe(e));
      } catch (IllegalArgumentException e) {
        say("the speech of utterance " + index + " is not base64: " + e.getMessage());
      }
    }
  }

  private void onMissing(JsonObject outcome) {
    long index = outcome.getLong("utterance_index", -1L);
    if (firstOutcome(index)) {
      missing++;
      print("[" + index + "] missing: " + outcome.getString("reason", "no reason given"));
    }
  }

  /** The scheduler delivers one outcome per utterance, in order; anything at or before the last one is a repeat. */
  private boolean firstOutcome(long index) {
    if (index <= lastIndex) {
      return false;
    }
    lastIndex = index;
    return true;
  }

  private void print(String line) {
    progress.clear();
    out.println(line);
    out.flush();
  }

  private void say(String line) {
    progress.clear();
    err.println(line);
    err.flush();
  }

  /** A text as one line, so that each utterance prints as exactly one. */
  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("\\s+", " ").strip();
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
