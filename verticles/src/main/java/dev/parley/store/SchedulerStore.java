package dev.parley.store;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.function.ObjLongConsumer;

/**
 * The only place shared scheduler state lives. Every method is atomic: it either happens whole or not at all, so
 * concurrent callers (verticles of one instance, or instances of a cluster) never see half a change.
 */
public interface SchedulerStore {

  /**
   * Calls {@code handler} (on any thread) each time the store comes back without some of what it held, such as a
   * Redis that restarted: every owner then writes again the state it holds. A store that cannot lose state never
   * calls it.
   */
  default void onRestart(Runnable handler) {}

  /**
   * Calls {@code timer} with each call's operation and how long it took to be answered, in nanoseconds, for a remote
   * store (one in-process answers at once and never calls it). One timer: a later one replaces it.
   */
  default void onCallTimed(ObjLongConsumer<String> timer) {}

  /**
   * Calls {@code listener} (on any thread) with the round trip, in milliseconds, of each call answered at its first
   * attempt: how far behind a remote store runs, its requests queued behind others. Calls that waited for a reconnect,
   * or failed, are left out: they tell of an outage, not of load. One in-process never calls it. One listener: a
   * later one replaces it.
   */
  default void onRoundTrip(LongConsumer listener) {}

  /** Requests sent to a remote store so far (0 for one in-process): what a job costs in round trips. */
  default long requests() {
    return 0;
  }

  /** The store's clock, used for every deadline so instances never compare their own clocks. */
  Future<Long> timeMs();

  // --- nodes -------------------------------------------------------------------------------------------------------

  /**
   * Registers a node or replaces its earlier connection, heard from now on the store's clock; a replaced
   * connection's slots are dropped, while the same connection put again keeps them. Returns the connection replaced
   * (null for none, or the same one), whose turns nobody else may be left to fail over: its instance may be gone.
   */
  Future<String> putNode(NodeInfo node);

  /**
   * Records a heartbeat, timed on the store's clock (so instances that compare heartbeat times never compare their
   * own clocks), if {@code connId} is the node's current connection.
   */
  Future<HeartbeatOutcome> heartbeat(String nodeId, String connId, NodeInfo.NodeStatus status, int running);

  /** Removes the node if {@code connId} is still its current connection; true when it did. */
  Future<Boolean> removeNode(String nodeId, String connId);

  Future<List<NodeInfo>> nodes();

  /** Holds one slot of the node for the turn; a turn that already holds one gets OK again. */
  Future<Reservation> tryReserve(String nodeId, String turnId);

  /** Frees the turn's slot on the node; idempotent, true only for the call that freed it. */
  Future<Boolean> release(String nodeId, String turnId);

  // --- sessions ----------------------------------------------------------------------------------------------------

  Future<Void> putSession(SessionInfo session);

  Future<SessionInfo> session(String sessionId);

  Future<SessionInfo> sessionByToken(String resumeToken);

  /**
   * Attaches a socket on {@code instanceId} to the session, taking its lease (a resume); null when it is gone. The
   * session comes back with {@code nextUtteranceIndex} past its newest job, so the new cutter reuses no index even
   * when the owner before died without recording where it stood.
   */
  Future<SessionInfo> takeSession(String sessionId, String instanceId);

  /**
   * Takes the lease of a session from {@code fromInstance} (an owner that left the cluster) without a socket; null
   * when the session is gone or another instance holds it now. {@code nextUtteranceIndex} as for takeSession.
   */
  Future<SessionInfo> adoptSession(String sessionId, String fromInstance, String toInstance);

  /**
   * Records that the session's socket closed, and where its cutter stood, so a resume can continue from there; null,
   * changing nothing, when the session is gone or {@code ownerInstance} no longer holds its lease.
   */
  Future<SessionInfo> detachSession(String sessionId, long nextUtteranceIndex, long lastSeq, long atMs,
      String ownerInstance);

  /** Forgets the session, its retained outcomes and its index of jobs. */
  Future<Void> removeSession(String sessionId);

