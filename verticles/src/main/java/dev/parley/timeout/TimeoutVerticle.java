package dev.parley.timeout;

import dev.parley.bus.Addresses;
import dev.parley.bus.OwnerRoute;
import dev.parley.bus.SessionEvents;
import dev.parley.codecs.bus.JobOutcome;
import dev.parley.codecs.bus.NodeRef;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.MissingResult;
import dev.parley.codecs.protocol.UiEvent;
import dev.parley.config.ParleyConfig;
import dev.parley.ops.LoadMonitor;
import dev.parley.ops.LogLimit;
import dev.parley.store.Deadline;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.NodeInfo;
import dev.parley.store.SchedulerStore;
import dev.parley.store.Transition;
import dev.parley.store.TurnInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deadlines and failover. Deadlines live in the store and are claimed when due, so each fires once. Failover moves a
 * whole open turn: job_cancel to the old node, its slot released, every unfinished job back to placement with the
 * next attempt and the old node excluded, or FAILED with a missing_result when its attempts are used up.
 */
public final class TimeoutVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(TimeoutVerticle.class);
  private static final Set<JobState> AWAITING_ACK = EnumSet.of(JobState.CREATED, JobState.DISPATCHED);

  /** Why a turn moves: the job_cancel reason the old node gets, and the missing_result reason if attempts run out. */
  private enum Cause {
    DEADLINE(JobCancel.JOB_TIMEOUT, MissingResult.JOB_TIMEOUT),
    LOST(JobCancel.FAILOVER, MissingResult.JOB_TIMEOUT),
    NODE_ERROR(JobCancel.FAILOVER, MissingResult.NODE_ERROR);

    final String cancelReason;
    final String missingReason;

    Cause(String cancelReason, String missingReason) {
      this.cancelReason = cancelReason;
      this.missingReason = missingReason;
    }
  }

  /**
   * How many times a node's ACK or RESULT deadline waits while this instance runs behind, each time for
   * {@link #DEFER_MS}: the node's ack or result may be here already, unread, and moving its turn would add work.
   */
  public static final int DEFER_LIMIT = 3;
  public static final long DEFER_MS = 1_000;
  /** How many times a claimed deadline whose act the store failed is armed again before it is given up, logged. */
  static final int ARM_AGAIN_LIMIT = 10;
  /** How many times a turn taken off its node has its jobs moved when the store fails it, before it is given up. */
  static final int MOVE_RETRY_LIMIT = 10;
  /** Deadlines waiting that way, the newest kept. */
  private static final int DEFERRED_KEPT = 10_000;

  private final ParleyConfig config;
  private final SchedulerStore store;
  private final String instanceId;
  private final Predicate<String> isMember;
  private final LoadMonitor load;
  private final Map<String, Integer> deferrals = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > DEFERRED_KEPT;
    }
  };
  private final LogLimit deferLog = LogLimit.perSecond();
  private final LogLimit armAgainLog = LogLimit.perSecond();
  private final LogLimit moveAgainLog = LogLimit.perSecond();
  private EventBus bus;
  private OwnerRoute route;
  private boolean sweeping;
  private boolean checkingNodes;

  /**
   * {@code isMember} tells whether an instance is alive in the cluster (a single instance knows only itself); {@code
   * load} whether this one runs behind.
   */
  public TimeoutVerticle(ParleyConfig config, SchedulerStore store, String instanceId, Predicate<String> isMember,
      LoadMonitor load) {
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
    this.isMember = isMember;
    this.load = load;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    route = new OwnerRoute(vertx, instanceId, config.cluster().ownerTimeoutMs(), isMember);
    vertx.setPeriodic(config.timeout().sweepMs(), id -> sweep());
    vertx.setPeriodic(Math.max(500, config.node().heartbeatIntervalMs() / 2), id -> checkRemoteNodes());
    return Future.all(
        bus.<TurnRef>localConsumer(Addresses.TIMEOUT_FAILOVER, this::onFailoverRequest).completion(),
        route.<TurnRef>twin(Addresses.TIMEOUT_FAILOVER, ref -> failoverTurn(ref, causeOf(ref))).completion(),
        route.<JsonObject>twin(Addresses.TIMEOUT_FIRE, json -> fire(deadlineOf(json))).completion(),
        bus.<NodeRef>localConsumer(Addresses.NODE_LOST, m -> nodeLost(m.body().nodeId(), m.body().connId()))
            .completion(),
        bus.<String>localConsumer(Addresses.MEMBER_LOST, m -> onMemberLost(m.body())).completion(),
        bus.<SessionRef>localConsumer(Addresses.SESSION_ABORT, this::onSessionAbort).completion());
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    store.timeMs()
        .compose(now -> store.claimExpired(now, instanceId))
        .onSuccess(due -> due.forEach(this::routeDeadline))
        .onFailure(e -> LOG.error("deadline sweep failed", e))
        .onComplete(ar -> sweeping = false);
  }

  /** A due deadline is acted on by the owner of its session, which places and orders that session's jobs. */
  private void routeDeadline(Deadline d) {
    Future<String> sessionId = d.kind() == Deadline.Kind.RESULT
        ? store.turn(d.id()).map(t -> t == null ? null : t.sessionId())
        : store.job(d.id()).map(j -> j == null ? null : j.sessionId());
    sessionId.compose(this::ownerOf)
        .onSuccess(owner -> route.route(owner, Addresses.TIMEOUT_FIRE, jsonOf(d), json -> fire(deadlineOf(json))))
        .onFailure(e -> {
          LOG.warn("deadline owner unknown kind={} id={}: {}", d.kind(), d.id(), e.getMessage());
          fire(d);
        });
  }

  private Future<String> ownerOf(String sessionId) {
    if (sessionId == null) {
      return Future.succeededFuture(null);
    }
    return store.session(sessionId).map(s -> s == null ? null : s.ownerInstance());
  }

  private static JsonObject jsonOf(Deadline d) {
    return new JsonObject().put("kind", d.kind().name()).put("id", d.id()).put("generation", d.generation())
        .put("at_ms", d.atMs());
  }

  private static Deadline deadlineOf(JsonObject j) {
    return new Deadline(Deadline.Kind.valueOf(j.getString("kind")), j.getString("id"), j.getInteger("generation"),
        j.getLong("at_ms"));
  }

  private void fire(Deadline d) {
    if (d.kind() == Deadline.Kind.PENDING || !deferred(d)) {
      act(d);
    }
  }

  /**
   * Acts on a due deadline. Claiming took it out of the store, so when a store call fails before the act is done (the
   * turn off its node, or the job ended), the deadline is armed again ({@link #armAgain}): what it stands for still
   * gets its turn.
   */
  private void act(Deadline d) {
    Future<?> acted = switch (d.kind()) {
      case ACK -> store.job(d.id()).compose(job -> {
        if (job == null || job.attempt() != d.generation() || !AWAITING_ACK.contains(job.state())
            || job.nodeId() == null) {
          return Future.succeededFuture();
        }
        LOG.warn("no job_ack trace_id={} job_id={} node_id={} attempt_id={}", job.traceId(), job.jobId(),
            job.nodeId(), job.attempt());
        return store.turn(job.turnId()).compose(turn -> turn != null && job.nodeId().equals(turn.nodeId())
            ? failoverTurn(new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(), "ack"), Cause.LOST)
            : Future.succeededFuture());
      });
      case RESULT -> store.turn(d.id()).compose(turn -> {
        if (turn == null || turn.epoch() != d.generation() || turn.nodeId() == null) {
          return Future.succeededFuture();
        }
        LOG.warn("results overdue turn_id={} node_id={} epoch={}", turn.turnId(), turn.nodeId(), turn.epoch());
        return failoverTurn(new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(), "deadline"), Cause.DEADLINE);
      });
      case PENDING -> store.job(d.id()).compose(job -> {
        if (job == null || job.nodeId() != null || job.state() != JobState.CREATED) {
          return Future.succeededFuture();
        }
        return store.transition(job.jobId(), job.attempt(), null, EnumSet.of(JobState.CREATED), JobState.FAILED)
            .onSuccess(t -> {
              if (t.applied()) {
                LOG.warn("job FAILED no node trace_id={} job_id={} session_id={}", job.traceId(), job.jobId(),
                    job.sessionId());
                missing(job, MissingResult.NO_AVAILABLE_NODE);
                freed(t);
                // let placement look at the turn again: it drops what has nothing left to place
                bus.send(Addresses.DISPATCH_TURN, new TurnRef(job.turnId(), 0, null, "pending_timeout"),
                    Addresses.local());
              }
            });
      });
    };
    acted.onFailure(e -> armAgain(d, e, 0));
  }

  /**
   * Arms a claimed deadline again {@link #DEFER_MS} on, unless one is armed under its key meanwhile (a newer attempt's
   * stands); while the store cannot take it either, tries again every {@link #DEFER_MS}, {@link #ARM_AGAIN_LIMIT}
   * times.
   */
  private void armAgain(Deadline d, Throwable cause, int tries) {
    armAgainLog.log(skipped -> LOG.warn("deadline not acted on kind={} id={} generation={}: {}; armed again"
        + " (like lines skipped: {})", d.kind(), d.id(), d.generation(), cause.getMessage(), skipped));
    store.deferIn(d.kind(), d.id(), d.generation(), DEFER_MS).onFailure(e -> {
      if (tries + 1 < ARM_AGAIN_LIMIT) {
        vertx.setTimer(DEFER_MS, id -> armAgain(d, e, tries + 1));
      } else {
        LOG.error("deadline lost kind={} id={} generation={}: the store took it back {} times: {}", d.kind(), d.id(),
            d.generation(), ARM_AGAIN_LIMIT, e.getMessage());
      }
    });
  }

  /**
   * Whether a node's deadline waits, armed again {@link #DEFER_MS} on, because this instance runs behind: the lateness
   * may be its own, not the node's. At most {@link #DEFER_LIMIT} times, so a node that is gone is still found out.
   */
  private boolean deferred(Deadline d) {
    String key = d.key() + ":" + d.generation();
    long now = System.currentTimeMillis();
    if (!load.overloaded(now)) {
      deferrals.remove(key);
      return false;
    }
    int times = deferrals.merge(key, 1, Integer::sum);
    if (times > DEFER_LIMIT) {
      deferrals.remove(key);
      return false;
    }
    deferLog.log(skipped -> LOG.warn("deadline deferred, instance overloaded kind={} id={} generation={} times={}"
        + " (like lines skipped: {})", d.kind(), d.id(), d.generation(), times, skipped));
    // a deadline armed under the key since this one was claimed (the turn moved meanwhile) stands
    store.deferIn(d.kind(), d.id(), d.generation(), DEFER_MS).onFailure(e -> {
      LOG.warn("deadline not deferred kind={} id={}: {}; it fires now", d.kind(), d.id(), e.getMessage());
      deferrals.remove(key);
      act(d);
    });
    return true;
  }

  private static Cause causeOf(TurnRef ref) {
    return switch (ref.reason() == null ? "" : ref.reason()) {
      case "node_error" -> Cause.NODE_ERROR;
      case "deadline" -> Cause.DEADLINE;
      default -> Cause.LOST;
    };
  }

  /** A request from this instance (a node error, a failed send): the turn moves on its session's owner. */
  private void onFailoverRequest(Message<TurnRef> message) {
    TurnRef ref = message.body();
    store.turn(ref.turnId()).compose(turn -> ownerOf(turn == null ? null : turn.sessionId()))
        .onSuccess(owner -> route.route(owner, Addresses.TIMEOUT_FAILOVER, ref, r -> failoverTurn(r, causeOf(r))))
        .onFailure(e -> failoverTurn(ref, causeOf(ref)));
  }

  private void nodeLost(String nodeId, String connId) {
    store.openTurnsOnNode(nodeId, connId).onSuccess(turnIds -> {
      LOG.warn("node lost node_id={} conn_id={} open_turns={}", nodeId, connId, turnIds.size());
      for (String turnId : turnIds) {
        store.turn(turnId).onSuccess(turn -> {
          // only turns of the lost connection: a node that reconnected already holds new turns on its new one
          if (turn != null && nodeId.equals(turn.nodeId()) && connId.equals(turn.connId())) {
            TurnRef ref = new TurnRef(turnId, turn.epoch(), nodeId, "node_lost");
            ownerOf(turn.sessionId()).onComplete(owner -> route.route(owner.succeeded() ? owner.result() : null,
                Addresses.TIMEOUT_FAILOVER, ref, r -> failoverTurn(r, Cause.LOST)));
          }
        });
      }
    });
  }

  /** A member left the cluster: the nodes whose sockets it held are gone with it, and what it did not answer runs here. */
  private void onMemberLost(String lostInstance) {
    LOG.warn("cluster member lost instance={}; dropping its nodes", lostInstance);
    route.memberLost(lostInstance);
    store.nodes().onSuccess(nodes -> nodes.stream().filter(n -> lostInstance.equals(n.instanceId()))
        .forEach(n -> dropNode(n, "its instance left the cluster")));
  }

  /**
   * Nodes held by other instances are watched through the store: one whose heartbeats stopped (its instance hangs,
   * or died without the cluster noticing yet) is dropped after the heartbeat timeout. This instance's own nodes are
   * watched by their sockets.
   */
  private void checkRemoteNodes() {
    if (checkingNodes) {
      return;
    }
    checkingNodes = true;
    // heartbeats are timed on the store's clock, so this instance's own clock never enters the comparison
    Future.all(store.timeMs(), store.nodes()).onSuccess(both -> {
      long now = both.resultAt(0);
      List<NodeInfo> nodes = both.resultAt(1);
      nodes.stream()
          .filter(n -> !instanceId.equals(n.instanceId())
              && now - n.lastHeartbeatMs() > config.node().heartbeatTimeoutMs())
          .forEach(n -> dropNode(n, "no heartbeat for " + (now - n.lastHeartbeatMs()) + " ms"));
    }).onComplete(ar -> checkingNodes = false);
  }

  /** Removes the node's connection from the registry; whoever removes it (one instance) fails over its turns. */
  private void dropNode(NodeInfo n, String why) {
    store.removeNode(n.nodeId(), n.connId()).onSuccess(removed -> {
      if (removed) {
        LOG.warn("node dropped node_id={} conn_id={} instance={}: {}", n.nodeId(), n.connId(), n.instanceId(), why);
        bus.publish(Addresses.REGISTRY_CHANGED, new NodeRef(n.nodeId(), n.connId()));
        nodeLost(n.nodeId(), n.connId());
      }
    });
  }

  /**
   * Moves the turn off its node, if it is still where the request says. The future fails when the store could not
   * take it off; once off, its jobs are moved ({@link #moveTurn}).
   */
  private Future<Void> failoverTurn(TurnRef ref, Cause cause) {
    return store.unbindTurn(ref.turnId(), ref.epoch()).map(old -> {
      if (old == null) {
        return null; // already moved or ended
      }
      store.disarm(Deadline.Kind.RESULT, old.turnId());
      bus.send(Addresses.DISPATCH_FREED, new TurnRef(old.turnId(), old.epoch(), old.nodeId(), "failover"),
          Addresses.local());
      moveTurn(old, ref.reason(), cause, new Moves(), 0);
      return null;
    });
  }

  /** The jobs of a turn's failover done so far: those the store answered for, and those it sent back to placement. */
  private record Moves(Set<String> done, Set<String> sentBack) {
    Moves() {
      this(new HashSet<>(), new HashSet<>());
    }
  }

  /**
   * Sends the open jobs of a turn taken off its node back to placement, then has it placed. Its node and deadlines no
   * longer stand for it, so when the store fails a step this is made again, {@link #MOVE_RETRY_LIMIT} times, every
   * {@link #DEFER_MS}, leaving out the jobs {@code moves} has done already.
   */
  private void moveTurn(TurnInfo old, String reason, Cause cause, Moves moves, int tries) {
    store.turnJobs(old.turnId()).compose(jobs -> moveJobs(old, jobs, cause, moves)).onSuccess(v -> {
      if (!moves.sentBack().isEmpty()) {
        bus.send(Addresses.DISPATCH_TURN, new TurnRef(old.turnId(), old.epoch(), null, reason), Addresses.local());
      }
    }).onFailure(e -> {
      if (tries + 1 < MOVE_RETRY_LIMIT) {
        moveAgainLog.log(skipped -> LOG.warn("failover not done turn_id={}: {}; again in {} ms"
            + " (like lines skipped: {})", old.turnId(), e.getMessage(), DEFER_MS, skipped));
        vertx.setTimer(DEFER_MS, id -> moveTurn(old, reason, cause, moves, tries + 1));
      } else {
        LOG.error("failover failed turn_id={} after {} tries", old.turnId(), MOVE_RETRY_LIMIT, e);
      }
    });
  }

  /** Sends every open job of the turn back to placement, in order, but those {@code moves} has done already. */
  private Future<Void> moveJobs(TurnInfo old, List<JobInfo> jobs, Cause cause, Moves moves) {
    List<Future<Transition>> steps = new ArrayList<>();
    for (JobInfo job : jobs) {
      if (job.state().isTerminal() || moves.done().contains(job.jobId())) {
        continue;
      }
      bus.send(Addresses.node(old.nodeId(), old.connId()), new JobCancel(job.jobId(), job.attempt(),
          cause.cancelReason));
      store.disarm(Deadline.Kind.ACK, job.jobId());
      steps.add(store.failover(job.jobId(), job.attempt(), old.nodeId(), config.dispatch().maxAttempts(),
          config.dispatch().pendingTimeoutMs())
          .onSuccess(t -> {
            moves.done().add(job.jobId());
            if (t.applied()) {
              moves.sentBack().add(job.jobId());
            }
            afterMove(t, cause);
          }));
    }
    return Future.join(steps).mapEmpty(); // every step answered before any is made again
  }

  private void afterMove(Transition t, Cause cause) {
    JobInfo job = t.job();
    long now = System.currentTimeMillis();
    if (t.outcome() == Transition.Outcome.APPLIED) {
      LOG.warn("job failover trace_id={} job_id={} session_id={} attempt_id={} excluded={}", job.traceId(),
          job.jobId(), job.sessionId(), job.attempt(), job.excludedNodes());
      SessionEvents.uiEvent(bus, job, UiEvent.JOB_FAILOVER, "attempt " + job.attempt(), now);
    } else if (t.outcome() == Transition.Outcome.EXHAUSTED) {
      LOG.warn("job FAILED attempts used trace_id={} job_id={} session_id={} attempt_id={}", job.traceId(),
          job.jobId(), job.sessionId(), job.attempt());
      SessionEvents.uiEvent(bus, job, UiEvent.JOB_TIMEOUT, "failed", now);
      missing(job, cause.missingReason);
      freed(t);
    }
  }

  private void onSessionAbort(Message<SessionRef> message) {
    String sessionId = message.body().sessionId();
    store.openTurnsOfSession(sessionId).onSuccess(turnIds -> {
      for (String turnId : turnIds) {
        Future.all(store.turn(turnId), store.turnJobs(turnId)).onSuccess(both -> {
          TurnInfo turn = both.resultAt(0);
          List<JobInfo> jobs = both.resultAt(1);
          for (JobInfo job : jobs) {
            if (job.state().isTerminal()) {
              continue;
            }
            store.transition(job.jobId(), job.attempt(), null, JobState.OPEN, JobState.CANCELLED).onSuccess(t -> {
              if (t.applied()) {
                store.disarm(Deadline.Kind.ACK, job.jobId());
                store.disarm(Deadline.Kind.PENDING, job.jobId());
                if (turn != null && turn.nodeId() != null) {
                  bus.send(Addresses.node(turn.nodeId(), turn.connId()),
                      new JobCancel(job.jobId(), job.attempt(), JobCancel.SESSION_CLOSED));
                }
                freed(t);
              }
            });
          }
          store.disarm(Deadline.Kind.RESULT, turnId);
        });
      }
    });
  }

  private void missing(JobInfo job, String reason) {
    bus.send(Addresses.RESULT_MISSING, new JobOutcome(job.sessionId(), job.jobId(), job.utteranceIndex(), reason,
        job.traceId()), Addresses.local());
  }

  private void freed(Transition t) {
    if (t.releasedNode() != null) {
      bus.send(Addresses.DISPATCH_FREED, new TurnRef(t.job().turnId(), 0, t.releasedNode(), "done"), Addresses.local());
    }
  }
}
