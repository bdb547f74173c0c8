package dev.parley.testing;

import dev.parley.codecs.audio.Pcm16;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.Pipeline;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * job_assign frames as a scheduler sends them to a node, for tests that play the scheduler: job {@code j-TURN-SEGMENT}
 * of session {@code s-1}, English to Spanish through the whole pipeline.
 */
public final class JobFrames {
  private JobFrames() {}

  /** The job id of a turn's segment. */
  public static String jobId(String turnId, int segment) {
    return "j-" + turnId + "-" + segment;
  }

  /** A PCM16 job at 16 kHz; {@code last} closes the turn (a manual cut), otherwise it is a max-duration cut. */
  public static JsonObject pcm(String turnId, int segment, int attemptId, short[] samples, boolean last) {
    return job(turnId, segment, attemptId, Pcm16.toBytes(samples), "pcm16", samples.length * 1000L
        / Speech.SAMPLE_RATE, last);
  }

  /** A job carrying {@code audio} as it is, in {@code format}, lasting {@code durationMs}. */
  public static JsonObject job(String turnId, int segment, int attemptId, byte[] audio, String format,
      long durationMs, boolean last) {
    return new JobAssign(jobId(turnId, segment), attemptId, "s-1", segment, turnId, segment, "en", "es",
        new Pipeline(true, true, true, false), audio, format, Speech.SAMPLE_RATE, durationMs, last, false, !last,
        "t-" + turnId, null).toJson();
  }

  /** A ws:// URL on this machine where nothing listens: a connection to it is refused. */
  public static String refusingUrl() {
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "ws://127.0.0.1:" + free.getLocalPort() + "/ws/node";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
