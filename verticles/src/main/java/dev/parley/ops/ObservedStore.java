package dev.parley.ops;

import dev.parley.store.Deadline;
import dev.parley.store.HeartbeatOutcome;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.NodeInfo;
import dev.parley.store.Reservation;
import dev.parley.store.SchedulerStore;
import dev.parley.store.SessionInfo;
import dev.parley.store.Transition;
import dev.parley.store.TurnInfo;
import io.vertx.core.Future;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that reports every job state change it makes: one log line on {@code dev.parley.jobs} with the ids it
 * concerns (as key-value pairs, fields of their own in JSON output), and the meters of {@link SchedulerMetrics}. Every
 * change goes through a store, so this is the one place that sees them all, each once in a cluster: the instance that
 * made it reports it.
 */
public final class ObservedStore implements SchedulerStore {
  private static final Logger JOBS = LoggerFactory.getLogger("dev.parley.jobs");

  private final SchedulerStore store;
  private final SchedulerMetrics metrics;

  public ObservedStore(SchedulerStore store, SchedulerMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
    metrics.watchStore(store, SchedulerStore::requests);
    store.onCallTimed(metrics::storeCall);
  }

  /** A job's new state, logged and counted; {@code why} says what moved it. */
  private void changed(JobInfo job, JobState state, String why) {
    if (state.isTerminal()) {
      metrics.jobEnded(state);
    }
    if (JOBS.isInfoEnabled()) {
      JOBS.atInfo().setMessage("job " + state + " (" + why + ")")
          .addKeyValue("trace_id", job.traceId())
          .addKeyValue("job_id", job.jobId())
          .addKeyValue("attempt_id", job.attempt())
          .addKeyValue("session_id", job.sessionId())
          .addKeyValue("node_id", job.nodeId())
          .addKeyValue("turn_id", job.turnId())
          .addKeyValue("state", state.name())
          .log();
    }
  }

  private void placed(boolean reserved) {
    metrics.placement(reserved ? SchedulerMetrics.Placement.RESERVED : SchedulerMetrics.Placement.NO_ROOM);
  }

  // --- what changes jobs -------------------------------------------------------------------------------------------

  @Override
  public Future<TurnInfo> addJob(JobInfo job, boolean closesTurn) {
    return store.addJob(job, closesTurn).onSuccess(t -> {
      metrics.jobCreated();
      changed(job, job.state(), "created");
    });
  }

  @Override
  public Future<CreatedJob> createJob(String key, JobInfo job, boolean closesTurn, long keyTtlMs,
      DispatchPlan plan) {
    return store.createJob(key, job, closesTurn, keyTtlMs, plan).onSuccess(c -> {
      if (c.job() == null) {
        return;
      }
      metrics.jobCreated();
      boolean newTurn = c.turn() != null && c.turn().jobIds().size() == 1;
      if (plan.kind() == DispatchPlan.Kind.PLACE && newTurn) {
        placed(c.dispatched());
      }
      changed(c.job(), c.job().state(), c.dispatched() ? "created and placed" : "created");
    });
  }

  @Override
  public Future<PlacedTurn> placeTurn(String turnId, List<NodeInfo> candidates, List<JobInfo> sending,
      long ackDelayMs, long resultDelayMs) {
    return store.placeTurn(turnId, candidates, sending, ackDelayMs, resultDelayMs).onSuccess(p -> {
      placed(p.nodeId() != null);
      if (p.nodeId() != null) {
        for (JobInfo j : sending) {
          JobInfo sent = j.withPlacement(j.attempt(), JobState.DISPATCHED, p.nodeId(), j.excludedNodes());
          changed(sent, JobState.DISPATCHED, "placed");
        }
      }
    });
  }

  @Override
  public Future<Transition> transition(String jobId, int expectedAttempt, String nodeId, Set<JobState> from,
      JobState to) {
    return store.transition(jobId, expectedAttempt, nodeId, from, to).onSuccess(t -> {
      if (t.applied()) {
        changed(t.job(), to, "changed");
      }
    });
  }

  @Override
  public Future<Transition> settle(String jobId, int expectedAttempt, String nodeId, Set<JobState> from,
      JobState to, String keptResult) {
    return store.settle(jobId, expectedAttempt, nodeId, from, to, keptResult).onSuccess(t -> {
      if (t.applied()) {
        changed(t.job(), to, "node report");
      }
    });
  }

  @Override
  public Future<Transition> failover(String jobId, int expectedAttempt, String failedNode, int maxAttempts,
      long pendingDelayMs) {
    return store.failover(jobId, expectedAttempt, failedNode, maxAttempts, pendingDelayMs).onSuccess(t -> {
      if (t.applied()) {
        metrics.failover();
        changed(t.job(), t.job().state(), "failover from " + failedNode);
      } else if (t.outcome() == Transition.Outcome.EXHAUSTED) {
        changed(t.job(), JobState.FAILED, "attempts used up");
      }
    });
  }

  // --- the rest, as the store does it ------------------------------------------------------------------------------

  @Override
  public void onRestart(Runnable handler) {
    store.onRestart(handler);
  }

