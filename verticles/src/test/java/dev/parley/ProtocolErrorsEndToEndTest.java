package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.audio.OpusPackets;
import dev.parley.codecs.binary.BinaryAudioFrame;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Peer;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every error code a peer can cause from the wire gets its error frame, the socket stays usable, and a good session
 * is served afterwards. (INTERNAL is not reachable by a peer.)
 */
@ExtendWith(VertxExtension.class)
class ProtocolErrorsEndToEndTest {

  private static JsonObject chunk(String sessionId, long seq, String payload) {
    return new JsonObject().put("type", "audio_chunk").put("session_id", sessionId).put("seq", seq)
        .put("is_final", false).put("payload", payload);
  }

  @Test
  void everySessionErrorIsAnsweredAndTheSocketKeepsWorking(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("server.maxFrameBytes", "65536",
        "session.audioRateFactor", "1.0", "session.audioBurstMs", "1000"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port())) {
      Peer p = b.peer;
      p.send(chunk("nobody", 0, ""));
      p.awaitError("WRONG_SESSION");
      p.sendText("{not json");
      p.awaitError("BAD_JSON");
      p.sendText("[1,2,3]");
      p.awaitError("BAD_JSON");
      p.send(new JsonObject().put("type", "nope"));
      p.awaitError("UNKNOWN_TYPE");
      p.send(new JsonObject().put("type", "node_register").put("max_concurrent_jobs", 1)
          .put("language_capabilities", new JsonObject().put("supported_language_pairs", new JsonArray())));
      p.awaitError("UNKNOWN_TYPE");
      p.send(new JsonObject().put("type", "session_init").put("src_lang", "EN!!").put("tgt_lang", "es"));
      p.awaitError("UNSUPPORTED_LANGUAGE_PAIR");
      p.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
          .put("resume_token", "no-such-token"));
      p.awaitError("RESUME_EXPIRED");

      b.start();
      p.send(new JsonObject().put("type", "audio_chunk").put("session_id", b.sessionId).put("is_final", false));
      assertThat(p.awaitError("MISSING_FIELD").getString("message")).contains("seq");
      p.send(chunk(b.sessionId, 0, "%%% not base64 %%%"));
      p.awaitError("BAD_AUDIO");
      p.send(chunk(b.sessionId, 0, Browser.b64(new byte[] {5, 0, 1})));
      p.awaitError("BAD_AUDIO"); // a length prefix promising more than the packet holds
      p.sendBinary(BinaryAudioFrame.audio(b.sessionId, 0, 0, false, OpusPackets.framedSilence(20)).encode());
      p.awaitError("BAD_AUDIO"); // binary frames were not negotiated
      p.send(chunk("someone-else", 0, ""));
      p.awaitError("WRONG_SESSION");
      p.sendText("{\"type\":\"client_heartbeat\",\"session_id\":\"" + b.sessionId + "\",\"pad\":\""
          + "x".repeat(70_000) + "\"}");
      p.awaitError("FRAME_TOO_LARGE");

      p.send(chunk(b.sessionId, 0, Browser.b64(OpusPackets.framedSilence(800))));
      p.send(chunk(b.sessionId, 0, Browser.b64(OpusPackets.framedSilence(200))));
      p.awaitError("DUPLICATE");
      p.send(chunk(b.sessionId, 1, Browser.b64(OpusPackets.framedSilence(800))));
      p.awaitError("RATE_LIMITED"); // 1.6 s of audio at once against a 1 s burst at real time

