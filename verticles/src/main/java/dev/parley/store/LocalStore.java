package dev.parley.store;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * The in-process store of a single instance. Every method runs under one lock, which makes each one atomic for the
 * verticles that share it. Ended turns are kept for a while without their audio, so a late or repeated result is
 * still recognised, then purged.
 */
public final class LocalStore implements SchedulerStore {
  /**
   * How long an ended turn is remembered, so a late or repeated result is told DUPLICATE rather than STALE_ATTEMPT
   * (both are dropped). Short, because a large table of ended jobs makes every young collection slower.
   */
  static final long FINISHED_RETENTION_MS = 30_000;
  /**
   * Limits that keep the store's memory bounded whatever the job rate: the windows above are times, so without them
   * what is kept would grow with throughput. Each is far above what real-time speech reaches within its window.
   */
  static final int MAX_FINISHED_TURNS = 20_000;
  static final int MAX_JOB_KEYS = 100_000;
  static final int MAX_RETAINED_PER_SESSION = 1_000;

  private record NodeSlots(NodeInfo info, Set<String> turns) {}

  private record Retained(long index, String frame, long atMs) {}

  private record Claim(String jobId, long expiresAtMs) {}

  private record Finished(String turnId, long atMs) {}

  private final LongSupplier clock;
  private final Map<String, NodeSlots> nodes = new HashMap<>();
  private final Map<String, SessionInfo> sessions = new HashMap<>();
  private final Map<String, String> sessionByToken = new HashMap<>();
  private final Map<String, ArrayDeque<Retained>> outboxes = new HashMap<>();
  /** In the order claimed, which is the order they expire, since every claim of a store has the same lifetime. */
  private final LinkedHashMap<String, Claim> jobKeys = new LinkedHashMap<>();
  private final Map<String, JobInfo> jobs = new HashMap<>();
  /** Results settled and not delivered yet, by job. */
  private final Map<String, String> keptResults = new HashMap<>();
  private final Map<String, Map<Long, String>> jobsBySession = new HashMap<>();
  private final Map<String, TurnInfo> turns = new HashMap<>();
  private final ArrayDeque<Finished> finished = new ArrayDeque<>();
  private final Map<String, Deadline> deadlines = new HashMap<>();
  private final TreeSet<Deadline> deadlineOrder = new TreeSet<>(Comparator.comparingLong(Deadline::atMs)
      .thenComparing(Deadline::kind).thenComparing(Deadline::id));

  public LocalStore() {
    this(System::currentTimeMillis);
  }

  public LocalStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Long> timeMs() {
    return Future.succeededFuture(clock.getAsLong());
  }

  // --- nodes -------------------------------------------------------------------------------------------------------

  @Override
  public synchronized Future<String> putNode(NodeInfo node) {
    NodeSlots previous = nodes.get(node.nodeId());
    boolean same = previous != null && previous.info().connId().equals(node.connId());
    Set<String> turns = same ? previous.turns() : new HashSet<>();
    nodes.put(node.nodeId(), new NodeSlots(node.withUsage(node.running(), turns.size(), node.status(),
        clock.getAsLong()), turns));
    return Future.succeededFuture(previous == null || same ? null : previous.info().connId());
  }

  @Override
  public synchronized Future<HeartbeatOutcome> heartbeat(
      String nodeId, String connId, NodeInfo.NodeStatus status, int running) {
    NodeSlots n = nodes.get(nodeId);
    if (n == null) {
      return Future.succeededFuture(HeartbeatOutcome.UNKNOWN_NODE);
    }
    if (!n.info().connId().equals(connId)) {
      return Future.succeededFuture(HeartbeatOutcome.OTHER_CONNECTION);
    }
    nodes.put(nodeId, new NodeSlots(n.info().withUsage(running, n.turns().size(), status, clock.getAsLong()),
        n.turns()));
    return Future.succeededFuture(HeartbeatOutcome.RECORDED);
  }