  /**
   * Keeps a delivered outcome for a resume. Kept are the outcomes of the last {@code keepMs} before the session's
   * socket went away (everything since then too), or before now while a socket is attached: enough to cover frames
   * lost in flight, without holding a long session's whole history.
   */
  Future<Void> appendOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs);

  /**
   * As {@link #appendOutcome}, and the session's {@code nextDelivery} moves past the index (and its context text
   * becomes {@code contextText} unless that is null), only while {@code ownerInstance} holds the lease: false,
   * keeping nothing, when another instance owns the session now.
   */
  default Future<Boolean> deliverOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs,
      String ownerInstance, String contextText) {
    return deliverOutcome(sessionId, utteranceIndex, frame, atMs, keepMs, ownerInstance, contextText, null);
  }

  /**
   * As {@link #deliverOutcome(String, long, String, long, long, String, String)}; when it keeps the frame, the
   * result kept with job {@code deliveredJobId} (unless null) is dropped: the frame stands for it now.
   */
  Future<Boolean> deliverOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs,
      String ownerInstance, String contextText, String deliveredJobId);

  /**
   * The result kept with a job by {@link #settle(String, int, String, Set, JobState, String)} and not delivered yet,
   * or null.
   */
  Future<String> keptResult(String jobId);

  /** Retained outcomes with an index above {@code afterIndex}, in order. */
  Future<List<String>> outcomesAfter(String sessionId, long afterIndex);

  // --- jobs and turns ----------------------------------------------------------------------------------------------

  /** SET NX with expiry: the first job id claimed for the key, whoever asks. */
  Future<String> claimJobKey(String key, String jobId, long ttlMs);

  /** Stores a new job and adds it to its turn (made on its first job), closing the turn when the job closes it. */
  Future<TurnInfo> addJob(JobInfo job, boolean closesTurn);

  /**
   * What {@link #createJob} does with a job once stored. PLACE: a turn the job makes goes on the first candidate (in
   * rank order) with room; SEND: the job goes on its turn's node, when the turn is still on {@code nodeId} in {@code
   * epoch}; NONE: nothing more. A job put on a node this way is DISPATCHED with its ACK deadline armed in {@code
   * ackDelayMs}, and a PLACE that closes the turn also arms the turn's RESULT deadline in {@code resultDelayMs} (unless
   * negative).
   */
  record DispatchPlan(Kind kind, List<NodeInfo> candidates, String nodeId, int epoch, long ackDelayMs,
      long resultDelayMs) {
    public enum Kind { NONE, PLACE, SEND }

    public static final DispatchPlan NONE = new DispatchPlan(Kind.NONE, List.of(), null, 0, 0, -1);

    public DispatchPlan {
      candidates = List.copyOf(candidates);
    }

    public static DispatchPlan place(List<NodeInfo> candidates, long ackDelayMs, long resultDelayMs) {
      return new DispatchPlan(Kind.PLACE, candidates, null, 0, ackDelayMs, resultDelayMs);
    }

    public static DispatchPlan send(String nodeId, int epoch, long ackDelayMs) {
      return new DispatchPlan(Kind.SEND, List.of(), nodeId, epoch, ackDelayMs, -1);
    }
  }

  /**
   * What {@link #createJob} did: {@code holder} is the job id holding the key; when that is the job given, {@code
   * job} is as stored (created now, on the store's clock; DISPATCHED when the plan put it on a node), with its turn and
   * its session's context text (null when it has none), the one part of the session a job's node needs.
   */
  record CreatedJob(String holder, JobInfo job, TurnInfo turn, String contextText) {
    /** Whether the plan put the job on its turn's node. */
    public boolean dispatched() {
      return job != null && job.state() == JobState.DISPATCHED;
    }
  }

  /**
   * claimJobKey, then (when the key was free) addJob, with the session's context text read back, and the plan carried
   * out: one step of the dispatch path. Made again after a call that ran (its answer lost), it changes nothing and
   * answers with the job as stored.
   */
  default Future<CreatedJob> createJob(String key, JobInfo job, boolean closesTurn, long keyTtlMs, DispatchPlan plan) {
    return claimJobKey(key, job.jobId(), keyTtlMs).compose(holder -> {
      if (!holder.equals(job.jobId())) {
        return Future.succeededFuture(new CreatedJob(holder, null, null, null));
      }
      return job(job.jobId()).compose(stored -> stored != null
          ? turn(stored.turnId()).compose(turn -> session(stored.sessionId()).map(s ->
              new CreatedJob(holder, stored, turn, s == null ? null : s.contextText())))
          : newJob(holder, job, closesTurn, plan));
    });
  }

  private Future<CreatedJob> newJob(String holder, JobInfo job, boolean closesTurn, DispatchPlan plan) {
    return timeMs().compose(now -> {
      JobInfo created = job.createdAt(now);
      return addJob(created, closesTurn).compose(turn -> session(job.sessionId()).compose(s -> {
        String contextText = s == null ? null : s.contextText();
        JobInfo stored = created.withPlacement(created.attempt(), created.state(), turn.nodeId(),
            created.excludedNodes());
        CreatedJob unsent = new CreatedJob(holder, stored, turn, contextText);
        if (plan.kind() == DispatchPlan.Kind.PLACE && turn.jobIds().size() == 1) {
          return placeTurn(turn.turnId(), plan.candidates(), List.of(stored), plan.ackDelayMs(),
              plan.resultDelayMs()).compose(placed -> placed.nodeId() == null
                  ? Future.succeededFuture(unsent)
                  : job(stored.jobId()).map(j -> new CreatedJob(holder, j, placed.turn(), contextText)));
        }
        if (plan.kind() == DispatchPlan.Kind.SEND && plan.nodeId().equals(turn.nodeId())
            && plan.epoch() == turn.epoch()) {
          return armIn(Deadline.Kind.ACK, stored.jobId(), stored.attempt(), plan.ackDelayMs())
              .compose(v -> transition(stored.jobId(), stored.attempt(), null, Set.of(JobState.CREATED),
                  JobState.DISPATCHED))
              .map(t -> new CreatedJob(holder, t.job(), turn, contextText));
        }
        return Future.succeededFuture(unsent);
      }));
    });
  }

  /** Where {@link #placeTurn} put the turn: the node that had room (null when none did) and the turn as bound. */
  record PlacedTurn(String nodeId, TurnInfo turn) {}

  /**
   * Reserves a slot on the first candidate (in rank order) that has room and binds the turn there; each job being
   * sent becomes DISPATCHED with an ACK deadline in {@code ackDelayMs} (and loses its PENDING one), and, when the turn
   * is closed and {@code resultDelayMs} is not negative, the turn's RESULT deadline is armed: one step of the dispatch
   * path.
   */
  default Future<PlacedTurn> placeTurn(String turnId, List<NodeInfo> candidates, List<JobInfo> sending,
      long ackDelayMs, long resultDelayMs) {
    return placeOn(turnId, candidates, 0).compose(node -> {
      if (node == null) {
        return Future.succeededFuture(new PlacedTurn(null, null));
      }
      return bindTurn(turnId, node.nodeId(), node.connId()).compose(turn -> {
        if (turn == null) {
          return release(node.nodeId(), turnId).map(new PlacedTurn(null, null));
        }
        List<Future<?>> steps = new ArrayList<>();
        for (JobInfo j : sending) {
          steps.add(armIn(Deadline.Kind.ACK, j.jobId(), j.attempt(), ackDelayMs));
          steps.add(disarm(Deadline.Kind.PENDING, j.jobId()));
          steps.add(transition(j.jobId(), j.attempt(), null, Set.of(JobState.CREATED), JobState.DISPATCHED));
        }
        if (turn.closed() && resultDelayMs >= 0) {
          steps.add(armIn(Deadline.Kind.RESULT, turnId, turn.epoch(), resultDelayMs));
        }
        return Future.all(steps).map(new PlacedTurn(node.nodeId(), turn));
      });
    });
  }

  private Future<NodeInfo> placeOn(String turnId, List<NodeInfo> candidates, int i) {
    if (i >= candidates.size()) {
      return Future.succeededFuture(null);
    }
    NodeInfo node = candidates.get(i);
    return tryReserve(node.nodeId(), turnId).compose(r -> r == Reservation.OK ? Future.succeededFuture(node)
        : placeOn(turnId, candidates, i + 1));
  }

  Future<JobInfo> job(String jobId);

  /** The job a session's utterance index made, or null. */
  Future<JobInfo> jobAt(String sessionId, long utteranceIndex);

  /**
   * The jobs of {@code count} utterance indexes of a session from {@code fromIndex} on, one entry per index (null where
   * none), without their audio: in one call.
   */
  Future<List<JobInfo>> jobsFrom(String sessionId, long fromIndex, int count);

  Future<TurnInfo> turn(String turnId);

  /** The turn's jobs in segment order. */
  Future<List<JobInfo>> turnJobs(String turnId);

  /** Places the turn on a node (whose slot the caller reserved), starting a new epoch. */
  Future<TurnInfo> bindTurn(String turnId, String nodeId, String connId);

  /** What {@link #closeTurn} left: the turn as closed, and the node whose slot it freed (null when none). */
  record ClosedTurn(TurnInfo turn, String releasedNode) {}

  /**
   * Closes a turn no job will close: it takes no more jobs, and when none of its jobs is open it is done and its slot
   * freed; null for an unknown turn.
   */
  Future<ClosedTurn> closeTurn(String turnId);

  /**
   * Takes the turn off its node if it is still in {@code expectedEpoch}: releases the slot and returns the turn as it
   * was; null when the turn moved on or ended meanwhile.
   */
  Future<TurnInfo> unbindTurn(String turnId, int expectedEpoch);

  /**
   * Compare-and-set on a job: applies only when the attempt is current, the node (when given) holds it, and its state
   * is one of {@code from}. A change that ends the turn's last open job of a closed turn releases the turn's slot.
   */
  Future<Transition> transition(String jobId, int expectedAttempt, String nodeId, Set<JobState> from, JobState to);

  /**
   * A transition on a node's report (an ack, a result): when it applies, the job's ACK deadline goes, and so does its
   * turn's RESULT deadline when the change frees the turn's slot.
   */
  default Future<Transition> settle(String jobId, int expectedAttempt, String nodeId, Set<JobState> from,
      JobState to) {
    return settle(jobId, expectedAttempt, nodeId, from, to, null);
  }

  /**
   * As {@link #settle(String, int, String, Set, JobState)}, and when it applies, {@code keptResult} (unless null) is
   * kept with the job until its outcome is delivered: if the session's owner is lost before it delivers it, the
   * instance that takes the session over still can.
   */
  Future<Transition> settle(String jobId, int expectedAttempt, String nodeId, Set<JobState> from, JobState to,
      String keptResult);

  /**
   * Sends an open job back to placement with the next attempt, excluding {@code failedNode}, and arms its PENDING
   * deadline in {@code pendingDelayMs} in the same change: until a placement disarms it, that deadline stands for the
   * job, so a placement that never happens (its store calls failed, its instance died) still ends the job. When the
   * attempts are used up the job becomes FAILED instead (EXHAUSTED).
   */
  Future<Transition> failover(String jobId, int expectedAttempt, String failedNode, int maxAttempts,
      long pendingDelayMs);

  /**
   * Turns placed on the node's connection {@code connId} that still have open jobs, also once that connection was
   * removed or replaced.
   */
  Future<List<String>> openTurnsOnNode(String nodeId, String connId);

  /** The session's turns that still have open jobs, also once the session was removed. */
  Future<List<String>> openTurnsOfSession(String sessionId);

  // --- deadlines ---------------------------------------------------------------------------------------------------

  /** Arms or re-arms (same key) a deadline. */
  Future<Void> arm(Deadline deadline);

  /** Arms or re-arms a deadline due {@code delayMs} from now, on the store's clock. */
  default Future<Void> armIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return timeMs().compose(now -> arm(new Deadline(kind, id, generation, now + delayMs)));
  }

  /**
   * As {@link #armIn}, unless a deadline is armed under its key already: that one, armed since this one was claimed
   * (a newer attempt's, say), stands.
   */
  Future<Void> deferIn(Deadline.Kind kind, String id, int generation, long delayMs);

  Future<Void> disarm(Deadline.Kind kind, String id);

  /** Removes and returns the deadlines due at {@code nowMs}: each one goes to exactly one caller. */
  Future<List<Deadline>> claimExpired(long nowMs, String instanceId);
}
