package dev.parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.parley.store.NodeInfo.NodeStatus;
import dev.parley.store.SchedulerStore.DispatchPlan;
import dev.parley.store.Transition.Outcome;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SchedulerStore} must do, tested through the interface only so each implementation runs the same
 * suite. Results are awaited as futures, so stores that answer asynchronously work too.
 */
abstract class SchedulerStoreContract {
  private static final String EN_ES = NodeInfo.pair("en", "es");
  private static final Set<JobState> OPEN = JobState.OPEN;
  /** The PENDING deadline a failover arms, as dispatch.pendingTimeoutMs would have it. */
  private static final long PENDING_MS = 10_000;

  protected SchedulerStore store;

  /** A new, empty store. */
  protected abstract SchedulerStore newStore();

  /** Moves the clock of the store last made by {@link #newStore()} forward by {@code ms}. */
  protected abstract void advanceClock(long ms);

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  protected static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("store call failed", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("store call did not complete", e);
    }
  }

  /** Runs every task on its own thread, all released at once, and returns their results in task order. */
  protected static <T> List<T> race(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<java.util.concurrent.Future<T>> running = new ArrayList<>();
      for (Callable<T> task : tasks) {
        running.add(pool.submit(() -> {
          start.await();
          return task.call();
        }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (java.util.concurrent.Future<T> f : running) {
        results.add(f.get(10, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  // --- fixtures ------------------------------------------------------------------------------------------------------

  protected static NodeInfo node(String nodeId, String connId, int maxJobs, NodeStatus status) {
    return new NodeInfo(nodeId, connId, "instance-1", maxJobs, Set.of(EN_ES), status, 0, 0, 1_000);
  }

  protected static JobInfo job(String jobId, String sessionId, String turnId, long utteranceIndex, int segment) {
    return new JobInfo(jobId, sessionId, turnId, utteranceIndex, segment, 1, JobState.CREATED, null, Set.of(),
        new byte[] {1, 2, 3, 4}, "pcm16", 16000, 100, "MANUAL", "en", "es", "trace-" + jobId, 1_000,
        utteranceIndex * 10 + 9);
  }

  protected static SessionInfo session(String sessionId, String token) {
    return new SessionInfo(sessionId, token, "en", "es", "opus", 16000, false, "trace-" + sessionId, "instance-1",
        "", 0, -1, 0, 0);
  }

  private NodeInfo storedNode(String nodeId) {
    return await(store.nodes()).stream().filter(n -> n.nodeId().equals(nodeId)).findFirst().orElse(null);
  }

  /** A node of the given capacity holding turn {@code turnId}, which is made of jobs {@code jobIds} of session s1. */
  private TurnInfo placedTurn(String nodeId, int capacity, String turnId, boolean closed, String... jobIds) {
    if (storedNode(nodeId) == null) {
      await(store.putNode(node(nodeId, nodeId + "-c1", capacity, NodeStatus.READY)));
    }
    addTurn("s1", turnId, closed, jobIds);
    assertThat(await(store.tryReserve(nodeId, turnId))).isEqualTo(Reservation.OK);
    return await(store.bindTurn(turnId, nodeId, nodeId + "-c1"));
  }

  private long nextIndex;

  private void addTurn(String sessionId, String turnId, boolean closed, String... jobIds) {
    for (int i = 0; i < jobIds.length; i++) {
      boolean last = i == jobIds.length - 1;
      await(store.addJob(job(jobIds[i], sessionId, turnId, nextIndex++, i), closed && last));
    }
  }

  // --- nodes ---------------------------------------------------------------------------------------------------------

  @Nested
  class Nodes {
    @Test
    void aRegisteredNodeIsListed() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));

      NodeInfo n = storedNode("n1");
      assertThat(n).isNotNull();
      assertThat(n.connId()).isEqualTo("c1");
      assertThat(n.instanceId()).isEqualTo("instance-1");
      assertThat(n.maxJobs()).isEqualTo(2);
      assertThat(n.pairs()).containsExactly(EN_ES);
      assertThat(n.status()).isEqualTo(NodeStatus.READY);
      assertThat(n.reserved()).isZero();
      assertThat(await(store.nodes())).hasSize(1);
    }

    @Test
    void aHeartbeatFromTheCurrentConnectionUpdatesTheNode() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      long before = await(store.timeMs());

      assertThat(await(store.heartbeat("n1", "c1", NodeStatus.DEGRADED, 1))).isEqualTo(HeartbeatOutcome.RECORDED);

      NodeInfo n = storedNode("n1");
      assertThat(n.status()).isEqualTo(NodeStatus.DEGRADED);
      assertThat(n.running()).isEqualTo(1);
      assertThat(n.lastHeartbeatMs()).as("on the store's clock").isBetween(before, await(store.timeMs()));
    }

    @Test
    void puttingANodeTellsWhichConnectionItReplaced() {
      assertThat(await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)))).isNull();
      assertThat(await(store.putNode(node("n1", "c1", 2, NodeStatus.DEGRADED)))).as("the same one again").isNull();
      assertThat(await(store.putNode(node("n1", "c2", 2, NodeStatus.READY)))).isEqualTo("c1");
      assertThat(await(store.putNode(node("n2", "c1", 2, NodeStatus.READY)))).as("another node").isNull();
    }

    @Test
    void aHeartbeatFromAStaleConnectionIsRefusedAndChangesNothing() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      await(store.putNode(node("n1", "c2", 2, NodeStatus.READY)));
      long heardAt = storedNode("n1").lastHeartbeatMs();

      assertThat(await(store.heartbeat("n1", "c1", NodeStatus.DRAINING, 2)))
          .isEqualTo(HeartbeatOutcome.OTHER_CONNECTION);
      assertThat(await(store.heartbeat("unknown", "c1", NodeStatus.READY, 0)))
          .isEqualTo(HeartbeatOutcome.UNKNOWN_NODE);

      NodeInfo n = storedNode("n1");
      assertThat(n.connId()).isEqualTo("c2");
      assertThat(n.status()).isEqualTo(NodeStatus.READY);
      assertThat(n.lastHeartbeatMs()).isEqualTo(heardAt);
    }

    @Test
    void aNodeIsRemovedOnlyByItsCurrentConnection() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      await(store.putNode(node("n1", "c2", 2, NodeStatus.READY)));

      assertThat(await(store.removeNode("n1", "c1"))).isFalse();
      assertThat(storedNode("n1")).isNotNull();

      assertThat(await(store.removeNode("n1", "c2"))).isTrue();
      assertThat(await(store.nodes())).isEmpty();
      assertThat(await(store.removeNode("n1", "c2"))).isFalse();
      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.NOT_READY);
    }

    @Test
    void aReplacedConnectionsSlotsAreDropped() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);

      await(store.putNode(node("n1", "c2", 1, NodeStatus.READY)));

      assertThat(storedNode("n1").reserved()).isZero();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }

    @Test
    void theSameConnectionPutAgainKeepsItsSlots() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);

      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));

      assertThat(storedNode("n1").reserved()).isEqualTo(1);
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.FULL);
    }
  }

  // --- reservations --------------------------------------------------------------------------------------------------

  @Nested
  class Reservations {
    @Test
    void aNodeTakesAsManyTurnsAsItsCapacityThenIsFull() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));

      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
      assertThat(await(store.tryReserve("n1", "t3"))).isEqualTo(Reservation.FULL);
      assertThat(storedNode("n1").reserved()).isEqualTo(2);
    }

    @Test
    void aTurnThatHoldsASlotGetsOkAgainWithoutTakingAnother() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);

      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);
      assertThat(storedNode("n1").reserved()).isEqualTo(1);
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.FULL);
    }

    @Test
    void anUnknownDrainingOrDegradedNodeIsNotReady() {
      await(store.putNode(node("draining", "c1", 4, NodeStatus.DRAINING)));
      await(store.putNode(node("degraded", "c1", 4, NodeStatus.DEGRADED)));
      await(store.putNode(node("turned-draining", "c1", 4, NodeStatus.READY)));
      await(store.heartbeat("turned-draining", "c1", NodeStatus.DRAINING, 0));

      assertThat(await(store.tryReserve("unknown", "t1"))).isEqualTo(Reservation.NOT_READY);
      assertThat(await(store.tryReserve("draining", "t1"))).isEqualTo(Reservation.NOT_READY);
      assertThat(await(store.tryReserve("degraded", "t1"))).isEqualTo(Reservation.NOT_READY);
      assertThat(await(store.tryReserve("turned-draining", "t1"))).isEqualTo(Reservation.NOT_READY);
      assertThat(storedNode("draining").reserved()).isZero();
    }

    @Test
    void aNodeWithoutCapacityTakesNothing() {
      await(store.putNode(node("n1", "c1", 0, NodeStatus.READY)));

      assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.NO_CAPACITY);
    }

    @Test
    void releaseFreesTheSlotOnceAndIsIdempotent() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      await(store.tryReserve("n1", "t1"));

      assertThat(await(store.release("n1", "t1"))).isTrue();
      assertThat(await(store.release("n1", "t1"))).isFalse();
      assertThat(await(store.release("n1", "never-held"))).isFalse();
      assertThat(await(store.release("unknown", "t1"))).isFalse();

      assertThat(storedNode("n1").reserved()).isZero();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
      assertThat(await(store.tryReserve("n1", "t3"))).isEqualTo(Reservation.FULL);
    }

    @Test
    void concurrentReservationsNeverExceedTheCapacity() throws Exception {
      int capacity = 5;
      await(store.putNode(node("n1", "c1", capacity, NodeStatus.READY)));
      List<Callable<Reservation>> tasks = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String turnId = "t" + i;
        tasks.add(() -> await(store.tryReserve("n1", turnId)));
      }

      List<Reservation> results = race(tasks);

      assertThat(results).filteredOn(r -> r == Reservation.OK).hasSize(capacity);
      assertThat(results).filteredOn(r -> r == Reservation.FULL).hasSize(64 - capacity);
      assertThat(storedNode("n1").reserved()).isEqualTo(capacity);
    }
  }

  // --- job keys ------------------------------------------------------------------------------------------------------

  @Nested
  class JobKeys {
    @Test
    void theFirstJobIdClaimedForAKeyIsReturnedToEveryone() {
      assertThat(await(store.claimJobKey("s1:0", "j1", 60_000))).isEqualTo("j1");
      assertThat(await(store.claimJobKey("s1:0", "j2", 60_000))).isEqualTo("j1");
      assertThat(await(store.claimJobKey("s1:1", "j3", 60_000))).as("another key").isEqualTo("j3");
    }

    @Test
    void anExpiredKeyCanBeClaimedAgain() {
      assertThat(await(store.claimJobKey("s1:0", "j1", 1_000))).isEqualTo("j1");

      advanceClock(500);
      assertThat(await(store.claimJobKey("s1:0", "j2", 1_000))).isEqualTo("j1");

      advanceClock(1_000);
      assertThat(await(store.claimJobKey("s1:0", "j3", 1_000))).isEqualTo("j3");
      assertThat(await(store.claimJobKey("s1:0", "j4", 1_000))).isEqualTo("j3");
    }

    @Test
    void underARaceEveryoneGetsTheSameFirstJobId() throws Exception {
      List<Callable<String>> tasks = new ArrayList<>();
      Set<String> candidates = new HashSet<>();
      for (int i = 0; i < 32; i++) {
        String jobId = "j" + i;
        candidates.add(jobId);
        tasks.add(() -> await(store.claimJobKey("s1:0", jobId, 60_000)));
      }

      List<String> results = race(tasks);

      assertThat(new HashSet<>(results)).hasSize(1);
      assertThat(candidates).contains(results.get(0));
      assertThat(await(store.claimJobKey("s1:0", "late", 60_000))).isEqualTo(results.get(0));
    }
  }

  // --- jobs and turns ------------------------------------------------------------------------------------------------

  @Nested
  class JobsAndTurns {
    @Test
    void addJobBuildsTheTurnInSegmentOrderAndClosesIt() {
      TurnInfo first = await(store.addJob(job("j0", "s1", "t1", 0, 0), false));
      assertThat(first.turnId()).isEqualTo("t1");
      assertThat(first.sessionId()).isEqualTo("s1");
      assertThat(first.srcLang()).isEqualTo("en");
      assertThat(first.tgtLang()).isEqualTo("es");
      assertThat(first.jobIds()).containsExactly("j0");
      assertThat(first.closed()).isFalse();
      assertThat(first.isPlaced()).isFalse();

      await(store.addJob(job("j1", "s1", "t1", 1, 1), false));
      TurnInfo last = await(store.addJob(job("j2", "s1", "t1", 2, 2), true));

      assertThat(last.jobIds()).containsExactly("j0", "j1", "j2");
      assertThat(last.closed()).isTrue();
      assertThat(await(store.turn("t1"))).isEqualTo(last);
      assertThat(await(store.turnJobs("t1"))).extracting(JobInfo::jobId).containsExactly("j0", "j1", "j2");
    }

    @Test
    void aStoredJobIsFoundByIdAndBySessionIndex() {
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.addJob(job("j1", "s1", "t2", 1, 0), true));

      JobInfo j = await(store.job("j1"));
      assertThat(j.sessionId()).isEqualTo("s1");
      assertThat(j.turnId()).isEqualTo("t2");
      assertThat(j.utteranceIndex()).isEqualTo(1);
      assertThat(j.attempt()).isEqualTo(1);
      assertThat(j.state()).isEqualTo(JobState.CREATED);
      assertThat(j.audio()).containsExactly(1, 2, 3, 4);
      assertThat(j.durationMs()).isEqualTo(100);
      assertThat(await(store.jobAt("s1", 1))).extracting(JobInfo::jobId).isEqualTo("j1");
      assertThat(await(store.jobAt("s1", 7))).isNull();
      assertThat(await(store.jobAt("s2", 0))).isNull();
      assertThat(await(store.job("unknown"))).isNull();
      assertThat(await(store.turn("unknown"))).isNull();
      assertThat(await(store.turnJobs("unknown"))).isEmpty();
    }

    @Test
    void theJobsOfARangeOfIndexesAreReadInOneCallWithAGapWhereNoneWasMade() {
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.addJob(job("j2", "s1", "t3", 2, 0), true));
      await(store.addJob(job("other", "s2", "t9", 1, 0), true));

      List<JobInfo> jobs = await(store.jobsFrom("s1", 0, 4));

      assertThat(jobs).hasSize(4);
      assertThat(jobs.get(0).jobId()).isEqualTo("j0");
      assertThat(jobs.get(0).state()).isEqualTo(JobState.CREATED);
      assertThat(jobs.get(1)).as("no job for index 1").isNull();
      assertThat(jobs.get(2).jobId()).isEqualTo("j2");
      assertThat(jobs.get(3)).isNull();
      assertThat(jobs.get(2).audio()).as("left out: only the state is wanted").isNullOrEmpty();
      assertThat(await(store.jobsFrom("s1", 1, 2))).extracting(j -> j == null ? null : j.jobId())
          .containsExactly(null, "j2");
    }

    @Test
    void bindingPlacesTheTurnAndItsOpenJobsInANewEpoch() {
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      await(store.putNode(node("n2", "c1", 2, NodeStatus.READY)));
      addTurn("s1", "t1", false, "j0");
      await(store.tryReserve("n1", "t1"));

      TurnInfo bound = await(store.bindTurn("t1", "n1", "c1"));

      assertThat(bound.nodeId()).isEqualTo("n1");
      assertThat(bound.connId()).isEqualTo("c1");
      assertThat(await(store.job("j0")).nodeId()).isEqualTo("n1");

      await(store.addJob(job("j1", "s1", "t1", 1, 1), true));
      assertThat(await(store.job("j1")).nodeId()).as("a later job rides on the turn's node").isEqualTo("n1");

      await(store.unbindTurn("t1", bound.epoch()));
      await(store.tryReserve("n2", "t1"));
      TurnInfo moved = await(store.bindTurn("t1", "n2", "c1"));
      assertThat(moved.epoch()).isEqualTo(bound.epoch() + 1);
      assertThat(await(store.turnJobs("t1"))).extracting(JobInfo::nodeId).containsOnly("n2");
      assertThat(await(store.bindTurn("unknown", "n1", "c1"))).isNull();
    }

    @Test
    void unbindingWithTheCurrentEpochReleasesTheSlotAndAStaleEpochChangesNothing() {
      TurnInfo bound = placedTurn("n1", 1, "t1", false, "j0");

      assertThat(await(store.unbindTurn("t1", bound.epoch() - 1))).isNull();
      assertThat(await(store.turn("t1")).nodeId()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.FULL);

      TurnInfo was = await(store.unbindTurn("t1", bound.epoch()));
      assertThat(was.nodeId()).as("the turn as it was").isEqualTo("n1");
      assertThat(await(store.turn("t1")).isPlaced()).isFalse();
      assertThat(await(store.release("n1", "t1"))).as("already released").isFalse();
      assertThat(storedNode("n1").reserved()).isZero();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);

      assertThat(await(store.unbindTurn("t1", bound.epoch()))).as("already off its node").isNull();
      assertThat(await(store.unbindTurn("unknown", 1))).isNull();
    }
  }

  // --- transitions ---------------------------------------------------------------------------------------------------

  @Nested
  class Transitions {
    @Test
    void aTransitionAppliesOnlyForTheCurrentAttemptNodeAndState() {
      placedTurn("n1", 2, "t1", true, "j0");

      Transition staleAttempt = await(store.transition("j0", 2, null, OPEN, JobState.DISPATCHED));
      assertThat(staleAttempt.outcome()).isEqualTo(Outcome.STALE);
      Transition wrongNode = await(store.transition("j0", 1, "n2", OPEN, JobState.DISPATCHED));
      assertThat(wrongNode.outcome()).isEqualTo(Outcome.STALE);
      Transition wrongState = await(store.transition("j0", 1, "n1", Set.of(JobState.DISPATCHED), JobState.ACKED));
      assertThat(wrongState.outcome()).isEqualTo(Outcome.WRONG_STATE);
      assertThat(await(store.transition("unknown", 1, null, OPEN, JobState.DISPATCHED)).outcome())
          .isEqualTo(Outcome.STALE);
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.CREATED);

      Transition applied = await(store.transition("j0", 1, "n1", Set.of(JobState.CREATED), JobState.DISPATCHED));
      assertThat(applied.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(applied.applied()).isTrue();
      assertThat(applied.job().state()).isEqualTo(JobState.DISPATCHED);
      assertThat(applied.releasedNode()).isNull();
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.DISPATCHED);
    }

    @Test
    void aSecondResultForTheSameAttemptIsAWrongState() {
      placedTurn("n1", 2, "t1", true, "j0");
      await(store.transition("j0", 1, "n1", OPEN, JobState.ACKED));

      assertThat(await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED)).outcome())
          .isEqualTo(Outcome.APPLIED);
      Transition repeat = await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED_NO_TEXT));

      assertThat(repeat.outcome()).isEqualTo(Outcome.WRONG_STATE);
      assertThat(repeat.releasedNode()).isNull();
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void endingTheLastOpenJobOfAClosedTurnReleasesItsSlotExactlyOnce() {
      placedTurn("n1", 1, "t1", true, "j0", "j1");

      Transition first = await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED_NO_TEXT));
      assertThat(first.releasedNode()).as("j1 is still open").isNull();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.FULL);

      Transition last = await(store.transition("j1", 1, "n1", OPEN, JobState.COMPLETED));
      assertThat(last.outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(last.releasedNode()).isEqualTo("n1");

      assertThat(await(store.transition("j1", 1, "n1", OPEN, JobState.COMPLETED)).releasedNode()).isNull();
      assertThat(await(store.release("n1", "t1"))).isFalse();
      assertThat(storedNode("n1").reserved()).isZero();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }

    @Test
    void anOpenTurnKeepsItsSlotWhenItsJobsEndUntilItCloses() {
      placedTurn("n1", 1, "t1", false, "j0");

      Transition ended = await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED_NO_TEXT));
      assertThat(ended.releasedNode()).isNull();
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.FULL);

      await(store.addJob(job("j1", "s1", "t1", 1, 1), true));
      assertThat(await(store.tryReserve("n1", "t2"))).as("the closing job is open").isEqualTo(Reservation.FULL);

      Transition closing = await(store.transition("j1", 1, "n1", OPEN, JobState.COMPLETED_NO_TEXT));
      assertThat(closing.releasedNode()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }

    @Test
    void aCancelledJobEndsItsTurn() {
      placedTurn("n1", 1, "t1", false, "j0");

      Transition cancelled = await(store.transition("j0", 1, null, OPEN, JobState.CANCELLED));

      assertThat(cancelled.releasedNode()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }
  }

  // --- failover ------------------------------------------------------------------------------------------------------

  @Nested
  class Failover {
    @Test
    void failoverSendsTheJobBackWithTheNextAttemptExcludingTheFailedNode() {
      placedTurn("n1", 2, "t1", true, "j0");
      await(store.transition("j0", 1, "n1", OPEN, JobState.ACKED));

      Transition moved = await(store.failover("j0", 1, "n1", 3, PENDING_MS));

      assertThat(moved.outcome()).isEqualTo(Outcome.APPLIED);
      JobInfo j = await(store.job("j0"));
      assertThat(j.attempt()).isEqualTo(2);
      assertThat(j.state()).isEqualTo(JobState.CREATED);
      assertThat(j.excludedNodes()).containsExactly("n1");
      assertThat(j.jobId()).isEqualTo("j0");
    }

    @Test
    void aJobSentBackHasItsPendingDeadlineArmedUntilAPlacementSendsIt() {
      placedTurn("n1", 2, "t1", true, "j0");
      long now = await(store.timeMs());
      await(store.disarm(Deadline.Kind.RESULT, "t1"));

      await(store.failover("j0", 1, "n1", 3, PENDING_MS));

      // nobody places it: its PENDING deadline still comes due, so the job ends
      assertThat(await(store.claimExpired(now + PENDING_MS - 1_000, "i1"))).isEmpty();
      assertThat(await(store.claimExpired(now + PENDING_MS + 1_000, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.PENDING, "j0", 2));

      // placed again: the placement takes its PENDING deadline away
      await(store.failover("j0", 2, "n2", 3, PENDING_MS));
      await(store.putNode(node("n3", "n3-c1", 2, NodeStatus.READY)));
      SchedulerStore.PlacedTurn placed = await(store.placeTurn("t1", List.of(storedNode("n3")),
          List.of(await(store.job("j0"))), 2_000, -1));
      assertThat(placed.nodeId()).isEqualTo("n3");
      assertThat(await(store.claimExpired(now + 10 * PENDING_MS, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.ACK, "j0", 3));
    }

    @Test
    void aLateResultOfTheOldAttemptIsStale() {
      placedTurn("n1", 2, "t1", true, "j0");
      await(store.failover("j0", 1, "n1", 3, PENDING_MS));

      assertThat(await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED)).outcome())
          .isEqualTo(Outcome.STALE);
      assertThat(await(store.failover("j0", 1, "n1", 3, PENDING_MS)).outcome()).as("a repeated failover")
          .isEqualTo(Outcome.STALE);
      assertThat(await(store.job("j0")).attempt()).isEqualTo(2);
    }

    @Test
    void afterMaxAttemptsTheJobFails() {
      placedTurn("n1", 2, "t1", true, "j0");

      assertThat(await(store.failover("j0", 1, "n1", 3, PENDING_MS)).outcome()).isEqualTo(Outcome.APPLIED);
      assertThat(await(store.failover("j0", 2, "n2", 3, PENDING_MS)).outcome()).isEqualTo(Outcome.APPLIED);
      Transition exhausted = await(store.failover("j0", 3, "n3", 3, PENDING_MS));

      assertThat(exhausted.outcome()).isEqualTo(Outcome.EXHAUSTED);
      JobInfo j = await(store.job("j0"));
      assertThat(j.state()).isEqualTo(JobState.FAILED);
      assertThat(j.attempt()).isEqualTo(3);
      assertThat(j.excludedNodes()).containsExactlyInAnyOrder("n1", "n2", "n3");
      assertThat(await(store.failover("j0", 3, "n3", 3, PENDING_MS)).outcome()).isEqualTo(Outcome.WRONG_STATE);
    }

    @Test
    void anEndedJobIsNotFailedOver() {
      placedTurn("n1", 2, "t1", true, "j0");
      await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED));

      assertThat(await(store.failover("j0", 1, "n1", 3, PENDING_MS)).outcome()).isEqualTo(Outcome.WRONG_STATE);
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void exhaustingTheLastOpenJobOfAClosedTurnReleasesItsSlot() {
      placedTurn("n1", 1, "t1", true, "j0");

      Transition exhausted = await(store.failover("j0", 1, "n1", 1, PENDING_MS));

      assertThat(exhausted.outcome()).isEqualTo(Outcome.EXHAUSTED);
      assertThat(exhausted.releasedNode()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }
  }

  // --- closing a turn no job closes -------------------------------------------------------------------------------

  @Nested
  class ClosingTurns {
    @Test
    void aTurnClosedWithAJobStillOpenKeepsItsSlotUntilThatJobEnds() {
      placedTurn("n1", 1, "t1", false, "j0");

      SchedulerStore.ClosedTurn closed = await(store.closeTurn("t1"));

      assertThat(closed.turn().closed()).isTrue();
      assertThat(closed.releasedNode()).isNull();
      assertThat(await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED)).releasedNode()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
    }

    @Test
    void aTurnWhoseJobsAllEndedIsDoneWhenClosed() {
      placedTurn("n1", 1, "t1", false, "j0");
      await(store.transition("j0", 1, "n1", OPEN, JobState.COMPLETED));
      assertThat(await(store.tryReserve("n1", "t2"))).as("the open turn holds the slot").isEqualTo(Reservation.FULL);

      SchedulerStore.ClosedTurn closed = await(store.closeTurn("t1"));

      assertThat(closed.releasedNode()).isEqualTo("n1");
      assertThat(await(store.tryReserve("n1", "t2"))).isEqualTo(Reservation.OK);
      assertThat(await(store.closeTurn("t1")).releasedNode()).as("freed once").isNull();
    }

    @Test
    void anUnknownTurnIsNotMade() {
      assertThat(await(store.closeTurn("never-made"))).isNull();
      assertThat(await(store.turn("never-made"))).isNull();
    }
  }

  // --- open turns ----------------------------------------------------------------------------------------------------

  @Nested
  class OpenTurns {
    @Test
    void openTurnsAreListedByNodeAndBySession() {
      placedTurn("n1", 4, "on-n1", false, "a0");
      placedTurn("n1", 4, "done-on-n1", true, "b0");
      await(store.transition("b0", 1, "n1", OPEN, JobState.COMPLETED));
      placedTurn("n2", 4, "on-n2", true, "c0");
      addTurn("s1", "unplaced", false, "d0");
      addTurn("s2", "other-session", false, "e0");

      assertThat(await(store.openTurnsOnNode("n1", "n1-c1"))).containsExactly("on-n1");
      assertThat(await(store.openTurnsOnNode("n2", "n2-c1"))).containsExactly("on-n2");
      assertThat(await(store.openTurnsOnNode("n1", "another-connection"))).isEmpty();
      assertThat(await(store.openTurnsOnNode("n3", "n3-c1"))).isEmpty();
      assertThat(await(store.openTurnsOfSession("s1"))).containsExactlyInAnyOrder("on-n1", "on-n2", "unplaced");
      assertThat(await(store.openTurnsOfSession("s2"))).containsExactly("other-session");
      assertThat(await(store.openTurnsOfSession("s3"))).isEmpty();
    }

    @Test
    void aTurnLeavesItsNodesListWhenUnbound() {
      TurnInfo bound = placedTurn("n1", 4, "t1", false, "j0");

      await(store.unbindTurn("t1", bound.epoch()));

      assertThat(await(store.openTurnsOnNode("n1", "n1-c1"))).isEmpty();
      assertThat(await(store.openTurnsOfSession("s1"))).containsExactly("t1");
    }

    @Test
    void aRemovedConnectionStillListsTheTurnsToFailOver() {
      placedTurn("n1", 4, "t1", false, "j0");
      placedTurn("n1", 4, "t2", true, "j1");
      await(store.transition("j1", 1, "n1", OPEN, JobState.COMPLETED));

      assertThat(await(store.removeNode("n1", "n1-c1"))).isTrue();

      assertThat(await(store.openTurnsOnNode("n1", "n1-c1"))).containsExactly("t1");
    }

    @Test
    void aReplacedConnectionsTurnsAreListedForItAndNotForTheNewOne() {
      placedTurn("n1", 4, "t1", false, "j0");

      await(store.putNode(node("n1", "n1-c2", 4, NodeStatus.READY)));

      assertThat(await(store.openTurnsOnNode("n1", "n1-c1"))).containsExactly("t1");
      assertThat(await(store.openTurnsOnNode("n1", "n1-c2"))).isEmpty();
      assertThat(storedNode("n1").reserved()).isZero();
    }

    @Test
    void aRemovedSessionStillListsItsOpenTurnsForAnAbort() {
      await(store.putSession(session("s1", "token-1")));
      addTurn("s1", "t1", false, "j0");

      await(store.removeSession("s1"));

      assertThat(await(store.openTurnsOfSession("s1"))).containsExactly("t1");
    }
  }

  // --- sessions and outcomes -----------------------------------------------------------------------------------------

  @Nested
  class Sessions {
    @Test
    void aSessionIsFoundByIdAndByResumeToken() {
      SessionInfo s = session("s1", "token-1");
      await(store.putSession(s));

      assertThat(await(store.session("s1"))).isEqualTo(s);
      assertThat(await(store.sessionByToken("token-1"))).isEqualTo(s);
      assertThat(await(store.session("s2"))).isNull();
      assertThat(await(store.sessionByToken("token-2"))).isNull();
    }

    @Test
    void detachingRecordsWhereTheCutterStoodAndTakingAttachesANewOwner() {
      await(store.putSession(session("s1", "token-1")));

      SessionInfo detached = await(store.detachSession("s1", 12, 340, 5_000, "instance-1"));
      assertThat(detached.nextUtteranceIndex()).isEqualTo(12);
      assertThat(detached.lastSeq()).isEqualTo(340);
      assertThat(detached.detachedAtMs()).isEqualTo(5_000);
      assertThat(await(store.session("s1"))).isEqualTo(detached);

      SessionInfo taken = await(store.takeSession("s1", "instance-2"));
      assertThat(taken.ownerInstance()).isEqualTo("instance-2");
      assertThat(taken.detachedAtMs()).isZero();
      assertThat(taken.nextUtteranceIndex()).isEqualTo(12);
      assertThat(taken.lastSeq()).isEqualTo(340);
      assertThat(await(store.sessionByToken("token-1"))).isEqualTo(taken);

      assertThat(await(store.takeSession("gone", "instance-2"))).isNull();
      assertThat(await(store.detachSession("gone", 1, 1, 1, "instance-1"))).isNull();
    }

    @Test
    void onlyTheOwnerDetachesTheSession() {
      await(store.putSession(session("s1", "token-1")));
      await(store.takeSession("s1", "instance-2"));

      assertThat(await(store.detachSession("s1", 5, 50, 5_000, "instance-1"))).isNull();

      SessionInfo s = await(store.session("s1"));
      assertThat(s.detachedAtMs()).isZero();
      assertThat(s.ownerInstance()).isEqualTo("instance-2");
    }

    @Test
    void takingASessionPutsItsCutterPastItsNewestJob() {
      await(store.putSession(session("s1", "token-1")));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.addJob(job("j1", "s1", "t2", 1, 0), true));

      // the owner died before it recorded where its cutter stood: the newest job says, its index and its last chunk
      SessionInfo taken = await(store.takeSession("s1", "instance-2"));
      assertThat(taken.nextUtteranceIndex()).isEqualTo(2);
      assertThat(taken.lastSeq()).isEqualTo(19);
      assertThat(await(store.session("s1")).lastSeq()).isEqualTo(19);
    }

    @Test
    void takingASessionIgnoresTheSeqAnAttachedOwnerWroteWhoseAudioMayBeInNoJob() {
      // an owner re-asserting its session after a Redis restart writes the last chunk it received, cut or not
      await(store.putSession(session("s1", "token-1").detached(1, 57, 0)));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));

      SessionInfo taken = await(store.takeSession("s1", "instance-2"));
      assertThat(taken.lastSeq()).as("the newest job's, not the owner's").isEqualTo(9);
      assertThat(taken.nextUtteranceIndex()).isEqualTo(1);
    }

    @Test
    void takingASessionKeepsWhereItsOwnerDetachedItWhenThatIsFurtherThanItsJobs() {
      await(store.putSession(session("s1", "token-1")));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.detachSession("s1", 3, 57, 5_000, "instance-1"));

      SessionInfo taken = await(store.takeSession("s1", "instance-2"));
      assertThat(taken.nextUtteranceIndex()).isEqualTo(3);
      assertThat(taken.lastSeq()).isEqualTo(57);
    }

    @Test
    void adoptingTakesTheLeaseOnlyFromTheOwnerNamed() {
      await(store.putSession(session("s1", "token-1")));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.detachSession("s1", 0, 3, 5_000, "instance-1"));

      assertThat(await(store.adoptSession("s1", "instance-9", "instance-2"))).isNull();
      SessionInfo adopted = await(store.adoptSession("s1", "instance-1", "instance-2"));
      assertThat(adopted.ownerInstance()).isEqualTo("instance-2");
      assertThat(adopted.nextUtteranceIndex()).isEqualTo(1);
      assertThat(adopted.detachedAtMs()).as("still no socket").isEqualTo(5_000);
      assertThat(await(store.adoptSession("s1", "instance-1", "instance-3"))).isNull();
      assertThat(await(store.adoptSession("gone", "instance-1", "instance-2"))).isNull();
    }

    @Test
    void deliveringMovesTheSessionsCursorAndOnlyTheOwnerDelivers() {
      await(store.putSession(session("s1", "token-1")));

      assertThat(await(store.deliverOutcome("s1", 0, "f0", 1_000, 60_000, "instance-1", "hola"))).isTrue();
      assertThat(await(store.deliverOutcome("s1", 2, "f2", 1_100, 60_000, "instance-1", null))).isTrue();
      assertThat(await(store.session("s1")).nextDelivery()).isEqualTo(3);
      assertThat(await(store.session("s1")).contextText()).isEqualTo("hola");

      await(store.takeSession("s1", "instance-2"));
      assertThat(await(store.deliverOutcome("s1", 3, "f3", 1_200, 60_000, "instance-1", "adios"))).isFalse();
      assertThat(await(store.session("s1")).contextText()).isEqualTo("hola");

      assertThat(await(store.outcomesAfter("s1", -1))).containsExactly("f0", "f2");
      assertThat(await(store.takeSession("s1", "instance-3")).nextDelivery()).isEqualTo(3);
    }

    @Test
    void aSessionTakenOverGoesOnPastWhatWasDeliveredThoughNoJobWasStoredForIt() {
      await(store.putSession(session("s1", "token-1")));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      // indexes 1 and 2 were refused at once, never stored; their outcomes were delivered
      await(store.deliverOutcome("s1", 2, "f2", 1_000, 60_000, "instance-1", null));

      assertThat(await(store.takeSession("s1", "instance-2")).nextUtteranceIndex()).isEqualTo(3);
    }

    @Test
    void aSettledResultIsKeptWithItsJobUntilItsOutcomeIsDeliveredByTheOwner() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));
      await(store.addJob(job("j1", "s1", "t2", 1, 0), true));
      await(store.transition("j0", 1, null, Set.of(JobState.CREATED), JobState.DISPATCHED));
      await(store.transition("j1", 1, null, Set.of(JobState.CREATED), JobState.DISPATCHED));

      assertThat(await(store.settle("j0", 2, null, JobState.OPEN, JobState.COMPLETED, "{\"stale\":1}")).applied())
          .isFalse();
      assertThat(await(store.keptResult("j0"))).as("a settle that did not apply keeps nothing").isNull();
      assertThat(await(store.settle("j0", 1, null, JobState.OPEN, JobState.COMPLETED, "{\"text\":\"hola\"}"))
          .applied()).isTrue();
      await(store.settle("j1", 1, null, JobState.OPEN, JobState.COMPLETED, "{\"text\":\"adios\"}"));
      assertThat(await(store.keptResult("j0"))).isEqualTo("{\"text\":\"hola\"}");
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.COMPLETED);

      await(store.takeSession("s1", "instance-2"));
      assertThat(await(store.deliverOutcome("s1", 0, "f0", 1_000, 60_000, "instance-1", null, "j0"))).isFalse();
      assertThat(await(store.keptResult("j0"))).as("kept while another instance owns the session").isNotNull();

      assertThat(await(store.deliverOutcome("s1", 0, "f0", 1_000, 60_000, "instance-2", null, "j0"))).isTrue();
      assertThat(await(store.keptResult("j0"))).as("the frame stands for it now").isNull();
      assertThat(await(store.keptResult("j1"))).isEqualTo("{\"text\":\"adios\"}");
      assertThat(await(store.keptResult("never"))).isNull();
    }

    @Test
    void theContextTextDeliveredWithAnOutcomeIsKept() {
      await(store.putSession(session("s1", "token-1")));

      await(store.deliverOutcome("s1", 0, "f0", 1_000, 60_000, "instance-1", "hola mundo"));

      assertThat(await(store.session("s1")).contextText()).isEqualTo("hola mundo");
    }

    @Test
    void removingASessionForgetsItsTokenOutcomesAndJobIndex() {
      await(store.putSession(session("s1", "token-1")));
      await(store.appendOutcome("s1", 0, "f0", 1_000, 60_000));
      await(store.addJob(job("j0", "s1", "t1", 0, 0), true));

      await(store.removeSession("s1"));

      assertThat(await(store.session("s1"))).isNull();
      assertThat(await(store.sessionByToken("token-1"))).isNull();
      assertThat(await(store.outcomesAfter("s1", -1))).isEmpty();
      assertThat(await(store.jobAt("s1", 0))).isNull();
    }

    @Test
    void outcomesAreKeptInOrderAndFilteredByIndex() {
      await(store.putSession(session("s1", "token-1")));
      await(store.appendOutcome("s1", 0, "f0", 1_000, 60_000));
      await(store.appendOutcome("s1", 1, "f1", 1_100, 60_000));
      await(store.appendOutcome("s1", 3, "f3", 1_200, 60_000));

      assertThat(await(store.outcomesAfter("s1", -1))).containsExactly("f0", "f1", "f3");
      assertThat(await(store.outcomesAfter("s1", 0))).containsExactly("f1", "f3");
      assertThat(await(store.outcomesAfter("s1", 2))).containsExactly("f3");
      assertThat(await(store.outcomesAfter("s1", 3))).isEmpty();
    }

    @Test
    void outcomesOlderThanTheKeepWindowAreDropped() {
      await(store.putSession(session("s1", "token-1")));
      await(store.appendOutcome("s1", 0, "f0", 1_000, 60_000));
      await(store.appendOutcome("s1", 1, "f1", 30_000, 60_000));

      await(store.appendOutcome("s1", 2, "f2", 65_000, 60_000));

      assertThat(await(store.outcomesAfter("s1", -1))).containsExactly("f1", "f2");
    }

    @Test
    void whileTheSocketIsAwayEverythingSinceShortlyBeforeItLeftIsKept() {
      await(store.putSession(session("s1", "token-1")));
      await(store.appendOutcome("s1", 0, "f0", 1_000, 5_000));
      await(store.appendOutcome("s1", 1, "f1", 8_000, 5_000));
      await(store.detachSession("s1", 3, 10, 10_000, "instance-1"));

      await(store.appendOutcome("s1", 2, "f2", 50_000, 5_000));

      assertThat(await(store.outcomesAfter("s1", -1))).containsExactly("f1", "f2");
    }

    @Test
    void outcomesOfAnUnknownSessionAreIgnored() {
      await(store.appendOutcome("s9", 0, "f0", 1_000, 60_000));
      assertThat(await(store.outcomesAfter("s9", -1))).isEmpty();

      await(store.putSession(session("s9", "token-9")));
      assertThat(await(store.outcomesAfter("s9", -1))).isEmpty();
    }

    @Test
    void eachSessionHasItsOwnOutcomes() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putSession(session("s2", "token-2")));
      await(store.appendOutcome("s1", 0, "s1-f0", 1_000, 60_000));
      await(store.appendOutcome("s2", 0, "s2-f0", 1_000, 60_000));

      assertThat(await(store.outcomesAfter("s1", -1))).containsExactly("s1-f0");
      assertThat(await(store.outcomesAfter("s2", -1))).containsExactly("s2-f0");
    }
  }

  // --- deadlines -----------------------------------------------------------------------------------------------------


  // --- the dispatch path's combined steps ------------------------------------------------------------------------

  @Nested
  class DispatchSteps {
    @Test
    void creatingAJobClaimsItsKeyStoresItAndReadsItsSessionsContextText() {
      await(store.putSession(session("s1", "token-1")));
      await(store.deliverOutcome("s1", 0, "f0", 1_000, 60_000, "instance-1", "what was said before"));
      long before = await(store.timeMs());

      SchedulerStore.CreatedJob created = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000,
          DispatchPlan.NONE));

      assertThat(created.holder()).isEqualTo("j0");
      assertThat(created.job().jobId()).isEqualTo("j0");
      assertThat(created.job().createdAtMs()).isBetween(before, await(store.timeMs()));
      assertThat(created.turn().jobIds()).containsExactly("j0");
      assertThat(created.turn().closed()).isTrue();
      assertThat(created.contextText()).isEqualTo("what was said before");
      assertThat(await(store.job("j0"))).isNotNull();
    }

    @Test
    void creatingAJobThatStartsATurnPlacesItOnTheFirstCandidateWithRoom() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("full", "c1", 1, NodeStatus.READY)));
      await(store.putNode(node("free", "c2", 1, NodeStatus.READY)));
      assertThat(await(store.tryReserve("full", "other"))).isEqualTo(Reservation.OK);
      long now = await(store.timeMs());

      SchedulerStore.CreatedJob created = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000,
          DispatchPlan.place(List.of(storedNode("full"), storedNode("free")), 2_000, 15_000)));

      assertThat(created.dispatched()).isTrue();
      assertThat(created.job().nodeId()).isEqualTo("free");
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.DISPATCHED);
      assertPlacedOnFree(created.turn(), now);
    }

    /** t1 is on "free" (connection c2) in epoch 1, holding its slot, with j0's ACK and t1's RESULT deadlines armed. */
    private void assertPlacedOnFree(TurnInfo turn, long now) {
      assertThat(turn.nodeId()).isEqualTo("free");
      assertThat(turn.connId()).isEqualTo("c2");
      assertThat(turn.epoch()).isEqualTo(1);
      assertThat(storedNode("free").reserved()).isEqualTo(1);
      assertThat(await(store.claimExpired(now + 1_000, "i1"))).isEmpty();
      assertThat(await(store.claimExpired(now + 10_000, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.ACK, "j0", 1));
      assertThat(await(store.claimExpired(now + 60_000, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.RESULT, "t1", 1));
    }

    @Test
    void aJobNoCandidateHasRoomForIsStoredUnplaced() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("full", "c1", 1, NodeStatus.READY)));
      await(store.tryReserve("full", "other"));

      SchedulerStore.CreatedJob created = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000,
          DispatchPlan.place(List.of(storedNode("full")), 2_000, 15_000)));

      assertThat(created.dispatched()).isFalse();
      assertThat(created.turn().nodeId()).isNull();
      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.CREATED);
      assertThat(await(store.claimExpired(await(store.timeMs()) + 120_000, "i1"))).isEmpty();
    }

    @Test
    void aPlanToPlaceLeavesATurnMadeBeforeToItsOwnPlacement() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("n1", "c1", 4, NodeStatus.READY)));
      await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), false, 60_000, DispatchPlan.NONE));

      SchedulerStore.CreatedJob created = await(store.createJob("s1/1", job("j1", "s1", "t1", 1, 1), true, 60_000,
          DispatchPlan.place(List.of(storedNode("n1")), 2_000, 15_000)));

      assertThat(created.dispatched()).isFalse();
      assertThat(created.turn().jobIds()).containsExactly("j0", "j1");
      assertThat(created.turn().nodeId()).isNull();
      assertThat(storedNode("n1").reserved()).isZero();
    }

    @Test
    void aJobJoiningAPlacedTurnIsSentOnItsNodeOnlyInTheEpochExpected() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("n1", "c1", 4, NodeStatus.READY)));
      SchedulerStore.CreatedJob first = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), false, 60_000,
          DispatchPlan.place(List.of(storedNode("n1")), 2_000, -1)));
      long now = await(store.timeMs());

      SchedulerStore.CreatedJob stale = await(store.createJob("s1/1", job("j1", "s1", "t1", 1, 1), false, 60_000,
          DispatchPlan.send("n1", first.turn().epoch() + 1, 2_000)));
      SchedulerStore.CreatedJob sent = await(store.createJob("s1/2", job("j2", "s1", "t1", 2, 2), true, 60_000,
          DispatchPlan.send("n1", first.turn().epoch(), 2_000)));

      assertThat(stale.dispatched()).isFalse();
      assertThat(await(store.job("j1")).state()).isEqualTo(JobState.CREATED);
      assertThat(sent.dispatched()).isTrue();
      assertThat(sent.turn().closed()).isTrue();
      assertThat(await(store.job("j2")).state()).isEqualTo(JobState.DISPATCHED);
      assertThat(await(store.job("j2")).nodeId()).isEqualTo("n1");
      assertThat(await(store.claimExpired(now + 10_000, "i1")))
          .extracting(Deadline::kind, Deadline::id)
          .containsExactlyInAnyOrder(tuple(Deadline.Kind.ACK, "j0"), tuple(Deadline.Kind.ACK, "j2"));
    }

    @Test
    void creatingAJobAgainAfterACallThatRanChangesNothingAndAnswersWithWhatItStored() {
      await(store.putSession(session("s1", "token-1")));
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      DispatchPlan plan = DispatchPlan.place(List.of(storedNode("n1")), 2_000, 15_000);
      SchedulerStore.CreatedJob first = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000,
          plan));

      // its answer was lost: the dispatcher makes the same call again
      SchedulerStore.CreatedJob again = await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000,
          plan));

      assertThat(again.holder()).isEqualTo("j0");
      assertThat(again.dispatched()).isTrue();
      assertThat(again.job().createdAtMs()).isEqualTo(first.job().createdAtMs());
      assertThat(again.job().nodeId()).isEqualTo("n1");
      assertThat(again.turn().jobIds()).containsExactly("j0");
      assertThat(again.turn().epoch()).isEqualTo(first.turn().epoch());
      assertThat(storedNode("n1").reserved()).as("one slot, taken once").isEqualTo(1);
      assertThat(await(store.jobAt("s1", 0)).jobId()).isEqualTo("j0");
    }

    @Test
    void aKeyAlreadyHeldMakesNoSecondJob() {
      await(store.putSession(session("s1", "token-1")));
      await(store.createJob("s1/0", job("j0", "s1", "t1", 0, 0), true, 60_000, DispatchPlan.NONE));

      SchedulerStore.CreatedJob again = await(store.createJob("s1/0", job("j9", "s1", "t9", 0, 0), true, 60_000, DispatchPlan.NONE));

      assertThat(again.holder()).isEqualTo("j0");
      assertThat(again.job()).isNull();
      assertThat(await(store.job("j9"))).isNull();
      assertThat(await(store.turn("t9"))).isNull();
    }

    @Test
    void placingATurnTakesTheFirstCandidateWithRoomAndArmsItsDeadlines() {
      await(store.putNode(node("full", "c1", 1, NodeStatus.READY)));
      await(store.putNode(node("free", "c2", 1, NodeStatus.READY)));
      assertThat(await(store.tryReserve("full", "other"))).isEqualTo(Reservation.OK);
      JobInfo j = job("j0", "s1", "t1", 0, 0);
      await(store.addJob(j, true));
      long now = await(store.timeMs());

      SchedulerStore.PlacedTurn placed = await(store.placeTurn("t1",
          List.of(storedNode("full"), storedNode("free")), List.of(j), 2_000, 15_000));

      assertThat(placed.nodeId()).isEqualTo("free");
      assertPlacedOnFree(placed.turn(), now);
    }

    @Test
    void aDeadlineDeferredLeavesOneArmedUnderItsKeyMeanwhileAndIsArmedWhenThereIsNone() {
      long now = await(store.timeMs());
      await(store.armIn(Deadline.Kind.ACK, "j0", 2, 5_000)); // the next attempt's, armed after the first was claimed
      await(store.deferIn(Deadline.Kind.ACK, "j0", 1, 1_000));
      await(store.deferIn(Deadline.Kind.RESULT, "t1", 3, 1_000));

      assertThat(await(store.claimExpired(now + 2_000, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.RESULT, "t1", 3));
      assertThat(await(store.claimExpired(now + 6_000, "i1")))
          .extracting(Deadline::kind, Deadline::id, Deadline::generation)
          .containsExactly(tuple(Deadline.Kind.ACK, "j0", 2));
    }

    @Test
    void placingATurnMarksTheJobsSentDispatchedAndDropsTheirPendingDeadlines() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      JobInfo j = job("j0", "s1", "t1", 0, 0);
      await(store.addJob(j, false));
      await(store.armIn(Deadline.Kind.PENDING, "j0", 1, 5_000));
      long now = await(store.timeMs());

      await(store.placeTurn("t1", List.of(storedNode("n1")), List.of(j), 60_000, -1));

      assertThat(await(store.job("j0")).state()).isEqualTo(JobState.DISPATCHED);
      assertThat(await(store.job("j0")).nodeId()).isEqualTo("n1");
      assertThat(await(store.claimExpired(now + 30_000, "i1"))).isEmpty();
    }

    @Test
    void aTurnNoCandidateHasRoomForIsLeftAsItWas() {
      await(store.putNode(node("full", "c1", 1, NodeStatus.READY)));
      await(store.tryReserve("full", "other"));
      JobInfo j = job("j0", "s1", "t1", 0, 0);
      await(store.addJob(j, true));

      SchedulerStore.PlacedTurn placed = await(store.placeTurn("t1", List.of(storedNode("full")), List.of(j),
          2_000, 15_000));

      assertThat(placed.nodeId()).isNull();
      assertThat(await(store.turn("t1")).nodeId()).isNull();
      assertThat(await(store.claimExpired(await(store.timeMs()) + 120_000, "i1"))).isEmpty();
    }

    @Test
    void settlingAReportDisarmsTheJobsDeadlinesAndFreesTheSlotOfAFinishedTurn() {
      await(store.putNode(node("n1", "c1", 1, NodeStatus.READY)));
      JobInfo j = job("j0", "s1", "t1", 0, 0);
      await(store.addJob(j, true));
      await(store.placeTurn("t1", List.of(storedNode("n1")), List.of(j), 2_000, 15_000));
      long now = await(store.timeMs());

      assertThat(await(store.settle("j0", 1, "n1", EnumSet.of(JobState.CREATED, JobState.DISPATCHED),
          JobState.ACKED)).applied())
          .isTrue();
      Transition done = await(store.settle("j0", 1, "n1", JobState.OPEN, JobState.COMPLETED));

      assertThat(done.releasedNode()).isEqualTo("n1");
      assertThat(storedNode("n1").reserved()).isZero();
      assertThat(await(store.claimExpired(now + 120_000, "i1"))).isEmpty();
      assertThat(await(store.settle("j0", 1, "n1", JobState.OPEN, JobState.COMPLETED)).outcome())
          .isEqualTo(Outcome.WRONG_STATE);
    }

    @Test
    void aDeadlineArmedInADelayIsDueThenOnTheStoresClock() {
      long now = await(store.timeMs());

      await(store.armIn(Deadline.Kind.PENDING, "j1", 1, 5_000));

      assertThat(await(store.claimExpired(now + 4_000, "i1"))).isEmpty();
      assertThat(await(store.claimExpired(now + 6_000 + 1_000, "i1"))).extracting(Deadline::id).containsExactly("j1");
    }
  }

  @Nested
  class Deadlines {
    @Test
    void onlyDueDeadlinesAreClaimedAndEachOnlyOnce() {
      Deadline early = new Deadline(Deadline.Kind.ACK, "j1", 1, 1_000);
      Deadline onTime = new Deadline(Deadline.Kind.RESULT, "t1", 2, 2_000);
      Deadline late = new Deadline(Deadline.Kind.PENDING, "j2", 0, 3_000);
      await(store.arm(late));
      await(store.arm(early));
      await(store.arm(onTime));

      assertThat(await(store.claimExpired(999, "i1"))).isEmpty();
      assertThat(await(store.claimExpired(2_000, "i1"))).containsExactlyInAnyOrder(early, onTime);
      assertThat(await(store.claimExpired(2_500, "i2"))).isEmpty();
      assertThat(await(store.claimExpired(10_000, "i2"))).containsExactly(late);
    }

    @Test
    void reArmingTheSameKeyReplacesTheDeadline() {
      await(store.arm(new Deadline(Deadline.Kind.ACK, "j1", 1, 1_000)));
      Deadline rearmed = new Deadline(Deadline.Kind.ACK, "j1", 2, 5_000);

      await(store.arm(rearmed));

      assertThat(await(store.claimExpired(4_999, "i1"))).isEmpty();
      assertThat(await(store.claimExpired(5_000, "i1"))).containsExactly(rearmed);
    }

    @Test
    void keysAreKindAndIdSoDifferentKindsAreDifferentDeadlines() {
      Deadline ack = new Deadline(Deadline.Kind.ACK, "x1", 1, 1_000);
      Deadline pending = new Deadline(Deadline.Kind.PENDING, "x1", 0, 1_000);
      await(store.arm(ack));
      await(store.arm(pending));

      assertThat(await(store.claimExpired(1_000, "i1"))).containsExactlyInAnyOrder(ack, pending);
    }

    @Test
    void aDisarmedDeadlineIsNeverClaimed() {
      await(store.arm(new Deadline(Deadline.Kind.ACK, "j1", 1, 1_000)));
      Deadline kept = new Deadline(Deadline.Kind.RESULT, "j1", 1, 1_000);
      await(store.arm(kept));

      await(store.disarm(Deadline.Kind.ACK, "j1"));
      await(store.disarm(Deadline.Kind.ACK, "never-armed"));

      assertThat(await(store.claimExpired(10_000, "i1"))).containsExactly(kept);
    }

    @Test
    void concurrentClaimersGetEveryDeadlineExactlyOnce() throws Exception {
      int count = 400;
      for (int i = 1; i <= count; i++) {
        await(store.arm(new Deadline(Deadline.Kind.ACK, "j" + i, 1, i)));
      }
      List<Callable<List<Deadline>>> claimers = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        String instance = "instance-" + c;
        claimers.add(() -> {
          List<Deadline> mine = new ArrayList<>();
          for (long now = 0; now <= count; now += 2) {
            mine.addAll(await(store.claimExpired(now, instance)));
          }
          return mine;
        });
      }

      List<Deadline> all = race(claimers).stream().flatMap(List::stream).toList();

      assertThat(all).hasSize(count).doesNotHaveDuplicates();
      assertThat(all).extracting(Deadline::id).containsAll(List.of("j1", "j200", "j400"));
      assertThat(await(store.claimExpired(Long.MAX_VALUE, "instance-0"))).isEmpty();
    }
  }
}
