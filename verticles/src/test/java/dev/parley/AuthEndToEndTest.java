package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who may open a session socket, and that a socket speaks only for its own session and node. */
@ExtendWith(VertxExtension.class)
class AuthEndToEndTest {

  /**
   * The HTTP status of a WebSocket upgrade request to {@code uri} with this Origin (null: none), as a browser sends
   * it; 101 when the server switches protocols.
   */
  private static int upgrade(Vertx vertx, int port, String uri, String origin) {
    HttpClient http = vertx.createHttpClient();
    Future<Integer> status = http.request(HttpMethod.GET, port, "127.0.0.1", uri).compose(req -> {
      req.putHeader("Connection", "Upgrade").putHeader("Upgrade", "websocket")
          .putHeader("Sec-WebSocket-Version", "13").putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
      if (origin != null) {
        req.putHeader("Origin", origin);
      }
      return req.send().map(res -> res.statusCode());
    });
    try {
      return Await.result(status);
    } finally {
      http.close();
    }
  }

  @Test
  void aBrowserFromAForeignOriginIsRefusedAndOneFromAnAllowedOriginIsNot(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("security.allowedOrigins",
        "https://app.example.org,https://other.example.org"));
    assertThat(upgrade(vertx, s.port(), "/ws/session", "https://evil.example.com")).isEqualTo(403);
    assertThat(upgrade(vertx, s.port(), "/ws/session", "https://app.example.org.evil.com")).isEqualTo(403);
    assertThat(upgrade(vertx, s.port(), "/ws/session", "https://other.example.org")).isEqualTo(101);
    // API clients send no Origin: the check is a browser's
    assertThat(upgrade(vertx, s.port(), "/ws/session", null)).isEqualTo(101);
  }

  @Test
  void withSessionTokensOnlyASocketCarryingOneMayOpen(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("security.sessionTokens", "alpha-123,beta-456"));
    assertThat(upgrade(vertx, s.port(), "/ws/session", null)).isEqualTo(401);
    assertThat(upgrade(vertx, s.port(), "/ws/session?token=alpha-12", null)).isEqualTo(401);
    assertThat(upgrade(vertx, s.port(), "/ws/session?token=alpha-1234", null)).isEqualTo(401);
    assertThat(upgrade(vertx, s.port(), "/ws/session?token=beta-456", null)).isEqualTo(101);
    assertThat(upgrade(vertx, s.port(), "/ws/session?x=1&token=alpha-123", null)).isEqualTo(101);
    assertThat(upgrade(vertx, s.port(), "/ws/node", null)).as("nodes have a token of their own").isEqualTo(101);
  }

  @Test
  void aSocketCannotSpeakForAnotherSessionNorANodeForAnotherNodesJob(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode holder = FakeNode.register(vertx, s.port(), "holder", 4, "en>es");
        FakeNode other = FakeNode.register(vertx, s.port(), "other", 4, "de>en");
        Browser victim = Browser.connect(vertx, s.port()).start();
        Browser intruder = Browser.connect(vertx, s.port()).start()) {
      holder.answer = FakeNode.Answer.NEVER;
      victim.utterance(0, 400, true);
      JsonObject assign = holder.awaitAssigns(1).get(0);

      intruder.peer.send(new JsonObject().put("type", "audio_chunk").put("session_id", victim.sessionId)
          .put("seq", 0).put("is_final", true).put("payload", ""));
      intruder.peer.awaitError("WRONG_SESSION");
      intruder.peer.send(new JsonObject().put("type", "session_close").put("session_id", victim.sessionId));
      intruder.peer.awaitError("WRONG_SESSION");

      // the other node reports the job as its own, then as the holder
      other.write(other.result(assign, true).put("text_asr", "forged").put("text_translated", "falso"));
      other.await(f -> "error".equals(f.getString("type")) && "STALE_ATTEMPT".equals(f.getString("code")),
          java.time.Duration.ofSeconds(10), "STALE_ATTEMPT for another node's job");
      other.write(other.result(assign, true).put("node_id", "holder").put("text_asr", "forged"));
      other.await(f -> "error".equals(f.getString("type")) && "WRONG_SESSION".equals(f.getString("code")),
          java.time.Duration.ofSeconds(10), "WRONG_SESSION for a frame in another node's name");

      holder.answer(assign);
      JsonObject result = victim.awaitResult(0);
      assertThat(result.getString("text_asr")).isEqualTo("text 0");
      assertThat(victim.peer.received("translation_result")).hasSize(1);
      assertThat(victim.peer.received("error")).isEmpty();
      assertThat(intruder.peer.received("translation_result")).isEmpty();
    }
  }
}
