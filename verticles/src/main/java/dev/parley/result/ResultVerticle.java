package dev.parley.result;

import dev.parley.bus.Addresses;
import dev.parley.bus.OwnerRoute;
import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.bus.JobOutcome;
import dev.parley.codecs.bus.SessionRef;
import dev.parley.codecs.bus.Settled;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.codecs.protocol.JobAck;
import dev.parley.codecs.protocol.JobResult;
import dev.parley.codecs.protocol.JobStarted;
import dev.parley.codecs.protocol.MissingResult;
import dev.parley.codecs.protocol.TranslationResult;
import dev.parley.config.ParleyConfig;
import dev.parley.store.Deadline;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.SchedulerStore;
import dev.parley.store.Transition;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts what nodes say about jobs, only through the store's compare-and-set on the current attempt, and delivers
 * each session's outcomes in {@code utterance_index} order. Empty jobs are skipped without holding later ones back; a
 * gap that outlives the gap timeout becomes a missing_result.
 */
public final class ResultVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ResultVerticle.class);
  private static final Set<JobState> ACKABLE = EnumSet.of(JobState.CREATED, JobState.DISPATCHED);

  /** What one utterance index ended in. */
  private sealed interface Outcome permits Delivered, Missing, Empty {}

  private record Delivered(Settled settled) implements Outcome {}

  private record Missing(JobOutcome outcome) implements Outcome {}

  private record Empty() implements Outcome {}

  /** One session's ordered stream: waiting outcomes, the delivery chain, and drains waiting for an index. */
  private static final class Stream {
    final OrderedDelivery<Outcome> order = new OrderedDelivery<>(0);
    Future<Void> tail = Future.succeededFuture();
    long delivered;
    long gapTimer = -1;
    final List<Map.Entry<Long, Message<SessionRef>>> drains = new ArrayList<>();
  }

  /** Results refused because they were stale or repeated; exposed for tests and metrics. */
  public static final AtomicLong DROPPED_STALE = new AtomicLong();
  public static final AtomicLong DROPPED_DUPLICATE = new AtomicLong();

  private final ParleyConfig config;
  private final SchedulerStore store;
  private final String instanceId;
  private final Map<String, Stream> streams = new HashMap<>();
  /** Sessions that ended lately: a straggling outcome for one of them must not start a new stream. */
  private final Set<String> ended = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 10_000;
    }
  });
  private EventBus bus;
  private OwnerRoute route;

  public ResultVerticle(ParleyConfig config, SchedulerStore store, String instanceId) {
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    route = new OwnerRoute(bus, instanceId, config.dispatch().sendTimeoutMs());
    return Future.all(
        bus.localConsumer(Addresses.RESULT, this::onNodeReport).completion(),
        route.<Settled>twin(Addresses.RESULT_SETTLED, this::onSettled).completion(),
        bus.<JobOutcome>localConsumer(Addresses.RESULT_MISSING, m -> offerMissing(m.body())).completion(),
        bus.<SessionRef>localConsumer(Addresses.RESULT_DRAIN, this::onDrain).completion(),
        bus.<SessionRef>consumer(Addresses.SESSION_ENDED, m -> forget(m.body().sessionId())).completion());
  }

  private void onNodeReport(Message<Object> message) {
    Object body = message.body();
    if (body instanceof JobResult r) {
      onResult(r, message);
    } else if (body instanceof JobAck a) {
      store.transition(a.jobId(), a.attemptId(), a.nodeId(), ACKABLE, JobState.ACKED).onSuccess(t -> {
        if (t.applied() || isLateAck(t, a)) {
          store.disarm(Deadline.Kind.ACK, a.jobId());
          message.reply(null);
        } else {
          refuse(message, t, a.jobId());
        }
      }).onFailure(e -> message.fail(ErrorCode.INTERNAL.busCode(), e.getMessage()));
    } else if (body instanceof JobStarted s) {
      store.job(s.jobId()).onSuccess(job -> {
        if (job == null || job.attempt() != s.attemptId() || !s.nodeId().equals(job.nodeId())) {
          message.fail(ErrorCode.STALE_ATTEMPT.busCode(), "job_started for an attempt that is not current");
        } else {
          message.reply(null);
        }
      });
    } else {
      message.fail(ErrorCode.INTERNAL.busCode(), "unexpected body " + body.getClass().getSimpleName());
    }
  }

  private void onResult(JobResult r, Message<Object> message) {
    if (!r.success()) {
      onNodeFailure(r, message);
      return;
    }
    JobState to = r.isNoText() ? JobState.COMPLETED_NO_TEXT : JobState.COMPLETED;
    store.transition(r.jobId(), r.attemptId(), r.nodeId(), JobState.OPEN, to).onSuccess(t -> {
      if (!t.applied()) {
        refuse(message, t, r.jobId());
        return;
      }
      message.reply(null);
      JobInfo job = t.job();
      LOG.debug("job {} trace_id={} job_id={} session_id={} node_id={} attempt_id={}", to, job.traceId(),
          job.jobId(), job.sessionId(), r.nodeId(), r.attemptId());
      store.disarm(Deadline.Kind.ACK, job.jobId());
      if (t.releasedNode() != null) {
        store.disarm(Deadline.Kind.RESULT, job.turnId());
      }
      Settled settled = new Settled(job.sessionId(), job.utteranceIndex(), job.jobId(), job.turnId(),
          job.segmentIndex(), job.traceId(), t.releasedNode(), to == JobState.COMPLETED ? r : null);
      route.route(t.sessionOwner(), Addresses.RESULT_SETTLED, settled, this::onSettled);
    }).onFailure(e -> message.fail(ErrorCode.INTERNAL.busCode(), e.getMessage()));
  }

  /** On the session's owner: the slot the result freed may take a queued turn; the outcome joins the stream. */
  private void onSettled(Settled s) {
    if (s.releasedNode() != null) {
      bus.send(Addresses.DISPATCH_FREED, new TurnRef(s.turnId(), 0, s.releasedNode(), "done"));
    }
    offer(s.sessionId(), s.utteranceIndex(), s.result() != null ? new Delivered(s) : new Empty());
  }

  /** success: false moves the turn like a timeout, if the report is about the current attempt. */
  private void onNodeFailure(JobResult r, Message<Object> message) {
    store.job(r.jobId()).onSuccess(job -> {
      if (job == null || job.attempt() != r.attemptId() || !r.nodeId().equals(job.nodeId())) {
        DROPPED_STALE.incrementAndGet();
        message.fail(ErrorCode.STALE_ATTEMPT.busCode(), "result for an attempt that is not current");
        return;
      }
      if (job.state().isTerminal()) {
        DROPPED_DUPLICATE.incrementAndGet();
        message.fail(ErrorCode.DUPLICATE.busCode(), "the job already has its result");
        return;
      }
      message.reply(null);
      LOG.warn("node failed job trace_id={} job_id={} node_id={} attempt_id={} error={}", job.traceId(),
          job.jobId(), r.nodeId(), r.attemptId(), r.error() == null ? "" : r.error().message());
      store.turn(job.turnId()).onSuccess(turn -> {
        if (turn != null && r.nodeId().equals(turn.nodeId())) {
          bus.send(Addresses.TIMEOUT_FAILOVER, new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(),
              "node_error"));
        }
      });
    });
  }

  /**
   * The ack of the current attempt reached us after the job's result (frames of one node can be handled out of
   * order when the store answers asynchronously): it is late, not a duplicate.
   */
  private static boolean isLateAck(Transition t, JobAck a) {
    return t.outcome() == Transition.Outcome.WRONG_STATE && t.job() != null && t.job().attempt() == a.attemptId()
        && t.job().state().isTerminal();
  }

  private void refuse(Message<Object> message, Transition t, String jobId) {
    if (t.outcome() == Transition.Outcome.WRONG_STATE) {
      DROPPED_DUPLICATE.incrementAndGet();
      message.fail(ErrorCode.DUPLICATE.busCode(), "job " + jobId + " already had this report");
    } else {
      DROPPED_STALE.incrementAndGet();
      message.fail(ErrorCode.STALE_ATTEMPT.busCode(), "job " + jobId + ": unknown job or attempt not current");
    }
  }

  private void offerMissing(JobOutcome o) {
    offer(o.sessionId(), o.utteranceIndex(), new Missing(o));
  }

  private void offer(String sessionId, long index, Outcome outcome) {
    if (ended.contains(sessionId)) {
      return;
    }
    Stream s = streams.computeIfAbsent(sessionId, k -> new Stream());
    long now = System.currentTimeMillis();
    List<Outcome> ready = s.order.offer(index, outcome, now);
    if (ready == null) {
      LOG.warn("outcome offered twice session_id={} utterance_index={}", sessionId, index);
      return;
    }
    for (Outcome o : ready) {
      s.tail = s.tail
          .compose(v -> deliver(sessionId, o))
          .recover(e -> {
            LOG.error("delivery failed session_id={}", sessionId, e);
            return Future.succeededFuture();
          })
          .onComplete(ar -> {
            s.delivered++;
            completeDrains(s);
          });
    }
    watchGap(sessionId, s);
  }

  private Future<Void> deliver(String sessionId, Outcome outcome) {
    if (outcome instanceof Missing m) {
      JobOutcome o = m.outcome();
      MissingResult frame = new MissingResult(sessionId, Math.toIntExact(o.utteranceIndex()), o.jobId(), o.reason(),
          o.traceId());
      return send(sessionId, o.utteranceIndex(), frame.toJson().encode());
    }
    if (outcome instanceof Delivered d) {
      Settled job = d.settled();
      JobResult r = job.result();
      long now = System.currentTimeMillis();
      JsonObject request = new JsonObject().put("session_id", sessionId).put("text", r.textAsr()).put("at_ms", now);
      return bus.<JsonObject>request(Addresses.GROUP, request).compose(reply -> {
        JsonObject g = reply.body();
        TranslationResult frame = new TranslationResult(sessionId, Math.toIntExact(job.utteranceIndex()),
            job.jobId(), job.turnId(), job.segmentIndex(), nullToEmpty(r.textAsr()), nullToEmpty(r.textTranslated()),
            r.ttsAudio(), r.ttsFormat(), g.getString("group_id"), g.getInteger("part_index"), job.traceId(),
            r.serviceTimings(), now);
        return send(sessionId, job.utteranceIndex(), frame.toJson().encode());
      });
    }
    return Future.succeededFuture();
  }

  /**
   * Keeps the frame for a resume, then writes it to the session's socket if one is attached. When the store cannot
   * keep it, the browser still gets it now; only a later resume would miss it.
   */
  private Future<Void> send(String sessionId, long index, String frame) {
    return store.appendOutcome(sessionId, index, frame, System.currentTimeMillis(),
        config.session().replayWindowMs()).recover(e -> {
          LOG.warn("outcome not kept for a resume session_id={} utterance_index={}: {}", sessionId, index,
              e.getMessage());
          return Future.succeededFuture();
        }).onSuccess(v -> bus.send(Addresses.session(sessionId), frame));
  }

  private void watchGap(String sessionId, Stream s) {
    if (s.gapTimer >= 0 || !s.order.isWaiting()) {
      return;
    }
    long waitingFor = s.order.next();
    s.gapTimer = vertx.setTimer(config.result().gapTimeoutMs(), id -> {
      s.gapTimer = -1;
      if (s.order.next() != waitingFor || !s.order.isWaiting()) {
        watchGap(sessionId, s);
        return;
      }
      closeGap(sessionId, waitingFor);
    });
  }

  /** The last guard: the job holding the stream back ends FAILED, so its later result is dropped. */
  private void closeGap(String sessionId, long index) {
    store.jobAt(sessionId, index).onSuccess(job -> {
      Future<Transition> failed = job == null ? Future.succeededFuture(null)
          : store.transition(job.jobId(), job.attempt(), null, JobState.OPEN, JobState.FAILED);
      failed.onSuccess(t -> {
        LOG.warn("gap timeout session_id={} utterance_index={} job_id={}", sessionId, index,
            job == null ? null : job.jobId());
        if (t != null && t.releasedNode() != null) {
          bus.send(Addresses.DISPATCH_FREED, new TurnRef(job.turnId(), 0, t.releasedNode(), "done"));
        }
        offer(sessionId, index, new Missing(new JobOutcome(sessionId, job == null ? null : job.jobId(), index,
            MissingResult.GAP_TIMEOUT, job == null ? null : job.traceId())));
      });
    });
  }

  private void onDrain(Message<SessionRef> message) {
    Stream s = streams.computeIfAbsent(message.body().sessionId(), k -> new Stream());
    s.drains.add(Map.entry(message.body().utteranceIndex(), message));
    completeDrains(s);
  }

  private void completeDrains(Stream s) {
    s.drains.removeIf(d -> {
      if (s.delivered >= d.getKey()) {
        d.getValue().reply(s.delivered);
        return true;
      }
      return false;
    });
  }

  private void forget(String sessionId) {
    ended.add(sessionId);
    Stream s = streams.remove(sessionId);
    if (s != null && s.gapTimer >= 0) {
      vertx.cancelTimer(s.gapTimer);
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
