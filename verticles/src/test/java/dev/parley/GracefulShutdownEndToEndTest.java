package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.store.LocalStore;
import dev.parley.store.SessionInfo;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Peer;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A scheduler that drains before it stops: what it took on ends once, and what it would not take is refused. */
@ExtendWith(VertxExtension.class)
class GracefulShutdownEndToEndTest {

  private static int status(Vertx vertx, int port, String path) {
    return Await.result(vertx.createHttpClient().request(HttpMethod.GET, port, "127.0.0.1", path)
        .compose(req -> req.send()).map(res -> res.statusCode()));
  }

  @Test
  void aDrainingInstanceEndsTheJobsItTookRefusesMoreAndLetsItsSocketsGo(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of("session.pauseMs", "60000"), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER; // jobs stay running until the test answers them
      b.chunk(0, 200, false);
      b.chunk(1, 200, true); // utterance 0, cut by hand
      b.chunk(2, 200, false);
      b.chunk(3, 200, false); // utterance 1, still open when the drain starts
      node.awaitAssigns(1);
      // a heartbeat answered: the scheduler has read every chunk before it
      b.peer.send(new JsonObject().put("type", "client_heartbeat").put("session_id", b.sessionId));
      b.peer.await("server_heartbeat");

      Future<Void> drained = s.drain(10_000);

      List<JsonObject> assigns = node.awaitAssigns(2);
      assertThat(assigns.get(1).getInteger("utterance_index")).isEqualTo(1);
      assertThat(assigns.get(1).getLong("expected_duration_ms")).isEqualTo(400);
      assertThat(assigns.get(1).getBoolean("is_timeout_triggered", false)).isTrue();
      assertThat(status(vertx, s.port(), "/ready")).isEqualTo(503);
      assertThat(status(vertx, s.port(), "/health")).isEqualTo(200);
      assertThatThrownBy(() -> Browser.connect(vertx, s.port())).as("no new socket while draining")
          .isInstanceOfSatisfying(UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(503));

      b.chunk(4, 200, false);
      JsonObject refused = b.peer.awaitError("OVERLOADED");
      assertThat(refused.getString("message")).contains("shutting down");
      assertThat(refused.getJsonObject("details").getLong("seq")).isEqualTo(4);

      assertThat(drained.isComplete()).as("draining waits for the running jobs").isFalse();
      assigns.forEach(node::answer);
      b.awaitResult(0);
      b.awaitResult(1);
      b.peer.awaitClosed(Peer.WAIT);
      assertThat(b.peer.closeStatus()).isEqualTo((short) 1001);
      node.awaitClosed(Peer.WAIT);
      assertThat(node.closeStatus()).isEqualTo((short) 1001);
      Await.result(drained);

      assertThat(b.peer.received("translation_result")).extracting(r -> r.getInteger("utterance_index"))
          .containsExactly(0, 1);
      assertThat(node.assigns()).hasSize(2);
      SessionInfo left = Await.result(store.session(b.sessionId));
      assertThat(left).as("the session stays resumable elsewhere").isNotNull();
      assertThat(left.detachedAtMs()).isPositive();
      assertThat(left.nextUtteranceIndex()).isEqualTo(2);
    }
  }

  @Test
  void aNodeStillRunningAJobIsLetGoAtTheDeadline(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of("session.pauseMs", "60000"), store);
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 400, true);
      node.awaitAssigns(1);
      // the browser goes first, so the job outlives its session here, as a job of another instance's session would
      b.close();
      awaitDetached(store, b.sessionId);
      long started = System.currentTimeMillis();
      Await.result(s.drain(1_500));
      long took = System.currentTimeMillis() - started;
      assertThat(took).as("the node is kept while its job runs, up to the deadline").isBetween(1_400L, 5_000L);
      node.awaitClosed(Duration.ofSeconds(5));
      assertThat(node.closeStatus()).isEqualTo((short) 1001);
      assertThat(node.frames("job_assign")).hasSize(1);
    }
  }

  private static void awaitDetached(LocalStore store, String sessionId) {
    long deadline = System.currentTimeMillis() + Peer.WAIT.toMillis();
    while (true) {
      SessionInfo info = Await.result(store.session(sessionId));
      if (info != null && info.detachedAtMs() > 0) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("session " + sessionId + " not detached within " + Peer.WAIT);
      }
      Thread.onSpinWait(); // the store is in-process: each look is a map read
    }
  }
}