  @Override
  public long requests() {
    return store.requests();
  }

  @Override
  public void onCallTimed(ObjLongConsumer<String> timer) {
    store.onCallTimed(timer);
  }

  @Override
  public void onRoundTrip(LongConsumer listener) {
    store.onRoundTrip(listener);
  }

  @Override
  public Future<Long> timeMs() {
    return store.timeMs();
  }

  @Override
  public Future<String> putNode(NodeInfo node) {
    return store.putNode(node);
  }

  @Override
  public Future<HeartbeatOutcome> heartbeat(String nodeId, String connId, NodeInfo.NodeStatus status, int running) {
    return store.heartbeat(nodeId, connId, status, running);
  }

  @Override
  public Future<Boolean> removeNode(String nodeId, String connId) {
    return store.removeNode(nodeId, connId);
  }

  @Override
  public Future<List<NodeInfo>> nodes() {
    return store.nodes();
  }

  @Override
  public Future<Reservation> tryReserve(String nodeId, String turnId) {
    return store.tryReserve(nodeId, turnId);
  }

  @Override
  public Future<Boolean> release(String nodeId, String turnId) {
    return store.release(nodeId, turnId);
  }

  @Override
  public Future<Void> putSession(SessionInfo session) {
    return store.putSession(session);
  }

  @Override
  public Future<SessionInfo> session(String sessionId) {
    return store.session(sessionId);
  }

  @Override
  public Future<SessionInfo> sessionByToken(String resumeToken) {
    return store.sessionByToken(resumeToken);
  }

  @Override
  public Future<SessionInfo> takeSession(String sessionId, String instanceId) {
    return store.takeSession(sessionId, instanceId);
  }

  @Override
  public Future<SessionInfo> adoptSession(String sessionId, String fromInstance, String toInstance) {
    return store.adoptSession(sessionId, fromInstance, toInstance);
  }

  @Override
  public Future<SessionInfo> detachSession(String sessionId, long nextUtteranceIndex, long lastSeq, long atMs,
      String ownerInstance) {
    return store.detachSession(sessionId, nextUtteranceIndex, lastSeq, atMs, ownerInstance);
  }

  @Override
  public Future<Void> removeSession(String sessionId) {
    return store.removeSession(sessionId);
  }

  @Override
  public Future<Void> appendOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs) {
    return store.appendOutcome(sessionId, utteranceIndex, frame, atMs, keepMs);
  }

  @Override
  public Future<Boolean> deliverOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs,
      String ownerInstance, String contextText, String deliveredJobId) {
    return store.deliverOutcome(sessionId, utteranceIndex, frame, atMs, keepMs, ownerInstance, contextText,
        deliveredJobId);
  }

  @Override
  public Future<String> keptResult(String jobId) {
    return store.keptResult(jobId);
  }

  @Override
  public Future<List<String>> outcomesAfter(String sessionId, long afterIndex) {
    return store.outcomesAfter(sessionId, afterIndex);
  }

  @Override
  public Future<String> claimJobKey(String key, String jobId, long ttlMs) {
    return store.claimJobKey(key, jobId, ttlMs);
  }

  @Override
  public Future<JobInfo> job(String jobId) {
    return store.job(jobId);
  }

  @Override
  public Future<JobInfo> jobAt(String sessionId, long utteranceIndex) {
    return store.jobAt(sessionId, utteranceIndex);
  }

  @Override
  public Future<List<JobInfo>> jobsFrom(String sessionId, long fromIndex, int count) {
    return store.jobsFrom(sessionId, fromIndex, count);
  }

  @Override
  public Future<TurnInfo> turn(String turnId) {
    return store.turn(turnId);
  }

  @Override
  public Future<List<JobInfo>> turnJobs(String turnId) {
    return store.turnJobs(turnId);
  }

  @Override
  public Future<TurnInfo> bindTurn(String turnId, String nodeId, String connId) {
    return store.bindTurn(turnId, nodeId, connId);
  }

  @Override
  public Future<ClosedTurn> closeTurn(String turnId) {
    return store.closeTurn(turnId);
  }

  @Override
  public Future<TurnInfo> unbindTurn(String turnId, int expectedEpoch) {
    return store.unbindTurn(turnId, expectedEpoch);
  }

  @Override
  public Future<List<String>> openTurnsOnNode(String nodeId, String connId) {
    return store.openTurnsOnNode(nodeId, connId);
  }

  @Override
  public Future<List<String>> openTurnsOfSession(String sessionId) {
    return store.openTurnsOfSession(sessionId);
  }

  @Override
  public Future<Void> arm(Deadline deadline) {
    return store.arm(deadline);
  }

  @Override
  public Future<Void> armIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return store.armIn(kind, id, generation, delayMs);
  }

  @Override
  public Future<Void> deferIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return store.deferIn(kind, id, generation, delayMs);
  }

  @Override
  public Future<Void> disarm(Deadline.Kind kind, String id) {
    return store.disarm(kind, id);
  }

  @Override
  public Future<List<Deadline>> claimExpired(long nowMs, String instanceId) {
    return store.claimExpired(nowMs, instanceId);
  }
}
