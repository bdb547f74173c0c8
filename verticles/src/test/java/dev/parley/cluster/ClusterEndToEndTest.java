package dev.parley.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bus.Ids;
import dev.parley.store.NodeInfo;
import dev.parley.store.SessionInfo;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Http;
import dev.parley.testing.Peer;
import dev.parley.testing.RedisServer;
import dev.parley.testing.Registry;
import dev.parley.testing.TestMember;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three scheduler instances in one JVM, clustered over Hazelcast on loopback and sharing a real redis-server: a
 * browser on member 1, nodes on members 2 and 3. The browser and the nodes are protocol peers on their own Vert.x.
 */
@ExtendWith(VertxExtension.class)
class ClusterEndToEndTest {
  /** Heartbeats would notice a lost node only after this long: within the test, only membership can. */
  private static final Map<String, String> SETTINGS = Map.of("node.heartbeatTimeoutMs", "120000",
      "security.adminToken", "cluster-admin");

  private RedisServer redis;
  private TestMember m1;
  private TestMember m2;
  private TestMember m3;

  @BeforeEach
  void startCluster() {
    redis = RedisServer.withAof().start();
    String name = "parley-test-" + Ids.token(6);
    m1 = TestMember.start(name, redis.url(), SETTINGS);
    m2 = TestMember.start(name, redis.url(), SETTINGS);
    m3 = TestMember.start(name, redis.url(), SETTINGS);
  }

  @AfterEach
  void stopCluster() {
    for (TestMember m : new TestMember[] {m3, m2, m1}) {
      if (m != null) {
        m.close();
      }
    }
    redis.close();
  }

