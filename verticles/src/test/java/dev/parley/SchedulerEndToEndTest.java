package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bus.Addresses;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.dispatch.DispatchVerticle;
import dev.parley.store.LocalStore;
import dev.parley.store.Reservation;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Peer;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One scheduler instance over real sockets, with nodes and browsers as protocol peers. */
@ExtendWith(VertxExtension.class)
class SchedulerEndToEndTest {

  private static List<Integer> indices(List<JsonObject> frames) {
    return frames.stream().map(f -> f.getInteger("utterance_index")).toList();
  }

  @Test
  void aStreamedUtteranceIsCutDispatchedAndDelivered(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      b.chunk(0, 200, false);
      b.chunk(1, 200, false);
      b.chunk(2, 200, false);
      b.chunk(3, 0, true);

      JsonObject assign = node.awaitAssigns(1).get(0);
      assertThat(assign.getInteger("utterance_index")).isEqualTo(0);
      assertThat(assign.getInteger("segment_index")).isEqualTo(0);
      assertThat(assign.getInteger("attempt_id")).isEqualTo(1);
      assertThat(assign.getLong("expected_duration_ms")).isEqualTo(600);
      assertThat(assign.getBoolean("is_manual_cut")).isTrue();
      assertThat(assign.getString("session_id")).isEqualTo(b.sessionId);

      JsonObject result = b.awaitResult(0);
      assertThat(result.getString("text_asr")).isEqualTo("text 0");
      assertThat(result.getString("text_translated")).isEqualTo("[es] text 0");
      assertThat(result.getString("job_id")).isEqualTo(assign.getString("job_id"));
      assertThat(result.getString("turn_id")).isEqualTo(assign.getString("turn_id"));
      assertThat(result.getInteger("part_index")).isZero();
    }
  }

  @Test
  void maxDurationCutsKeepOneTurnOnOneNodeAndTimeoutCutsCloseIt(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("session.maxDurationMs", "1000", "session.pauseMs", "300"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      for (int seq = 0; seq < 12; seq++) {
        b.chunk(seq, 200, false); // 2.4 s, then silence: a timeout cut
      }
      List<JsonObject> assigns = node.awaitAssigns(3);
      assertThat(assigns).extracting(a -> a.getLong("expected_duration_ms")).containsExactly(1000L, 1000L, 400L);
      assertThat(assigns).extracting(a -> a.getInteger("segment_index")).containsExactly(0, 1, 2);
      assertThat(assigns).extracting(a -> a.getInteger("utterance_index")).containsExactly(0, 1, 2);
      assertThat(assigns).extracting(a -> a.getString("turn_id")).containsOnly(assigns.get(0).getString("turn_id"));
      assertThat(assigns.get(0).getBoolean("is_max_duration_triggered", false)).isTrue();
      assertThat(assigns.get(1).getBoolean("is_max_duration_triggered", false)).isTrue();
      assertThat(assigns.get(2).getBoolean("is_timeout_triggered", false)).isTrue();
      for (int i = 0; i < 3; i++) {
        b.awaitResult(i);
      }
      assertThat(indices(b.peer.received("translation_result"))).containsExactly(0, 1, 2);
    }
  }

  @Test
  void aTurnClosedWithoutItsLastCutFreesItsSlotOnceItsJobsEnd(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("session.maxDurationMs", "1000", "session.pauseMs", "60000"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 1, "en>es");
        Browser first = Browser.connect(vertx, s.port()).start();
        Browser second = Browser.connect(vertx, s.port()).start()) {
      for (int seq = 0; seq < 6; seq++) {
        first.chunk(seq, 200, false); // one max-duration cut; the rest waits for a cut that will not come
      }
      JsonObject segment = node.awaitAssigns(1).get(0);
      second.utterance(0, 400, true); // the node's only slot is the open turn's
      node.answer(segment);
      first.awaitResult(0);
      assertThat(node.assigns()).as("the open turn still holds the slot").hasSize(1);

      vertx.eventBus().send(Addresses.DISPATCH_CLOSE,
          new TurnRef(segment.getString("turn_id"), 0, null, "lease_moved"));

      JsonObject queued = node.awaitAssigns(2).get(1);
      assertThat(queued.getString("session_id")).isEqualTo(second.sessionId);
      second.awaitResult(0);
    }
  }

  @Test
  void aSilentNodeLosesItsTurnToAnotherNodeAndItsLateResultIsDropped(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("timeout.baseMs", "0", "timeout.minMs", "800",
        "timeout.maxMs", "1000"));
    try (FakeNode silent = FakeNode.register(vertx, s.port(), "silent", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      silent.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 500, false);
      b.utterance(1, 500, true);
      List<JsonObject> first = silent.awaitAssigns(2);
      try (FakeNode good = FakeNode.register(vertx, s.port(), "good", 4, "en>es")) {
        List<JsonObject> moved = good.awaitAssigns(2);
        assertThat(moved).extracting(a -> a.getInteger("attempt_id")).containsExactly(2, 2);
        assertThat(moved).extracting(a -> a.getInteger("segment_index")).containsExactly(0, 1);
        silent.await(f -> "job_cancel".equals(f.getString("type"))
            && "job_timeout".equals(f.getString("reason")), Peer.WAIT, "job_cancel");
        b.awaitResult(0);
        b.awaitResult(1);

        silent.write(silent.result(first.get(0), true).put("text_asr", "late").put("text_translated", "late"));
        silent.await(f -> "error".equals(f.getString("type")) && "STALE_ATTEMPT".equals(f.getString("code")),
            Peer.WAIT, "STALE_ATTEMPT");
        List<JsonObject> results = b.peer.drain(Duration.ofMillis(300)).stream()
            .filter(f -> "translation_result".equals(f.getString("type"))).toList();
        assertThat(indices(results)).containsExactly(0, 1);
        assertThat(results).extracting(r -> r.getString("text_asr")).doesNotContain("late");
      }
    }
  }

  @Test
  void aNodeWhoseSocketClosesMidTurnHasItsTurnMovedWithinOneSecond(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    Browser b = Browser.connect(vertx, s.port()).start();
    FakeNode first = FakeNode.register(vertx, s.port(), "first", 4, "en>es");
    first.answer = FakeNode.Answer.NEVER;
    b.utterance(0, 500, false);
    first.awaitAssigns(1);
    try (FakeNode second = FakeNode.register(vertx, s.port(), "second", 4, "en>es")) {
      long closedAt = System.nanoTime();
      first.close();
      JsonObject moved = second.await(f -> "job_assign".equals(f.getString("type")), Duration.ofSeconds(1),
          "the moved job");
      assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
      assertThat(moved.getInteger("attempt_id")).isEqualTo(2);
      assertThat(moved.getInteger("utterance_index")).isEqualTo(0);
      b.utterance(1, 500, true);
      b.awaitResult(0);
      b.awaitResult(1);
    } finally {
      b.close();
    }
  }

  @Test
  void aTurnWithAnAnsweredJobHasItsOpenJobSentAgainWhenItsNodeIsLost(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    Browser b = Browser.connect(vertx, s.port()).start();
    FakeNode first = FakeNode.register(vertx, s.port(), "first", 4, "en>es");
    first.answer = FakeNode.Answer.NEVER;
    b.utterance(0, 400, false);
    b.utterance(1, 400, true); // one turn of two jobs
    List<JsonObject> assigns = first.awaitAssigns(2);
    assertThat(assigns).extracting(a -> a.getString("turn_id")).containsOnly(assigns.get(0).getString("turn_id"));
    first.answer(assigns.get(0));
    b.awaitResult(0);
    try (FakeNode second = FakeNode.register(vertx, s.port(), "second", 4, "en>es")) {
      first.close();

      JsonObject moved = second.await(f -> "job_assign".equals(f.getString("type")), Peer.WAIT, "the open job");
      assertThat(moved.getInteger("utterance_index")).isEqualTo(1);
      assertThat(moved.getInteger("attempt_id")).isEqualTo(2);
      b.awaitResult(1);
    } finally {
      b.close();
    }
  }

  @Test
  void aNodeThatFailsAJobHasItsTurnMovedToAnotherNode(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode first = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      first.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 400, true);
      JsonObject assign = first.awaitAssigns(1).get(0);
      try (FakeNode second = FakeNode.register(vertx, s.port(), "n2", 4, "en>es")) {
        first.write(first.result(assign, false).put("error", new JsonObject().put("code", "ASR_FAILED")
            .put("message", "recogniser crashed")));

        JsonObject retried = second.awaitAssigns(1).get(0);
        assertThat(retried.getString("job_id")).isEqualTo(assign.getString("job_id"));
        assertThat(retried.getInteger("attempt_id")).isEqualTo(2);
        assertThat(b.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
      }
    }
  }

  @Test
  void audioANodeCannotDecodeEndsMissingAtOnceWithoutARetry(Vertx vertx) {
    // a retry would wait for another node (the failed one is excluded) and end no_available_node much later
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "30000"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 400, true);
      JsonObject assign = node.awaitAssigns(1).get(0);
      node.write(node.result(assign, false).put("error", new JsonObject().put("code", "BAD_AUDIO")
          .put("message", "the job's audio cannot be decoded")));

      JsonObject missing = b.peer.await(f -> "missing_result".equals(f.getString("type")), Peer.WAIT,
          "missing_result");
      assertThat(missing.getString("reason")).isEqualTo("node_error");
      assertThat(missing.getString("job_id")).isEqualTo(assign.getString("job_id"));
      b.utterance(1, 400, true);
      node.awaitAssigns(2);
      assertThat(node.assigns()).extracting(a -> a.getInteger("attempt_id")).containsExactly(1, 1);
    }
  }

  @Test
  void aJobWithNoTextIsSkippedWithoutHoldingTheOthersBack(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("timeout.baseMs", "0", "timeout.minMs", "1000",
        "timeout.maxMs", "1000"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.textFor = a -> a.getInteger("segment_index") == 1 ? null : "text " + a.getInteger("utterance_index");
      b.utterance(0, 400, false);
      b.utterance(1, 400, false);
      b.utterance(2, 400, true);
      b.awaitResult(0);
      b.awaitResult(2);
      List<JsonObject> all = b.peer.drain(Duration.ofMillis(1500)); // past the turn's deadline
      assertThat(indices(b.peer.received("translation_result"))).containsExactly(0, 2);
      assertThat(b.peer.received("missing_result")).isEmpty();
      assertThat(node.frames("job_cancel")).isEmpty();
      assertThat(all).noneMatch(f -> "JOB_TIMEOUT".equals(f.getString("event")));
    }
  }

  @Test
  void resultsReturnedOutOfOrderAreDeliveredInOrderAndALostJobBecomesMissing(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.maxAttempts", "1", "dispatch.ackTimeoutMs", "300"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 8, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER;
      for (int i = 0; i < 3; i++) {
        b.utterance(i, 300, true);
      }
      List<JsonObject> assigns = node.awaitAssigns(3);
      node.answer(assigns.get(2));
      node.answer(assigns.get(0));
      b.awaitResult(0);
      node.answer(assigns.get(1));
      b.awaitResult(2);
      assertThat(indices(b.peer.received("translation_result"))).containsExactly(0, 1, 2);

      node.ack = false; // index 3 is never acknowledged: lost, and with one attempt, missing
      b.utterance(3, 300, true);
      node.awaitAssigns(4);
      node.ack = true;
      b.utterance(4, 300, true);
      node.answer(node.awaitAssigns(5).get(4));
      JsonObject missing = b.peer.await("missing_result");
      assertThat(missing.getInteger("utterance_index")).isEqualTo(3);
      assertThat(missing.getString("reason")).isEqualTo("job_timeout");
      b.awaitResult(4);
      List<JsonObject> outcomes = b.peer.received().stream().filter(f -> f.getString("type").endsWith("_result"))
          .toList();
      assertThat(indices(outcomes)).containsExactly(0, 1, 2, 3, 4);
    }
  }

  @Test
  void aResentUtteranceMakesOneJobAndAnOutOfSequenceIndexIsRefused(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 300, true);
      b.utterance(0, 300, true);
      b.peer.awaitError("DUPLICATE");
      b.utterance(5, 300, true);
      b.peer.awaitError("BAD_INDEX");
      b.awaitResult(0);
      b.peer.drain(Duration.ofMillis(300));
      assertThat(node.assigns()).hasSize(1);
      assertThat(b.peer.received("translation_result")).hasSize(1);
    }
  }

  @Test
  void aClientThatResumesGetsEveryResultItMissedOnce(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es")) {
      node.answer = FakeNode.Answer.NEVER;
      Browser b = Browser.connect(vertx, s.port()).start();
      b.utterance(0, 300, true);
      b.utterance(1, 300, true);
      List<JsonObject> assigns = node.awaitAssigns(2);
      node.answer(assigns.get(0));
      b.awaitResult(0);
      b.close();
      node.answer(assigns.get(1)); // delivered while the client is away

      try (Browser again = Browser.connect(vertx, s.port())) {
        again.peer.send(new JsonObject().put("type", "session_init").put("src_lang", "en").put("tgt_lang", "es")
            .put("resume_token", b.resumeToken).put("last_utterance_index", 0));
        JsonObject ack = again.peer.await("session_init_ack");
        assertThat(ack.getString("session_id")).isEqualTo(b.sessionId);
        again.sessionId = b.sessionId;
        JsonObject missed = again.awaitResult(1);
        assertThat(missed.getString("job_id")).isEqualTo(assigns.get(1).getString("job_id"));
        again.utterance(2, 300, true);
        node.answer(node.awaitAssigns(3).get(2));
        again.awaitResult(2);
        again.peer.drain(Duration.ofMillis(300));
        assertThat(indices(again.peer.received("translation_result"))).containsExactly(1, 2);
      }
    }
  }

  @Test
  void aJobNoNodeCanTakeWaitsThenIsPlacedWhenANodeRegisters(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "5000"));
    try (Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 300, true);
      JsonObject event = b.peer.await(f -> "NO_AVAILABLE_NODE".equals(f.getString("event")), Peer.WAIT,
          "NO_AVAILABLE_NODE");
      assertThat(event.getInteger("utterance_index")).isZero();
      try (FakeNode node = FakeNode.register(vertx, s.port(), "late", 4, "en>es")) {
        b.awaitResult(0);
        assertThat(node.assigns()).hasSize(1);
      }
    }
  }

  @Test
  void aJobNoNodeTakesEndsMissingAfterThePendingTimeout(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "400"));
    try (FakeNode other = FakeNode.register(vertx, s.port(), "fr-only", 4, "en>fr");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 300, true);
      JsonObject missing = b.peer.await("missing_result");
      assertThat(missing.getString("reason")).isEqualTo("no_available_node");
      assertThat(other.assigns()).isEmpty();
      assertThat(b.peer.received()).filteredOn(f -> "NO_AVAILABLE_NODE".equals(f.getString("event"))).hasSize(1);
    }
  }

  @Test
  void aFullNodeIsSkippedButTakesTheLaterJobsOfItsOpenTurns(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "10000"));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "one-slot", 1, "en>es");
        Browser a = Browser.connect(vertx, s.port()).start();
        Browser other = Browser.connect(vertx, s.port()).start()) {
      a.utterance(0, 300, false); // opens a turn: the node's only slot
      node.awaitAssigns(1);
      other.utterance(0, 300, true); // no slot left: waits
      other.peer.await(f -> "NO_AVAILABLE_NODE".equals(f.getString("event")), Peer.WAIT, "NO_AVAILABLE_NODE");
      a.utterance(1, 300, true); // the open turn's next job rides on its slot
      a.awaitResult(0);
      a.awaitResult(1);
      other.awaitResult(0); // the slot freed when a's turn ended
      List<JsonObject> assigns = node.assigns();
      assertThat(assigns).extracting(x -> x.getString("session_id"))
          .containsExactly(a.sessionId, a.sessionId, other.sessionId);
    }
  }

  @Test
  void aNewTurnWhoseFirstRankedNodesAreFullIsPlacedOnANodeFurtherDownTheRanking(Vertx vertx) {
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of("dispatch.pendingTimeoutMs", "10000"), store);
    List<FakeNode> full = new ArrayList<>();
    try (FakeNode spare = FakeNode.register(vertx, s.port(), "spare", 2, "en>es");
        Browser holder = Browser.connect(vertx, s.port()).start();
        Browser b = Browser.connect(vertx, s.port()).start()) {
      holder.utterance(0, 300, false); // an open turn on one of spare's two slots: it ranks below idle nodes
      spare.awaitAssigns(1);
      for (int i = 0; i < DispatchVerticle.FIRST_STEP_CANDIDATES; i++) {
        full.add(FakeNode.register(vertx, s.port(), "full-" + i, 1, "en>es"));
      }
      for (int i = 0; i < DispatchVerticle.FIRST_STEP_CANDIDATES; i++) {
        // taken in the store as another instance would take it: this instance still ranks the node idle
        assertThat(Await.result(store.tryReserve("full-" + i, "elsewhere-" + i))).isEqualTo(Reservation.OK);
      }
      b.utterance(0, 300, true);
      assertThat(spare.awaitAssigns(2).get(1).getString("session_id")).isEqualTo(b.sessionId);
      assertThat(b.awaitResult(0).getString("text_translated")).isEqualTo("[es] text 0");
      assertThat(b.peer.received()).noneMatch(f -> "NO_AVAILABLE_NODE".equals(f.getString("event")));
      assertThat(full).allSatisfy(n -> assertThat(n.assigns()).isEmpty());
    } finally {
      full.forEach(FakeNode::close);
    }
  }

  @Test
  void closingWithDoneDeliversEveryOutcomeBeforeTheAck(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 300, true);
      b.utterance(1, 300, true);
      List<JsonObject> assigns = node.awaitAssigns(2);
      b.peer.send(new JsonObject().put("type", "session_close").put("session_id", b.sessionId));
      b.peer.drain(Duration.ofMillis(200));
      assertThat(b.peer.received("session_close_ack")).isEmpty(); // still waiting for both results
      node.answer(assigns.get(1));
      node.answer(assigns.get(0));
      b.peer.await("session_close_ack");
      List<String> types = b.peer.received().stream().map(f -> f.getString("type"))
          .filter(t -> !t.equals("ui_event")).toList();
      assertThat(types).containsSubsequence("translation_result", "translation_result", "session_close_ack");
      assertThat(types.indexOf("session_close_ack")).isEqualTo(types.size() - 1);
      b.peer.awaitClosed(Duration.ofSeconds(5));
    }
  }

  @Test
  void abortingCancelsTheUnfinishedJobsAtOnce(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 1, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      node.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 300, false);
      JsonObject assign = node.awaitAssigns(1).get(0);
      b.peer.send(new JsonObject().put("type", "session_close").put("session_id", b.sessionId)
          .put("reason", "abort"));
      b.peer.await("session_close_ack");
      JsonObject cancel = node.await(f -> "job_cancel".equals(f.getString("type")), Peer.WAIT, "job_cancel");
      assertThat(cancel.getString("job_id")).isEqualTo(assign.getString("job_id"));
      assertThat(cancel.getString("reason")).isEqualTo("session_closed");
      try (Browser next = Browser.connect(vertx, s.port()).start()) {
        node.answer = FakeNode.Answer.AT_TURN_END;
        next.utterance(0, 300, true); // the node's only slot was released by the abort
        next.awaitResult(0);
      }
    }
  }

  @Test
  void aNodeThatStopsBeatingIsLostAndItsTurnMoves(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("node.heartbeatTimeoutMs", "600"));
    try (FakeNode mute = FakeNode.register(vertx, s.port(), "mute", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      mute.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 300, true);
      mute.awaitAssigns(1);
      try (FakeNode alive = FakeNode.register(vertx, s.port(), "alive", 4, "en>es")) {
        alive.beatEvery(vertx, 100);
        JsonObject moved = alive.await(f -> "job_assign".equals(f.getString("type")), Duration.ofSeconds(3),
            "the moved job");
        assertThat(moved.getInteger("attempt_id")).isEqualTo(2);
        b.awaitResult(0);
        assertThat(b.peer.received()).anyMatch(f -> "JOB_FAILOVER".equals(f.getString("event")));
      }
    }
  }

  @Test
  void queuedJobsArePlacedFirstInFirstOut(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (Browser first = Browser.connect(vertx, s.port()).start();
        Browser second = Browser.connect(vertx, s.port()).start();
        Browser third = Browser.connect(vertx, s.port()).start()) {
      for (Browser b : List.of(first, second, third)) {
        b.utterance(0, 300, true);
        b.peer.await(f -> "NO_AVAILABLE_NODE".equals(f.getString("event")), Peer.WAIT, "NO_AVAILABLE_NODE");
      }
      try (FakeNode node = FakeNode.register(vertx, s.port(), "one-slot", 1, "en>es")) {
        node.answer = FakeNode.Answer.NEVER;
        for (int n = 1; n <= 3; n++) {
          List<JsonObject> assigns = node.awaitAssigns(n);
          node.answer(assigns.get(n - 1)); // frees the only slot for the next in line
        }
        assertThat(node.assigns()).extracting(a -> a.getString("session_id"))
            .containsExactly(first.sessionId, second.sessionId, third.sessionId);
        first.awaitResult(0);
        second.awaitResult(0);
        third.awaitResult(0);
      }
    }
  }
}