  @Override
  public synchronized Future<Boolean> removeNode(String nodeId, String connId) {
    NodeSlots n = nodes.get(nodeId);
    if (n == null || !n.info().connId().equals(connId)) {
      return Future.succeededFuture(false);
    }
    nodes.remove(nodeId);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<List<NodeInfo>> nodes() {
    List<NodeInfo> out = new ArrayList<>(nodes.size());
    for (NodeSlots n : nodes.values()) {
      out.add(n.info());
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<Reservation> tryReserve(String nodeId, String turnId) {
    NodeSlots n = nodes.get(nodeId);
    if (n == null || n.info().status() != NodeInfo.NodeStatus.READY) {
      return Future.succeededFuture(Reservation.NOT_READY);
    }
    if (n.info().maxJobs() <= 0) {
      return Future.succeededFuture(Reservation.NO_CAPACITY);
    }
    if (n.turns().contains(turnId)) {
      return Future.succeededFuture(Reservation.OK);
    }
    if (n.turns().size() >= n.info().maxJobs()) {
      return Future.succeededFuture(Reservation.FULL);
    }
    n.turns().add(turnId);
    refreshReserved(n);
    return Future.succeededFuture(Reservation.OK);
  }

  @Override
  public synchronized Future<Boolean> release(String nodeId, String turnId) {
    return Future.succeededFuture(releaseSlot(nodeId, turnId));
  }

  private boolean releaseSlot(String nodeId, String turnId) {
    NodeSlots n = nodeId == null ? null : nodes.get(nodeId);
    if (n == null || !n.turns().remove(turnId)) {
      return false;
    }
    refreshReserved(n);
    return true;
  }

  private void refreshReserved(NodeSlots n) {
    NodeInfo i = n.info();
    nodes.put(i.nodeId(), new NodeSlots(i.withUsage(i.running(), n.turns().size(), i.status(), i.lastHeartbeatMs()),
        n.turns()));
  }

  // --- sessions ----------------------------------------------------------------------------------------------------

  @Override
  public synchronized Future<Void> putSession(SessionInfo session) {
    sessions.put(session.sessionId(), session);
    sessionByToken.put(session.resumeToken(), session.sessionId());
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<SessionInfo> session(String sessionId) {
    return Future.succeededFuture(sessions.get(sessionId));
  }

  @Override
  public synchronized Future<SessionInfo> sessionByToken(String resumeToken) {
    String id = sessionByToken.get(resumeToken);
    return Future.succeededFuture(id == null ? null : sessions.get(id));
  }

  @Override
  public synchronized Future<SessionInfo> takeSession(String sessionId, String instanceId) {
    SessionInfo s = sessions.get(sessionId);
    if (s == null) {
      return Future.succeededFuture(null);
    }
    SessionInfo taken = pastNewestJob(s, instanceId).attachedTo(instanceId);
    sessions.put(sessionId, taken);
    return Future.succeededFuture(taken);
  }

  @Override
  public synchronized Future<SessionInfo> adoptSession(String sessionId, String fromInstance, String toInstance) {
    SessionInfo s = sessions.get(sessionId);
    if (s == null || !fromInstance.equals(s.ownerInstance())) {
      return Future.succeededFuture(null);
    }
    SessionInfo taken = pastNewestJob(s, toInstance);
    sessions.put(sessionId, taken);
    return Future.succeededFuture(taken);
  }

  /**
   * The session owned by instance, going on past its newest job (what a lost owner may not have written) and past what
   * was delivered (an index refused at once under overload has an outcome but no job).
   */
  private SessionInfo pastNewestJob(SessionInfo s, String instance) {
    long newest = -1;
    for (long index : jobsBySession.getOrDefault(s.sessionId(), Map.of()).keySet()) {
      newest = Math.max(newest, index);
    }
    if (newest < 0) {
      return s.ownedBy(instance, s.nextDelivery(), -1);
    }
    JobInfo job = jobs.get(jobsBySession.get(s.sessionId()).get(newest));
    return s.ownedBy(instance, Math.max(newest + 1, s.nextDelivery()), job == null ? -1 : job.lastSeq());
  }

  @Override
  public synchronized Future<SessionInfo> detachSession(String sessionId, long nextUtteranceIndex, long lastSeq,
      long atMs, String ownerInstance) {
    SessionInfo s = sessions.get(sessionId);
    if (s == null || (ownerInstance != null && !ownerInstance.equals(s.ownerInstance()))) {
      return Future.succeededFuture(null);
    }
    SessionInfo detached = s.detached(nextUtteranceIndex, lastSeq, atMs);
    sessions.put(sessionId, detached);
    return Future.succeededFuture(detached);
  }

  @Override
  public synchronized Future<Void> removeSession(String sessionId) {
    SessionInfo s = sessions.remove(sessionId);
    if (s != null) {
      sessionByToken.remove(s.resumeToken());
    }
    outboxes.remove(sessionId);
    jobsBySession.remove(sessionId);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> appendOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs) {
    return deliverOutcome(sessionId, utteranceIndex, frame, atMs, keepMs, null, null, null).mapEmpty();
  }

  @Override
  public synchronized Future<Boolean> deliverOutcome(String sessionId, long utteranceIndex, String frame, long atMs,
      long keepMs, String ownerInstance, String contextText, String deliveredJobId) {
    SessionInfo session = sessions.get(sessionId);
    if (session != null && ownerInstance != null && !ownerInstance.equals(session.ownerInstance())) {
      return Future.succeededFuture(false);
    }
    if (deliveredJobId != null) {
      keptResults.remove(deliveredJobId);
    }
    if (session == null) {
      return Future.succeededFuture(true); // the session ended: nobody can resume it
    }
    SessionInfo delivered = session.deliveredTo(utteranceIndex);
    sessions.put(sessionId, contextText == null ? delivered : delivered.withContext(contextText));
    ArrayDeque<Retained> box = outboxes.computeIfAbsent(sessionId, k -> new ArrayDeque<>());
    box.addLast(new Retained(utteranceIndex, frame, atMs));
    long horizon = session.detachedAtMs() > 0 ? Math.min(atMs, session.detachedAtMs()) : atMs;
    while (!box.isEmpty() && (box.peekFirst().atMs() < horizon - keepMs || box.size() > MAX_RETAINED_PER_SESSION)) {
      box.pollFirst();
    }
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<String> keptResult(String jobId) {
    return Future.succeededFuture(keptResults.get(jobId));
  }

  @Override
  public Future<Transition> settle(String jobId, int expectedAttempt, String nodeId, Set<JobState> from, JobState to,
      String keptResult) {
    return transition(jobId, expectedAttempt, nodeId, from, to).compose(t -> {
      if (!t.applied()) {
        return Future.succeededFuture(t);
      }
      if (keptResult != null) {
        synchronized (this) {
          if (jobs.containsKey(jobId)) {
            keptResults.put(jobId, keptResult);
          }
        }
      }
      Future<Void> acked = disarm(Deadline.Kind.ACK, jobId);
      Future<Void> done = t.releasedNode() != null ? disarm(Deadline.Kind.RESULT, t.job().turnId())
          : Future.succeededFuture();
      return Future.all(acked, done).map(t);
    });
  }

  @Override
  public synchronized Future<List<String>> outcomesAfter(String sessionId, long afterIndex) {
    List<String> out = new ArrayList<>();
    for (Retained r : outboxes.getOrDefault(sessionId, new ArrayDeque<>())) {
      if (r.index() > afterIndex) {
        out.add(r.frame());
      }
    }
    return Future.succeededFuture(out);
  }

  // --- jobs and turns ----------------------------------------------------------------------------------------------

  @Override
  public synchronized Future<String> claimJobKey(String key, String jobId, long ttlMs) {
    long now = clock.getAsLong();
    purgeJobKeys(now);
    Claim existing = jobKeys.get(key);
    if (existing != null && existing.expiresAtMs() > now) {
      return Future.succeededFuture(existing.jobId());
    }
    jobKeys.remove(key); // an expired claim claimed again moves to the end
    jobKeys.put(key, new Claim(jobId, now + ttlMs));
    return Future.succeededFuture(jobId);
  }

  private void purgeJobKeys(long now) {
    Iterator<Claim> oldest = jobKeys.values().iterator();
    while (oldest.hasNext()) {
      Claim c = oldest.next();
      if (c.expiresAtMs() > now && jobKeys.size() <= MAX_JOB_KEYS) {
        break;
      }
      oldest.remove();
    }
  }

  @Override
  public synchronized Future<TurnInfo> addJob(JobInfo job, boolean closesTurn) {
    purgeFinished(clock.getAsLong());
    TurnInfo turn = turns.get(job.turnId());
    List<String> ids = new ArrayList<>(turn == null ? List.of() : turn.jobIds());
    ids.add(job.jobId());
    TurnInfo updated = turn == null
        ? new TurnInfo(job.turnId(), job.sessionId(), job.srcLang(), job.tgtLang(), null, null, 0, ids, closesTurn)
        : new TurnInfo(turn.turnId(), turn.sessionId(), turn.srcLang(), turn.tgtLang(), turn.nodeId(), turn.connId(),
            turn.epoch(), ids, closesTurn);
    turns.put(job.turnId(), updated);
    jobs.put(job.jobId(), updated.nodeId() == null ? job
        : job.withPlacement(job.attempt(), job.state(), updated.nodeId(), job.excludedNodes()));
    jobsBySession.computeIfAbsent(job.sessionId(), k -> new HashMap<>()).put(job.utteranceIndex(), job.jobId());
    return Future.succeededFuture(updated);
  }

  @Override
  public synchronized Future<JobInfo> job(String jobId) {
    return Future.succeededFuture(jobs.get(jobId));
  }

  @Override
  public synchronized Future<JobInfo> jobAt(String sessionId, long utteranceIndex) {
    String id = jobsBySession.getOrDefault(sessionId, Map.of()).get(utteranceIndex);
    return Future.succeededFuture(id == null ? null : jobs.get(id));
  }

  @Override
  public synchronized Future<List<JobInfo>> jobsFrom(String sessionId, long fromIndex, int count) {
    Map<Long, String> ids = jobsBySession.getOrDefault(sessionId, Map.of());
    List<JobInfo> out = new ArrayList<>(count);
    for (long i = fromIndex; i < fromIndex + count; i++) {
      JobInfo job = ids.containsKey(i) ? jobs.get(ids.get(i)) : null;
      out.add(job == null ? null : job.withoutAudio());
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<TurnInfo> turn(String turnId) {
    return Future.succeededFuture(turns.get(turnId));
  }

  @Override
  public synchronized Future<List<JobInfo>> turnJobs(String turnId) {
    TurnInfo t = turns.get(turnId);
    List<JobInfo> out = new ArrayList<>();
    if (t != null) {
      for (String id : t.jobIds()) {
        JobInfo j = jobs.get(id);
        if (j != null) {
          out.add(j);
        }
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<TurnInfo> bindTurn(String turnId, String nodeId, String connId) {
    TurnInfo t = turns.get(turnId);
    if (t == null) {
      return Future.succeededFuture(null);
    }
    TurnInfo bound = new TurnInfo(t.turnId(), t.sessionId(), t.srcLang(), t.tgtLang(), nodeId, connId, t.epoch() + 1,
        t.jobIds(), t.closed());
    turns.put(turnId, bound);
    for (String id : t.jobIds()) {
      JobInfo j = jobs.get(id);
      if (j != null && !j.state().isTerminal()) {
        jobs.put(id, j.withPlacement(j.attempt(), j.state(), nodeId, j.excludedNodes()));
      }
    }
    return Future.succeededFuture(bound);
  }

  @Override
  public synchronized Future<TurnInfo> unbindTurn(String turnId, int expectedEpoch) {
    TurnInfo t = turns.get(turnId);
    if (t == null || t.nodeId() == null || t.epoch() != expectedEpoch) {
      return Future.succeededFuture(null);
    }
    releaseSlot(t.nodeId(), turnId);
    turns.put(turnId, new TurnInfo(t.turnId(), t.sessionId(), t.srcLang(), t.tgtLang(), null, null, t.epoch(),
        t.jobIds(), t.closed()));
    return Future.succeededFuture(t);
  }

  @Override
  public synchronized Future<Transition> transition(
      String jobId, int expectedAttempt, String nodeId, Set<JobState> from, JobState to) {
    JobInfo j = jobs.get(jobId);
    if (j == null || j.attempt() != expectedAttempt || (nodeId != null && !nodeId.equals(j.nodeId()))) {
      return Future.succeededFuture(new Transition(Transition.Outcome.STALE, j, null));
    }
    if (!from.contains(j.state())) {
      return Future.succeededFuture(new Transition(Transition.Outcome.WRONG_STATE, j, null));
    }
    JobInfo changed = j.withState(to);
    jobs.put(jobId, changed);
    if (to == JobState.CANCELLED) {
      markClosed(j.turnId()); // a cancelled turn takes no more jobs
    }
    String released = to.isTerminal() ? finishTurnIfDone(j.turnId()) : null;
    SessionInfo session = sessions.get(j.sessionId());
    return Future.succeededFuture(new Transition(Transition.Outcome.APPLIED, changed, released,
        session == null ? null : session.ownerInstance()));
  }

  @Override
  public synchronized Future<Transition> failover(
      String jobId, int expectedAttempt, String failedNode, int maxAttempts, long pendingDelayMs) {
    JobInfo j = jobs.get(jobId);
    if (j == null || j.attempt() != expectedAttempt) {
      return Future.succeededFuture(new Transition(Transition.Outcome.STALE, j, null));
    }
    if (j.state().isTerminal()) {
      return Future.succeededFuture(new Transition(Transition.Outcome.WRONG_STATE, j, null));
    }
    Set<String> excluded = new HashSet<>(j.excludedNodes());
    if (failedNode != null) {
      excluded.add(failedNode);
    }
    if (j.attempt() >= maxAttempts) {
      JobInfo failed = j.withPlacement(j.attempt(), JobState.FAILED, j.nodeId(), Set.copyOf(excluded));
      jobs.put(jobId, failed);
      String released = finishTurnIfDone(j.turnId());
      return Future.succeededFuture(new Transition(Transition.Outcome.EXHAUSTED, failed, released));
    }
    JobInfo retried = j.withPlacement(j.attempt() + 1, JobState.CREATED, null, Set.copyOf(excluded));
    jobs.put(jobId, retried);
    arm(new Deadline(Deadline.Kind.PENDING, jobId, retried.attempt(), clock.getAsLong() + pendingDelayMs));
    return Future.succeededFuture(new Transition(Transition.Outcome.APPLIED, retried, null));
  }

  @Override
  public synchronized Future<ClosedTurn> closeTurn(String turnId) {
    if (!turns.containsKey(turnId)) {
      return Future.succeededFuture(null);
    }
    markClosed(turnId);
    String released = finishTurnIfDone(turnId);
    return Future.succeededFuture(new ClosedTurn(turns.get(turnId), released));
  }

  @Override
  public synchronized Future<List<String>> openTurnsOnNode(String nodeId, String connId) {
    List<String> out = new ArrayList<>();
    for (TurnInfo t : turns.values()) {
      if (nodeId.equals(t.nodeId()) && connId.equals(t.connId()) && hasOpenJob(t)) {
        out.add(t.turnId());
      }
    }
    return Future.succeededFuture(out);
  }

  @Override
  public synchronized Future<List<String>> openTurnsOfSession(String sessionId) {
    List<String> out = new ArrayList<>();
    for (TurnInfo t : turns.values()) {
      if (sessionId.equals(t.sessionId()) && hasOpenJob(t)) {
        out.add(t.turnId());
      }
    }
    return Future.succeededFuture(out);
  }

  private boolean hasOpenJob(TurnInfo t) {
    for (String id : t.jobIds()) {
      JobInfo j = jobs.get(id);
      if (j != null && !j.state().isTerminal()) {
        return true;
      }
    }
    return false;
  }

  private void markClosed(String turnId) {
    TurnInfo t = turns.get(turnId);
    if (t != null && !t.closed()) {
      turns.put(turnId, new TurnInfo(t.turnId(), t.sessionId(), t.srcLang(), t.tgtLang(), t.nodeId(), t.connId(),
          t.epoch(), t.jobIds(), true));
    }
  }

  /** Releases the slot of a closed turn whose jobs have all ended; returns the node released, if any. */
  private String finishTurnIfDone(String turnId) {
    TurnInfo t = turns.get(turnId);
    if (t == null || !t.closed() || hasOpenJob(t)) {
      return null;
    }
    finished.addLast(new Finished(turnId, clock.getAsLong()));
    for (String id : t.jobIds()) {
      jobs.computeIfPresent(id, (k, j) -> j.withoutAudio());
    }
    return releaseSlot(t.nodeId(), turnId) ? t.nodeId() : null;
  }

  private void purgeFinished(long now) {
    while (!finished.isEmpty()
        && (finished.peekFirst().atMs() < now - FINISHED_RETENTION_MS || finished.size() > MAX_FINISHED_TURNS)) {
      TurnInfo t = turns.remove(finished.pollFirst().turnId());
      if (t == null) {
        continue;
      }
      for (String id : t.jobIds()) {
        JobInfo j = jobs.remove(id);
        keptResults.remove(id);
        if (j != null) {
          Map<Long, String> index = jobsBySession.get(j.sessionId());
          if (index != null) {
            index.remove(j.utteranceIndex());
          }
        }
      }
    }
  }

  // --- deadlines ---------------------------------------------------------------------------------------------------

  @Override
  public synchronized Future<Void> arm(Deadline deadline) {
    Deadline old = deadlines.put(deadline.key(), deadline);
    if (old != null) {
      deadlineOrder.remove(old);
    }
    deadlineOrder.add(deadline);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> deferIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return timeMs().compose(now -> {
      synchronized (this) {
        Deadline deferred = new Deadline(kind, id, generation, now + delayMs);
        return deadlines.containsKey(deferred.key()) ? Future.succeededFuture() : arm(deferred);
      }
    });
  }

  @Override
  public synchronized Future<Void> disarm(Deadline.Kind kind, String id) {
    Deadline old = deadlines.remove(kind.name() + ':' + id);
    if (old != null) {
      deadlineOrder.remove(old);
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<Deadline>> claimExpired(long nowMs, String instanceId) {
    List<Deadline> due = new ArrayList<>();
    Iterator<Deadline> it = deadlineOrder.iterator();
    while (it.hasNext()) {
      Deadline d = it.next();
      if (d.atMs() > nowMs) {
        break;
      }
      it.remove();
      deadlines.remove(d.key());
      due.add(d);
    }
    return Future.succeededFuture(due);
  }
}
