package dev.parley.timeout;

import dev.parley.bus.Addresses;
import dev.parley.bus.SessionEvents;
import dev.parley.codecs.bus.JobOutcome;
import dev.parley.codecs.bus.NodeRef;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.MissingResult;
import dev.parley.codecs.protocol.UiEvent;
import dev.parley.config.ParleyConfig;
import dev.parley.store.Deadline;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.SchedulerStore;
import dev.parley.store.Transition;
import dev.parley.store.TurnInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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

  private final ParleyConfig config;
  private final SchedulerStore store;
  private final String instanceId;
  private EventBus bus;
  private boolean sweeping;

  public TimeoutVerticle(ParleyConfig config, SchedulerStore store, String instanceId) {
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    vertx.setPeriodic(config.timeout().sweepMs(), id -> sweep());
    return Future.all(
        bus.<TurnRef>localConsumer(Addresses.TIMEOUT_FAILOVER, this::onFailoverRequest).completion(),
        bus.<NodeRef>localConsumer(Addresses.NODE_LOST, this::onNodeLost).completion(),
        bus.<SessionRef>localConsumer(Addresses.SESSION_ABORT, this::onSessionAbort).completion());
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    store.timeMs()
        .compose(now -> store.claimExpired(now, instanceId))
        .onSuccess(due -> due.forEach(this::fire))
        .onFailure(e -> LOG.error("deadline sweep failed", e))
        .onComplete(ar -> sweeping = false);
  }

  private void fire(Deadline d) {
    switch (d.kind()) {
      case ACK -> store.job(d.id()).onSuccess(job -> {
        if (job != null && job.attempt() == d.generation() && AWAITING_ACK.contains(job.state())
            && job.nodeId() != null) {
          LOG.warn("no job_ack trace_id={} job_id={} node_id={} attempt_id={}", job.traceId(), job.jobId(),
              job.nodeId(), job.attempt());
          store.turn(job.turnId()).onSuccess(turn -> {
            if (turn != null && job.nodeId().equals(turn.nodeId())) {
              failoverTurn(new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(), "ack"), Cause.LOST);
            }
          });
        }
      });
      case RESULT -> store.turn(d.id()).onSuccess(turn -> {
        if (turn != null && turn.epoch() == d.generation() && turn.nodeId() != null) {
          LOG.warn("results overdue turn_id={} node_id={} epoch={}", turn.turnId(), turn.nodeId(), turn.epoch());
          failoverTurn(new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(), "deadline"), Cause.DEADLINE);
        }
      });
      case PENDING -> store.job(d.id()).onSuccess(job -> {
        if (job != null && job.nodeId() == null && job.state() == JobState.CREATED) {
          store.transition(job.jobId(), job.attempt(), null, EnumSet.of(JobState.CREATED), JobState.FAILED)
              .onSuccess(t -> {
                if (t.applied()) {
                  LOG.warn("job FAILED no node trace_id={} job_id={} session_id={}", job.traceId(), job.jobId(),
                      job.sessionId());
                  missing(job, MissingResult.NO_AVAILABLE_NODE);
                  freed(t);
                  // let placement look at the turn again: it drops what has nothing left to place
                  bus.send(Addresses.DISPATCH_TURN, new TurnRef(job.turnId(), 0, null, "pending_timeout"));
                }
              });
        }
      });
    }
  }

  private void onFailoverRequest(Message<TurnRef> message) {
    TurnRef ref = message.body();
    failoverTurn(ref, "node_error".equals(ref.reason()) ? Cause.NODE_ERROR : Cause.LOST);
  }

  private void onNodeLost(Message<NodeRef> message) {
    String nodeId = message.body().nodeId();
    String connId = message.body().connId();
    store.openTurnsOnNode(nodeId).onSuccess(turnIds -> {
      LOG.warn("node lost node_id={} conn_id={} open_turns={}", nodeId, connId, turnIds.size());
      for (String turnId : turnIds) {
        store.turn(turnId).onSuccess(turn -> {
          // only turns of the lost connection: a node that reconnected already holds new turns on its new one
          if (turn != null && nodeId.equals(turn.nodeId()) && connId.equals(turn.connId())) {
            failoverTurn(new TurnRef(turnId, turn.epoch(), nodeId, "node_lost"), Cause.LOST);
          }
        });
      }
    });
  }

  /** Moves the turn off its node, if it is still where the request says. */
  private void failoverTurn(TurnRef ref, Cause cause) {
    store.unbindTurn(ref.turnId(), ref.epoch()).onSuccess(old -> {
      if (old == null) {
        return; // already moved or ended
      }
      store.disarm(Deadline.Kind.RESULT, old.turnId());
      bus.send(Addresses.DISPATCH_FREED, new TurnRef(old.turnId(), old.epoch(), old.nodeId(), "failover"));
      store.turnJobs(old.turnId()).compose(jobs -> moveJobs(old, jobs, cause)).onSuccess(retried -> {
        if (retried) {
          bus.send(Addresses.DISPATCH_TURN, new TurnRef(old.turnId(), old.epoch(), null, ref.reason()));
        }
      }).onFailure(e -> LOG.error("failover failed turn_id={}", old.turnId(), e));
    });
  }

  /** Sends every open job of the turn back to placement, in order; true when any of them will be placed again. */
  private Future<Boolean> moveJobs(TurnInfo old, List<JobInfo> jobs, Cause cause) {
    List<Future<Transition>> moves = new ArrayList<>();
    for (JobInfo job : jobs) {
      if (job.state().isTerminal()) {
        continue;
      }
      bus.send(Addresses.node(old.nodeId(), old.connId()), new JobCancel(job.jobId(), job.attempt(),
          cause.cancelReason));
      store.disarm(Deadline.Kind.ACK, job.jobId());
      moves.add(store.failover(job.jobId(), job.attempt(), old.nodeId(), config.dispatch().maxAttempts())
          .onSuccess(t -> afterMove(t, cause)));
    }
    return Future.all(moves).map(all -> {
      for (Future<Transition> f : moves) {
        if (f.result().applied()) {
          return true;
        }
      }
      return false;
    });
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
        job.traceId()));
  }

  private void freed(Transition t) {
    if (t.releasedNode() != null) {
      bus.send(Addresses.DISPATCH_FREED, new TurnRef(t.job().turnId(), 0, t.releasedNode(), "done"));
    }
  }
}