      p.send(new JsonObject().put("type", "tts_play_ended").put("session_id", 42).put("ts_end_ms", "soon"));
      b.chunk(2, 100, true); // a good chunk still works: closes the utterance with 0.9 s of audio
      JsonObject result = b.awaitResult(0);
      assertThat(result.getString("text_asr")).isEqualTo("text 0");
      assertThat(node.assigns()).singleElement()
          .satisfies(a -> assertThat(a.getLong("expected_duration_ms")).isEqualTo(900));
      // the malformed playback report, sent between two counted errors, was not answered
      assertThat(p.drain(Duration.ofMillis(200))).filteredOn(f -> "error".equals(f.getString("type"))).hasSize(15);
    }
  }

  @Test
  void nodeErrorsAreAnsweredAndAWrongTokenIsRefused(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("security.nodeToken", "secret"));
    Peer intruder = Peer.connect(vertx, s.port(), "/ws/node");
    intruder.send(new JsonObject().put("type", "node_register").put("node_id", "x").put("token", "wrong")
        .put("max_concurrent_jobs", 1).put("language_capabilities",
            new JsonObject().put("supported_language_pairs", new JsonArray())));
    intruder.awaitError("UNAUTHORIZED");
    intruder.awaitClosed(Duration.ofSeconds(5));

    Peer node = Peer.connect(vertx, s.port(), "/ws/node");
    node.send(new JsonObject().put("type", "job_ack").put("job_id", "j").put("attempt_id", 1).put("node_id", "n"));
    node.awaitError("UNAUTHORIZED"); // nothing before node_register
    node.send(new JsonObject().put("type", "node_register").put("node_id", "n1").put("token", "secret")
        .put("max_concurrent_jobs", 2).put("language_capabilities", new JsonObject()
            .put("supported_language_pairs", new JsonArray().add(new JsonObject().put("src", "en").put("tgt", "es")))));
    node.await("node_register_ack");
    node.send(new JsonObject().put("type", "job_result").put("job_id", "no-such-job").put("attempt_id", 1)
        .put("node_id", "n1").put("success", true));
    JsonObject stale = node.awaitError("STALE_ATTEMPT");
    assertThat(stale.getJsonObject("details").getString("job_id")).isEqualTo("no-such-job");
    node.send(new JsonObject().put("type", "job_ack").put("job_id", "j").put("attempt_id", 1)
        .put("node_id", "someone-else"));
    node.awaitError("WRONG_SESSION");
    node.sendText("garbage");
    node.awaitError("BAD_JSON");
    node.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
    node.awaitError("UNKNOWN_TYPE");

    try (Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 300, true);
      JsonObject assign = node.await("job_assign");
      node.send(new JsonObject().put("type", "job_ack").put("job_id", assign.getString("job_id"))
          .put("attempt_id", 1).put("node_id", "n1"));
      JsonObject result = new JsonObject().put("type", "job_result").put("job_id", assign.getString("job_id"))
          .put("attempt_id", 1).put("node_id", "n1").put("success", true).put("text_asr", "hello")
          .put("text_translated", "hola");
      node.send(result);
      assertThat(b.awaitResult(0).getString("text_translated")).isEqualTo("hola");
      node.send(result);
      node.awaitError("DUPLICATE");
    } finally {
      node.close();
    }
  }

  @Test
  void aSessionPastTheInstanceLimitIsRefusedAsOverloaded(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("server.maxSessions", "1"));
    try (Browser first = Browser.connect(vertx, s.port()).start();
        Peer second = Peer.connect(vertx, s.port(), "/ws/session")) {
      second.awaitError("OVERLOADED");
      assertThat(first.sessionId).isNotBlank();
    }
  }

  @Test
  void anAddressPastItsConnectionLimitIsRefusedAsOverloadedUntilOneOfItsSocketsCloses(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("server.maxConnectionsPerIp", "2"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser first = Browser.connect(vertx, s.port()).start()) {
      try (Peer third = Peer.connect(vertx, s.port(), "/ws/session")) {
        JsonObject refused = third.awaitError("OVERLOADED");
        assertThat(refused.getString("message")).contains("too many connections");
        third.awaitClosed(Peer.WAIT);
      }
      first.utterance(0, 400, true);
      first.awaitResult(0); // the sockets it let in work as before
      first.close();
      first.peer.awaitClosed(Peer.WAIT);
      // the freed place can be taken once the server has seen the close, which may come just after the client's
      long until = System.currentTimeMillis() + Peer.WAIT.toMillis();
      JsonObject answer;
      do {
        assertThat(System.currentTimeMillis()).as("a place freed within the wait").isLessThan(until);
        try (Peer p = Peer.connect(vertx, s.port(), "/ws/session")) {
          p.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es"));
          answer = p.await(f -> List.of("session_init_ack", "error").contains(f.getString("type")), Peer.WAIT,
              "an answer to session_init");
        }
      } while (!"session_init_ack".equals(answer.getString("type")));
    }
  }

  @Test
  void binaryAudioFramesWorkWhenNegotiated(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port())) {
      b.start(new JsonObject().put("src_lang", "en").put("tgt_lang", "es").put("binary_frames", true));
      assertThat(b.peer.received("session_init_ack").get(0).getBoolean("use_binary_frame")).isTrue();
      b.peer.sendBinary(BinaryAudioFrame.audio(b.sessionId, 0, 0, false, OpusPackets.framedSilence(200)).encode());
      b.peer.sendBinary(BinaryAudioFrame.audio(b.sessionId, 1, 200, false, OpusPackets.framedSilence(200)).encode());
      b.peer.sendBinary(BinaryAudioFrame.finalFrame(b.sessionId, 2, 400).encode());
      b.awaitResult(0);
      assertThat(node.assigns()).singleElement()
          .satisfies(a -> assertThat(a.getLong("expected_duration_ms")).isEqualTo(400));
      b.peer.sendBinary(Buffer.buffer(new byte[] {1, 5}));
      b.peer.awaitError("BAD_AUDIO");
    }
  }
}