  @Test
  void theAdminStateOfAnyMemberShowsEveryInstanceAndWhereEachNodeIs(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 4, "en>es");
        FakeNode n3 = FakeNode.register(vertx, m3.port(), "node-on-3", 2, "en>it")) {
      long until = System.currentTimeMillis() + 15_000;
      JsonObject state;
      do {
        assertThat(System.currentTimeMillis()).as("every member reported within the wait").isLessThan(until);
        state = Http.get(vertx, m1.port(), "/admin/state", "Bearer cluster-admin").json();
      } while (state.getJsonArray("instances").size() < 3);
      assertThat(state.getJsonArray("instances").stream().map(i -> ((JsonObject) i).getString("instance_id")))
          .containsExactlyInAnyOrder(m1.instanceId(), m2.instanceId(), m3.instanceId());
      assertThat(state.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("node_id") + "@"
          + ((JsonObject) n).getString("instance_id")))
          .containsExactly("node-on-2@" + m2.instanceId(), "node-on-3@" + m3.instanceId());
    }
  }

  @Test
  void jobsCrossInstancesAndTheNodesOfAKilledMemberFailOverToAnother(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 4, "en>es");
        FakeNode n3 = FakeNode.register(vertx, m3.port(), "node-on-3", 4, "en>es");
        Browser b = Browser.connect(vertx, m1.port()).start()) {
      n2.beatEvery(vertx, 1000);
      n3.beatEvery(vertx, 1000);
      Registry.awaitCount(m1.store, 2);

      // a full lifecycle across instances: cut on member 1, placed on the node held by member 2, then on member 3's
      // (the other node drains meanwhile, so placement has one choice)
      only(n2, n3);
      b.utterance(0, 400, true);
      b.utterance(1, 400, true);
      only(n3, n2);
      b.utterance(2, 400, true);
      b.utterance(3, 400, true);
      for (int i = 0; i < 4; i++) {
        assertThat(b.awaitResult(i).getString("text_asr")).isEqualTo("text " + i);
      }
      assertThat(n2.assigns()).extracting(a -> a.getInteger("utterance_index")).containsExactlyInAnyOrder(0, 1);
      assertThat(n3.assigns()).extracting(a -> a.getInteger("utterance_index")).containsExactlyInAnyOrder(2, 3);

      // member 2's node hangs on what it takes; then member 2 dies with those jobs
      only(n2, n3);
      n2.answer = FakeNode.Answer.NEVER;
      int before = n2.assigns().size();
      for (int i = 4; i < 8; i++) {
        b.utterance(i, 400, true);
      }
      List<JsonObject> hung = n2.awaitAssigns(before + 4).subList(before, before + 4);
      Set<String> stranded = hung.stream().map(a -> a.getString("job_id")).collect(Collectors.toSet());
      n3.status = "ready";
      Registry.awaitStatus(m1.store, n3.nodeId, NodeInfo.NodeStatus.READY);
      long killedAt = System.currentTimeMillis();
      m2.kill();

      awaitTranslated(b, 4, 8, Duration.ofSeconds(20));
      long failedOverMs = System.currentTimeMillis() - killedAt;
      assertThat(failedOverMs).isLessThan(10_000);
      List<String> retried = n3.assigns().stream().filter(a -> stranded.contains(a.getString("job_id")))
          .map(a -> a.getString("job_id") + "#" + a.getInteger("attempt_id")).toList();
      assertThat(retried).hasSize(stranded.size()).allMatch(id -> id.endsWith("#2"));

      // one outcome per job, in order
      b.peer.drain(Duration.ofMillis(500));
      assertThat(outcomes(b)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }
  }

  @Test
  void aBadAudioJobEndsForGoodAcrossInstancesAndItsSlotTakesTheQueuedTurn(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "one-slot-on-2", 1, "en>es");
        Browser a = Browser.connect(vertx, m1.port()).start();
        Browser b = Browser.connect(vertx, m1.port()).start()) {
      n2.beatEvery(vertx, 1000);
      n2.answer = FakeNode.Answer.NEVER;
      Registry.awaitCount(m1.store, 1);
      a.utterance(0, 400, true);
      JsonObject bad = n2.awaitAssigns(1).get(0);
      b.utterance(0, 400, true); // the only slot is taken: this turn waits on member 1
      b.peer.await(f -> "NO_AVAILABLE_NODE".equals(f.getString("event")), Peer.WAIT, "NO_AVAILABLE_NODE");

      // member 2 ends the job for good; the slot it frees is member 1's to give, long before the pending timeout
      n2.answer = FakeNode.Answer.AT_TURN_END;
      n2.write(n2.result(bad, false).put("error", new JsonObject().put("code", "BAD_AUDIO")
          .put("message", "undecodable")));
      assertThat(a.peer.await("missing_result").getString("reason")).isEqualTo("node_error");
      JsonObject waited = b.peer.await(f -> "translation_result".equals(f.getString("type")), Duration.ofSeconds(4),
          "the queued job's result");
      assertThat(waited.getInteger("utterance_index")).isZero();
    }
  }

  @Test
  void jobsTakenBeforeARedisRestartEndWithOneOutcomeEach(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es");
        Browser b = Browser.connect(vertx, m1.port()).start()) {
      n2.beatEvery(vertx, 1000);
      n2.answer = FakeNode.Answer.NEVER;
      for (int i = 0; i < 4; i++) {
        b.utterance(i, 400, true);
      }
      List<JsonObject> held = byIndex(n2.awaitAssigns(4));

      redis.restart(); // its append-only file keeps what was written

      held.forEach(n2::answer);
      awaitTranslated(b, 0, 4, Duration.ofSeconds(15));
      n2.answer = FakeNode.Answer.AT_TURN_END;
      b.utterance(4, 400, true);
      b.peer.await(resultFor(4), Duration.ofSeconds(15), "translation_result 4");

      b.peer.drain(Duration.ofMillis(500));
      assertThat(outcomes(b)).containsExactly(0, 1, 2, 3, 4);
    }
  }

  @Test
  void ownersWriteAgainWhatARestartedRedisLost(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es");
        Browser b = Browser.connect(vertx, m1.port()).start()) {
      n2.beatEvery(vertx, 1000);
      b.utterance(0, 400, true);
      b.awaitResult(0);

      redis.restartEmpty();

      // the instance holding each socket notices the new run_id and writes its node and its session again
      Registry.awaitCount(m1.store, 1);
      assertThat(Await.result(m1.store.nodes())).singleElement()
          .satisfies(n -> assertThat(n.instanceId()).isEqualTo(m2.instanceId()));
      awaitOwner(b.sessionId, m1.instanceId());
      b.utterance(1, 400, true);
      assertThat(b.peer.await(resultFor(1), Duration.ofSeconds(15), "translation_result 1")
          .getString("text_asr")).isEqualTo("text 1");
    }
  }

  @Test
  void aBrowserThatResumesOnAnotherInstanceGetsWhatItMissedOnce(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es")) {
      Browser b = Browser.connect(vertx, m1.port()).start();
      List<JsonObject> held = holdFour(vertx, n2, b);
      b.close();
      awaitDetached(b.sessionId);
      n2.answer(held.get(3)); // waits on member 1 behind 1 and 2

      try (Browser again = resume(vertx, m3.port(), b, 0)) {
        awaitOwner(b.sessionId, m3.instanceId());
        n2.answer(held.get(1));
        n2.answer(held.get(2));
        awaitTranslated(again, 1, 4, Duration.ofSeconds(15));
        n2.answer = FakeNode.Answer.AT_TURN_END;
        again.utterance(4, 400, true);
        again.peer.await(resultFor(4), Duration.ofSeconds(15), "translation_result 4");
        again.peer.drain(Duration.ofMillis(500));
        assertThat(outcomes(again)).containsExactly(1, 2, 3, 4);
      }
    }
  }

  @Test
  void whenTheOwnerOfASessionDiesItsJobsStillEndOnceAndTheBrowserResumesElsewhere(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es")) {
      Browser b = Browser.connect(vertx, m1.port()).start();
      List<JsonObject> held = holdFour(vertx, n2, b);

      m1.kill();
      b.close();
      // a result for the dead owner's session: the instance that takes it adopts the session and keeps it
      n2.answer(held.get(1));
      awaitRetained(b.sessionId, 1);
      // with no socket anywhere, the adopter holds the session as detached: it ends if nobody resumes it in time
      awaitSession(b.sessionId, s -> s.detachedAtMs() > 0 && !m1.instanceId().equals(s.ownerInstance()),
          "the session adopted and detached");

      try (Browser again = resume(vertx, m3.port(), b, 0)) {
        assertThat(again.awaitResult(1).getString("text_asr")).isEqualTo("text 1");
        n2.answer(held.get(2));
        n2.answer(held.get(3));
        again.peer.await(resultFor(3), Duration.ofSeconds(15), "translation_result 3");
        again.peer.drain(Duration.ofMillis(500));
        assertThat(outcomes(again)).containsExactly(1, 2, 3);
        assertThat(again.peer.received("translation_result")).extracting(f -> f.getString("text_asr"))
            .containsExactly("text 1", "text 2", "text 3");
      }
    }
  }

  @Test
  void aResultItsOwnerHeldWhenItDiedIsDeliveredFromTheStoreByTheInstanceThatTakesTheSession(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es")) {
      Browser b = Browser.connect(vertx, m1.port()).start();
      List<JsonObject> held = holdFour(vertx, n2, b);
      // settled on member 2 and sent to the owner, member 1, which holds it back behind utterance 1
      n2.answer(held.get(2));
      String jobId = held.get(2).getString("job_id");
      awaitKept(jobId);

      m1.kill();
      b.close();
      try (Browser again = resume(vertx, m3.port(), b, 0)) {
        n2.answer(held.get(1));
        n2.answer(held.get(3));
        awaitTranslated(again, 1, 4, Duration.ofSeconds(15));
        again.peer.drain(Duration.ofMillis(500));
        assertThat(outcomes(again)).as("each once, none missing").containsExactly(1, 2, 3);
      }
      assertThat(Await.result(m3.store.keptResult(jobId))).as("dropped once delivered").isNull();
    }
  }

  @Test
  void aNodeThatRegistersAgainOnAnotherInstanceHasItsOldConnectionsJobsMovedAtOnce(Vertx vertx) {
    // the old connection's instance could be dead and not yet missed: only the new registration can tell
    FakeNode old = FakeNode.register(vertx, m2.port(), "roaming-node", 4, "en>es");
    old.answer = FakeNode.Answer.NEVER;
    Browser b = Browser.connect(vertx, m1.port()).start();
    b.utterance(0, 400, true);
    JsonObject first = old.awaitAssigns(1).get(0);

    // a failover leaves out the node that lost the job, so another one takes it
    try (FakeNode spare = FakeNode.register(vertx, m3.port(), "spare-node", 4, "en>es");
        FakeNode again = FakeNode.register(vertx, m3.port(), "roaming-node", 4, "en>es")) {
      // well before the 15 s result deadline, the only other thing that would move it
      JsonObject moved = spare.await(f -> "job_assign".equals(f.getString("type")), Duration.ofSeconds(8),
          "the job moved off the replaced connection");
      assertThat(moved.getString("job_id")).isEqualTo(first.getString("job_id"));
      assertThat(moved.getInteger("attempt_id")).isEqualTo(first.getInteger("attempt_id") + 1);
      assertThat(b.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
      b.peer.drain(Duration.ofMillis(300));
      assertThat(outcomes(b)).containsExactly(0);
      assertThat(again.assigns()).isEmpty();
    } finally {
      old.close();
      b.close();
    }
  }

  @Test
  void aRedisRestartLeavesANodeOnTheConnectionItRegisteredLast(Vertx vertx) {
    // the old socket stays open and silent, as one whose peer went away without closing it
    try (FakeNode old = FakeNode.register(vertx, m2.port(), "roaming-node", 4, "en>es");
        FakeNode again = FakeNode.register(vertx, m3.port(), "roaming-node", 4, "en>es")) {
      again.beatEvery(vertx, 300);
      NodeInfo live = Registry.awaitNode(m1.store, "roaming-node", n -> m3.instanceId().equals(n.instanceId()),
          "the node's newer connection registered");

      redis.restart(); // its append-only file keeps the newer registration

      // the instance holding the old socket checks what it holds: it learns the node moved on, and lets go
      old.awaitClosed(Duration.ofSeconds(15));
      long closedAt = System.currentTimeMillis();
      NodeInfo after = Registry.awaitNode(m1.store, "roaming-node", n -> n.lastHeartbeatMs() > closedAt,
          "a heartbeat of the newer connection recorded after the old one closed");
      assertThat(after.connId()).isEqualTo(live.connId());
      assertThat(after.instanceId()).isEqualTo(m3.instanceId());
      assertThat(again.isClosed()).as("the newer connection closed").isFalse();
    }
  }

  @Test
  void aBrowserWhoseInstanceDiedResendsTheAudioAfterItsNewestJobAndNothingBefore(Vertx vertx) {
    try (FakeNode n2 = FakeNode.register(vertx, m2.port(), "node-on-2", 8, "en>es")) {
      n2.beatEvery(vertx, 1000);
      Browser b = Browser.connect(vertx, m1.port()).start();
      for (int seq = 0; seq < 6; seq++) {
        b.chunk(seq, 200, seq == 2 || seq == 5); // utterances 0 (seq 0-2) and 1 (seq 3-5)
      }
      b.awaitResult(0);
      b.awaitResult(1);
      b.chunk(6, 200, false);
      b.chunk(7, 200, false); // an open utterance: only the dead instance ever held this audio
      b.chunk(7, 200, false);
      b.peer.await(f -> "DUPLICATE".equals(f.getString("code")), Peer.WAIT, "seq 7 received before the kill");

      m1.kill();
      b.close();
      Browser again = Browser.connect(vertx, m3.port());
      again.peer.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
          .put("resume_token", b.resumeToken).put("last_utterance_index", 1));
      // the dead owner never recorded seq 7; the newest job says it holds the audio up to seq 5
      assertThat(again.peer.await("session_init_ack").getLong("last_seq")).isEqualTo(5);
      again.sessionId = b.sessionId;
      for (int seq = 6; seq < 9; seq++) {
        again.chunk(seq, 200, seq == 8);
      }
      JsonObject third;
      try {
        third = n2.await(a -> "job_assign".equals(a.getString("type")) && a.getInteger("utterance_index") == 2,
            Duration.ofSeconds(15), "the assignment of utterance 2");
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "; the browser got " + again.peer.received(), e);
      }
      assertThat(third.getLong("expected_duration_ms")).as("the three chunks resent").isEqualTo(600);
      again.peer.await(resultFor(2), Duration.ofSeconds(15), "translation_result 2");
      again.peer.drain(Duration.ofMillis(500));
      assertThat(outcomes(again)).containsExactly(2);
      again.close();
    }
  }

  /**
   * The browser sends four utterances; the node (on another member) acknowledges them all and answers only the
   * first, which the browser gets. Returns the four assignments in utterance order.
   */
  private static List<JsonObject> holdFour(Vertx vertx, FakeNode node, Browser b) {
    node.beatEvery(vertx, 1000);
    node.answer = FakeNode.Answer.NEVER;
    for (int i = 0; i < 4; i++) {
      b.utterance(i, 400, true);
    }
    List<JsonObject> held = byIndex(node.awaitAssigns(4));
    node.answer(held.get(0));
    b.awaitResult(0);
    return held;
  }

  /** Assignments in utterance order (they reach the node in any order). */
  private static List<JsonObject> byIndex(List<JsonObject> assigns) {
    return assigns.stream().sorted(java.util.Comparator.comparing(a -> a.getInteger("utterance_index"))).toList();
  }

  private static Browser resume(Vertx vertx, int port, Browser before, int lastIndex) {
    Browser again = Browser.connect(vertx, port);
    again.peer.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
        .put("resume_token", before.resumeToken).put("last_utterance_index", lastIndex));
    assertThat(again.peer.await("session_init_ack").getString("session_id")).isEqualTo(before.sessionId);
    again.sessionId = before.sessionId;
    return again;
  }

  /** Waits for the translation of each utterance in [from, to), each with the text the node gave it. */
  private static void awaitTranslated(Browser b, int from, int to, Duration within) {
    for (int i = from; i < to; i++) {
      assertThat(b.peer.await(resultFor(i), within, "translation_result " + i).getString("text_asr"))
          .isEqualTo("text " + i);
    }
  }

  /** The utterance index of every outcome the browser received, in the order it received them. */
  private static List<Integer> outcomes(Browser b) {
    return b.peer.received().stream()
        .filter(f -> List.of("translation_result", "missing_result").contains(f.getString("type")))
        .map(f -> f.getInteger("utterance_index")).toList();
  }

  private void awaitDetached(String sessionId) {
    awaitSession(sessionId, s -> s.detachedAtMs() > 0, "session detached");
  }

  private void awaitRetained(String sessionId, int count) {
    long deadline = System.currentTimeMillis() + 15_000;
    while (Await.result(m3.store.outcomesAfter(sessionId, 0)).size() < count) {
      assertThat(System.currentTimeMillis()).as(count + " outcomes kept for a resume").isLessThan(deadline);
      Registry.pause();
    }
  }

  private void awaitKept(String jobId) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (Await.result(m3.store.keptResult(jobId)) == null) {
      assertThat(System.currentTimeMillis()).as("the result of " + jobId + " kept").isLessThan(deadline);
      Registry.pause();
    }
  }

  private void awaitOwner(String sessionId, String owner) {
    awaitSession(sessionId, s -> owner.equals(s.ownerInstance()), "session owned by " + owner);
  }

  private void awaitSession(String sessionId, java.util.function.Predicate<SessionInfo> condition, String what) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      SessionInfo s = Await.result(m3.store.session(sessionId));
      if (s != null && condition.test(s)) {
        return;
      }
      assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
      Registry.pause();
    }
  }

  private static java.util.function.Predicate<JsonObject> resultFor(int index) {
    return f -> "translation_result".equals(f.getString("type")) && f.getInteger("utterance_index") == index;
  }

  /** Leaves {@code ready} the only node placement may choose: the other one reports draining. */
  private void only(FakeNode ready, FakeNode draining) {
    draining.status = "draining";
    ready.status = "ready";
    Registry.awaitStatus(m1.store, draining.nodeId, NodeInfo.NodeStatus.DRAINING);
    Registry.awaitStatus(m1.store, ready.nodeId, NodeInfo.NodeStatus.READY);
  }
}
