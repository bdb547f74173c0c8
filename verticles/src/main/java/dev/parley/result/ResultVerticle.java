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
import dev.parley.ops.LogLimit;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.session.SessionExpiry;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.SessionInfo;
import dev.parley.store.SchedulerStore;
import dev.parley.store.StoreRetry;
import dev.parley.store.Transition;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
  /** How many indexes past the last delivered one a stream taken from a lost owner looks up in the store. */
  private static final int UNSEEN_SCAN = 64;
  /**
   * Hand-over requests to a previous owner that is still a member, before what the store says stands in for it: a
   * live owner holds outcomes the store does not know were delivered, so it is asked again rather than taken for lost.
   */
  static final int HANDOVER_ATTEMPTS = 8;
  /**
   * The pause before asking again: right after a member leaves, the cluster may for a moment not know the consumers
   * of the members that stayed (no handlers), while Hazelcast recovers what the lost member held.
   */
  static final long HANDOVER_RETRY_MS = 500;
  /** Empty indexes a stream remembers for a hand-over: far more than can be released between two deliveries. */
  private static final int EMPTIES_KEPT = 1_000;

  /** What one utterance index ended in. */
  private sealed interface Outcome permits Delivered, Missing, Empty {}

  private record Delivered(Settled settled) implements Outcome {}

  private record Missing(JobOutcome outcome) implements Outcome {}

  private record Empty() implements Outcome {}

  /**
   * One session's ordered stream: waiting outcomes, the delivery chain, and drains waiting for an index. While the
   * stream is taken over from another owner, {@code order} is null and offers wait in {@code early}.
   */
  private static final class Stream {
    OrderedDelivery<Outcome> order;
    /** A take-over is under way: it alone opens the stream. */
    boolean takingOver;
    final List<Map.Entry<Long, Outcome>> early = new ArrayList<>();
    /** Released in order, their delivery not finished: handed on with the waiting ones if the lease moves. */
    final TreeMap<Long, Outcome> inFlight = new TreeMap<>();
    /** Indexes released as empty (the store records no delivery for them), the newest {@link #EMPTIES_KEPT}. */
    final TreeSet<Long> empties = new TreeSet<>();
    Future<Void> tail = Future.succeededFuture();
    long delivered;
    long gapTimer = -1;
    final List<Map.Entry<Long, Message<SessionRef>>> drains = new ArrayList<>();
  }


  private final ParleyConfig config;
  private final SchedulerMetrics metrics;
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
  private final Predicate<String> isMember;
  /** Sessions whose lease moved away from this instance, with the empties their stream had released. */
  private final Map<String, TreeSet<Long>> handedOver = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TreeSet<Long>> eldest) {
      return size() > 1_000;
    }
  };
  private final LogLimit retryLog = LogLimit.perSecond();
  private final LogLimit unkeptLog = LogLimit.perSecond();
  private EventBus bus;
  private OwnerRoute route;

  /** {@code isMember} tells whether an instance is alive in the cluster (a single instance knows only itself). */
  public ResultVerticle(ParleyConfig config, SchedulerStore store, String instanceId, Predicate<String> isMember,
      SchedulerMetrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
    this.isMember = isMember;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    route = new OwnerRoute(vertx, instanceId, config.cluster().ownerTimeoutMs(), isMember);
    return Future.all(List.of(
        bus.localConsumer(Addresses.RESULT, this::onNodeReport).completion(),
        route.<Settled>twin(Addresses.RESULT_SETTLED, this::onSettled).completion(),
        bus.<JobOutcome>localConsumer(Addresses.RESULT_MISSING, m -> offerMissing(m.body())).completion(),
        route.<JobOutcome>twin(Addresses.RESULT_MISSING, this::offerMissing).completion(),
        route.<TurnRef>twin(Addresses.DISPATCH_FREED, this::slotFreed).completion(),
        bus.<JsonObject>localConsumer(Addresses.RESULT_OPEN, m -> onOpen(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.at(instanceId, Addresses.RESULT_HANDOVER), this::onHandover).completion(),
        bus.<SessionRef>localConsumer(Addresses.RESULT_DRAIN, this::onDrain).completion(),
        bus.<SessionRef>consumer(Addresses.SESSION_ENDED, m -> forget(m.body().sessionId())).completion(),
        bus.<String>localConsumer(Addresses.MEMBER_LOST, m -> route.memberLost(m.body())).completion()));
  }

  private void onNodeReport(Message<Object> message) {
    Object body = message.body();
    if (body instanceof JobResult r) {
      onResult(r, message);
    } else if (body instanceof JobAck a) {
      store.settle(a.jobId(), a.attemptId(), a.nodeId(), ACKABLE, JobState.ACKED).onSuccess(t -> {
        if (t.applied() || isLateAck(t, a)) {
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
    // kept with the job until delivered: if the session's owner is lost first, whoever takes the session delivers it
    String kept = to == JobState.COMPLETED ? r.toJson().encode() : null;
    settleResult(r, to, kept, 0).onSuccess(t -> {
      if (!t.applied()) {
        refuse(message, t, r.jobId());
        return;
      }
      message.reply(null);
      JobInfo job = t.job();
      metrics.resulted(System.currentTimeMillis() - job.createdAtMs());
      Settled settled = new Settled(job.sessionId(), job.utteranceIndex(), job.jobId(), job.turnId(),
          job.segmentIndex(), job.traceId(), t.releasedNode(), to == JobState.COMPLETED ? r : null);
      route.route(t.sessionOwner(), Addresses.RESULT_SETTLED, settled, this::onSettled);
    }).onFailure(e -> message.fail(ErrorCode.INTERNAL.busCode(), e.getMessage()));
  }

  /**
   * Settles a node's result through a short store outage: a Redis restart fails the calls in flight, and refusing the
   * result would leave its job to a deadline and every later outcome of its session waiting. A failed call is made
   * again as {@link StoreRetry} says. A failed call may
   * still have run: a retry that finds the job ended by this very attempt and node, in this state, goes on as the lost
   * answer would have, with the session's owner and the freed slot read from the store.
   */
  private Future<Transition> settleResult(JobResult r, JobState to, String kept, int retry) {
    return store.settle(r.jobId(), r.attemptId(), r.nodeId(), JobState.OPEN, to, kept).compose(
        t -> retry > 0 && ranBefore(t, r, to) ? asApplied(t.job()) : Future.succeededFuture(t),
        e -> {
          if (retry >= StoreRetry.LIMIT) {
            return Future.failedFuture(e);
          }
          long delay = StoreRetry.delayMs(retry);
          retryLog.log(skipped -> LOG.warn("result not stored, again in {} ms job_id={} attempt_id={} retry={}"
              + " (like lines skipped: {}): {}", delay, r.jobId(), r.attemptId(), retry + 1, skipped, e.getMessage()));
          return vertx.timer(delay, TimeUnit.MILLISECONDS).compose(v -> settleResult(r, to, kept, retry + 1));
        });
  }

  private static boolean ranBefore(Transition t, JobResult r, JobState to) {
    JobInfo j = t.job();
    return t.outcome() == Transition.Outcome.WRONG_STATE && j != null && j.state() == to
        && j.attempt() == r.attemptId() && r.nodeId().equals(j.nodeId());
  }

  /** What the settle whose answer was lost said: the session's owner, and the node, if the job ended its turn. */
  private Future<Transition> asApplied(JobInfo job) {
    LOG.info("result was stored by a call whose answer was lost job_id={} attempt_id={}", job.jobId(), job.attempt());
    return store.session(job.sessionId()).compose(session -> store.turn(job.turnId()).compose(turn ->
        store.turnJobs(job.turnId()).map(jobs -> {
          boolean turnEnded = turn != null && turn.closed() && jobs.stream().allMatch(j -> j.state().isTerminal());
          return new Transition(Transition.Outcome.APPLIED, job, turnEnded ? job.nodeId() : null,
              session == null ? instanceId : session.ownerInstance());
        })));
  }

  /** On the session's owner: the slot the result freed may take a queued turn; the outcome joins the stream. */
  private void onSettled(Settled s) {
    if (s.releasedNode() != null) {
      slotFreed(new TurnRef(s.turnId(), 0, s.releasedNode(), "done"));
    }
    offer(s.sessionId(), s.utteranceIndex(), s.result() != null ? new Delivered(s) : new Empty());
  }

  /** On the session's owner, whose dispatcher placed the turn. */
  private void slotFreed(TurnRef ref) {
    bus.send(Addresses.DISPATCH_FREED, ref, Addresses.local());
  }

  /** success: false moves the turn like a timeout, if the report is about the current attempt. */
  private void onNodeFailure(JobResult r, Message<Object> message) {
    store.job(r.jobId()).onSuccess(job -> {
      if (job == null || job.attempt() != r.attemptId() || !r.nodeId().equals(job.nodeId())) {
        metrics.reportDropped(SchedulerMetrics.Dropped.STALE);
        message.fail(ErrorCode.STALE_ATTEMPT.busCode(), "result for an attempt that is not current");
        return;
      }
      if (job.state().isTerminal()) {
        metrics.reportDropped(SchedulerMetrics.Dropped.DUPLICATE);
        message.fail(ErrorCode.DUPLICATE.busCode(), "the job already has its result");
        return;
      }
      message.reply(null);
      LOG.warn("node failed job trace_id={} job_id={} node_id={} attempt_id={} error={}", job.traceId(),
          job.jobId(), r.nodeId(), r.attemptId(), r.error() == null ? "" : r.error().message());
      if (r.error() != null && ErrorCode.BAD_AUDIO.name().equals(r.error().code())) {
        failForGood(job, r);
        return;
      }
      store.turn(job.turnId()).onSuccess(turn -> {
        if (turn != null && r.nodeId().equals(turn.nodeId())) {
          bus.send(Addresses.TIMEOUT_FAILOVER, new TurnRef(turn.turnId(), turn.epoch(), turn.nodeId(),
              "node_error"), Addresses.local());
        }
      });
    });
  }

  /**
   * Audio no node can decode would fail on every node: the job ends now (its turn's other jobs go on), and the
   * browser gets missing_result (node_error) for it.
   */
  private void failForGood(JobInfo job, JobResult r) {
    store.settle(job.jobId(), job.attempt(), r.nodeId(), JobState.OPEN, JobState.FAILED).onSuccess(t -> {
      if (!t.applied()) {
        return;
      }
      LOG.warn("job FAILED bad audio trace_id={} job_id={} session_id={} attempt_id={}", job.traceId(), job.jobId(),
          job.sessionId(), job.attempt());
      JobOutcome missing = new JobOutcome(job.sessionId(), job.jobId(), job.utteranceIndex(),
          MissingResult.NODE_ERROR, job.traceId());
      if (t.releasedNode() != null) {
        // the slot's turn was placed by the session's owner, whose dispatcher may have a turn waiting for it
        route.route(t.sessionOwner(), Addresses.DISPATCH_FREED, new TurnRef(job.turnId(), 0, t.releasedNode(),
            "done"), this::slotFreed);
      }
      route.route(t.sessionOwner(), Addresses.RESULT_MISSING, missing, this::offerMissing);
    }).onFailure(e -> LOG.error("bad-audio job not ended job_id={}", job.jobId(), e));
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
      metrics.reportDropped(SchedulerMetrics.Dropped.DUPLICATE);
      message.fail(ErrorCode.DUPLICATE.busCode(), "job " + jobId + " already had this report");
    } else {
      metrics.reportDropped(SchedulerMetrics.Dropped.STALE);
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
    Stream s = streams.get(sessionId);
    if (s == null) {
      s = new Stream();
      streams.put(sessionId, s);
      findOwner(sessionId, s); // an outcome for a session this instance did not start or resume
    }
    if (s.order == null) {
      s.early.add(Map.entry(index, outcome));
      return;
    }
    long now = System.currentTimeMillis();
    List<Outcome> ready = s.order.offer(index, outcome, now);
    if (ready == null) {
      LOG.debug("outcome offered twice session_id={} utterance_index={}", sessionId, index);
      return;
    }
    long first = s.order.next() - ready.size();
    for (int i = 0; i < ready.size(); i++) {
      long at = first + i;
      Outcome o = ready.get(i);
      s.inFlight.put(at, o);
      if (o instanceof Empty) {
        s.empties.add(at);
        if (s.empties.size() > EMPTIES_KEPT) {
          s.empties.pollFirst();
        }
      }
      Stream stream = s;
      s.tail = s.tail
          .compose(v -> deliver(sessionId, at, o))
          .recover(e -> {
            LOG.error("delivery failed session_id={} utterance_index={}", sessionId, at, e);
            return Future.succeededFuture();
          })
          .onComplete(ar -> {
            stream.inFlight.remove(at);
            stream.delivered++;
            completeDrains(stream);
          });
    }
    watchGap(sessionId, s);
  }

  // --- who delivers: the session's owner --------------------------------------------------------------------------

  /**
   * A session started or resumed here: its stream carries on from {@code next_delivery}. When another instance
   * owned it before, that one hands over what it holds; if it is gone, what the store says fills in for it.
   */
  private void onOpen(JsonObject open) {
    String sessionId = open.getString("session_id");
    String previous = open.getString("previous_owner");
    long next = open.getLong("next_delivery", 0L);
    ended.remove(sessionId);
    Stream s = streams.get(sessionId);
    if (route.isHere(previous)) {
      if (s == null) {
        s = new Stream();
        streams.put(sessionId, s);
      }
      if (s.order == null) {
        openAt(sessionId, s, next, Map.of());
      }
      return;
    }
    if (s == null || s.order != null) {
      s = new Stream();
      streams.put(sessionId, s);
    }
    takeOver(sessionId, s, previous, next);
  }

  /** An outcome came for a session with no stream here: deliver it here if the lease is (or becomes) ours. */
  private void findOwner(String sessionId, Stream s) {
    store.session(sessionId).onSuccess(session -> {
      if (streams.get(sessionId) != s || s.order != null) {
        return; // opened meanwhile
      }
      if (session == null) {
        endStream(sessionId, "the session ended");
        LOG.info("outcomes dropped for an ended session session_id={} count={}", sessionId, s.early.size());
        return;
      }
      String owner = session.ownerInstance();
      if (route.isHere(owner)) {
        // a resume here is opening the stream (its RESULT_OPEN may come after this outcome): give it the time to
        // take over from the owner before; only then is the owner before taken for lost
        vertx.setTimer(config.dispatch().sendTimeoutMs(), id -> {
          if (streams.get(sessionId) == s && s.order == null) {
            takeOver(sessionId, s, null, session.nextDelivery());
          }
        });
      } else if (isMember.test(owner)) {
        endStream(sessionId, "the session is on another instance");
        s.early.forEach(e -> forward(owner, sessionId, e.getKey(), e.getValue()));
      } else {
        store.adoptSession(sessionId, owner, instanceId).onSuccess(taken -> {
          if (taken == null) {
            findOwner(sessionId, s); // another instance adopted it first
          } else {
            LOG.warn("session adopted from a lost instance session_id={} lost_instance={}", sessionId, owner);
            takeOver(sessionId, s, null, taken.nextDelivery());
            awaitResume(taken);
          }
        }).onFailure(e -> retryFindOwner(sessionId, s, e));
      }
    }).onFailure(e -> retryFindOwner(sessionId, s, e));
  }

  /**
   * An adopted session has no socket: it is detached from now, keeping its outcomes for a resume, and ends when no
   * browser resumes it within the window.
   */
  private void awaitResume(SessionInfo adopted) {
    String sessionId = adopted.sessionId();
    long window = config.session().resumeWindowMs();
    store.detachSession(sessionId, adopted.nextUtteranceIndex(), adopted.lastSeq(), System.currentTimeMillis(),
        instanceId).onSuccess(detached -> {
          if (detached != null) {
            SessionExpiry.expireIfAway(vertx, store, instanceId, sessionId, window);
          }
        }).onFailure(e -> LOG.warn("adopted session not detached session_id={}: {}", sessionId, e.getMessage()));
  }

  private void retryFindOwner(String sessionId, Stream s, Throwable e) {
    LOG.warn("owner of session not found session_id={}: {}", sessionId, e.getMessage());
    vertx.setTimer(config.dispatch().sendTimeoutMs(), id -> findOwner(sessionId, s));
  }

  /**
   * Carries the stream on here from {@code next}: the previous owner, when it answers, hands over its waiting
   * outcomes and says how far it got (one that is still a member is asked again, up to {@link #HANDOVER_ATTEMPTS}
   * times); when it is gone (or {@code previous} is null) the jobs in the store say what ended unseen.
   */
  private void takeOver(String sessionId, Stream s, String previous, long next) {
    if (s.takingOver) {
      return;
    }
    s.takingOver = true;
    takeOver(sessionId, s, previous, next, 1);
  }

  private void takeOver(String sessionId, Stream s, String previous, long next, int attempt) {
    Future<JsonArray> handed = previous == null ? Future.failedFuture("no previous owner")
        : bus.<JsonObject>request(Addresses.at(previous, Addresses.RESULT_HANDOVER),
            new JsonObject().put("session_id", sessionId).put("to", instanceId).put("next", next),
            new DeliveryOptions().setSendTimeout(config.dispatch().sendTimeoutMs()))
            .map(reply -> reply.body().getJsonArray("empties"));
    handed.onSuccess(empties -> {
      LOG.info("session handed over session_id={} from={} next_delivery={} empties={}", sessionId, previous, next,
          empties.size());
      // the previous owner released these as empty, which the store does not record: nothing for the browser
      Map<Long, Outcome> fill = new HashMap<>();
      for (int i = 0; i < empties.size(); i++) {
        fill.put(empties.getLong(i), new Empty());
      }
      openAt(sessionId, s, next, fill);
    }).onFailure(e -> {
      if (previous != null && isMember.test(previous) && attempt < HANDOVER_ATTEMPTS
          && streams.get(sessionId) == s) {
        LOG.warn("previous owner slow to hand over session_id={} from={} attempt={}: {}; asking again", sessionId,
            previous, attempt, e.getMessage());
        vertx.setTimer(HANDOVER_RETRY_MS, id -> {
          if (streams.get(sessionId) == s && s.order == null) {
            takeOver(sessionId, s, previous, next, attempt + 1);
          }
        });
        return;
      }
      recoverFromStore(sessionId, s, next);
    });
  }

  private void recoverFromStore(String sessionId, Stream s, long next) {
    storedOutcomes(sessionId, next).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("stream not recovered session_id={}", sessionId, ar.cause());
      }
      openAt(sessionId, s, next, ar.succeeded() ? ar.result() : Map.of());
    });
  }

  /** Opens the stream at {@code next}; offers that came meanwhile go first, then {@code fill} where nothing came. */
  private void openAt(String sessionId, Stream s, long next, Map<Long, Outcome> fill) {
    if (streams.get(sessionId) != s || s.order != null) {
      return; // replaced meanwhile, or opened by an earlier take-over
    }
    s.order = new OrderedDelivery<>(next);
    s.delivered = Math.max(s.delivered, next);
    List<Map.Entry<Long, Outcome>> early = new ArrayList<>(s.early);
    s.early.clear();
    Set<Long> offered = new HashSet<>();
    for (Map.Entry<Long, Outcome> e : early) {
      offered.add(e.getKey());
      offer(sessionId, e.getKey(), e.getValue());
    }
    new TreeMap<>(fill).forEach((index, o) -> {
      if (!offered.contains(index)) {
        offer(sessionId, index, o);
      }
    });
  }

  /**
   * When the owner before is gone, its memory went with it: jobs from {@code next} on that ended without their
   * outcome reaching the browser end now, seen from the store. A result that was on its way is delivered from what the
   * store kept of it; one the store did not keep is lost (instance_lost).
   */
  private Future<Map<Long, Outcome>> storedOutcomes(String sessionId, long next) {
    return store.jobsFrom(sessionId, next, UNSEEN_SCAN).compose(found -> {
      Map<Long, Outcome> outcomes = new HashMap<>();
      List<Future<?>> lookups = new ArrayList<>();
      UnseenOutcomes.of(next, found).forEach((index, kind) -> {
        JobInfo job = found.get((int) (index - next));
        switch (kind) {
          case EMPTY -> outcomes.put(index, new Empty());
          case FAILED -> outcomes.put(index, missing(sessionId, index, job, MissingResult.JOB_TIMEOUT));
          case LOST -> {
            Outcome lost = missing(sessionId, index, job, MissingResult.INSTANCE_LOST);
            outcomes.put(index, lost);
            if (job != null) {
              lookups.add(store.keptResult(job.jobId()).onSuccess(kept -> {
                if (kept != null) {
                  outcomes.put(index, keptOutcome(job, kept, lost));
                }
              }));
            }
          }
        }
      });
      return Future.join(lookups).transform(ar -> {
        if (ar.failed()) {
          LOG.warn("kept results not all read session_id={}: {}", sessionId, ar.cause().getMessage());
        }
        return Future.succeededFuture(outcomes);
      });
    });
  }

  /** A job's result as the store kept it, to deliver; {@code otherwise} if it cannot be read. */
  private static Outcome keptOutcome(JobInfo job, String kept, Outcome otherwise) {
    try {
      JobResult r = JobResult.fromJson(new JsonObject(kept));
      LOG.info("result delivered from the store after its owner was lost session_id={} job_id={} utterance_index={}",
          job.sessionId(), job.jobId(), job.utteranceIndex());
      return new Delivered(new Settled(job.sessionId(), job.utteranceIndex(), job.jobId(), job.turnId(),
          job.segmentIndex(), job.traceId(), null, r));
    } catch (RuntimeException e) {
      LOG.warn("kept result unreadable job_id={}: {}", job.jobId(), e.getMessage());
      return otherwise;
    }
  }

  private static Missing missing(String sessionId, long index, JobInfo job, String reason) {
    return new Missing(new JobOutcome(sessionId, job == null ? null : job.jobId(), index, reason,
        job == null ? null : job.traceId()));
  }

  /** On the previous owner: the session moved to {@code to}; what this stream holds goes there, and it ends here. */
  private void onHandover(Message<JsonObject> message) {
    String sessionId = message.body().getString("session_id");
    String to = message.body().getString("to");
    long next = message.body().getLong("next", 0L);
    Stream s = endStream(sessionId, "the session moved to another instance");
    TreeSet<Long> empties = handedOver.getOrDefault(sessionId, new TreeSet<>());
    if (s != null) {
      handOn(to, sessionId, s);
      empties = s.empties;
    }
    message.reply(new JsonObject().put("empties", new JsonArray(new ArrayList<>(empties.tailSet(next)))));
  }

  /** Sends what the stream holds (in flight, waiting, or offered early) to the session's new owner, in order. */
  private void handOn(String owner, String sessionId, Stream s) {
    TreeMap<Long, Outcome> held = new TreeMap<>(s.inFlight);
    if (s.order != null) {
      held.putAll(s.order.waiting());
    }
    s.early.forEach(e -> held.put(e.getKey(), e.getValue()));
    held.forEach((index, o) -> forward(owner, sessionId, index, o));
  }

  private static Settled settledOf(String sessionId, long index, Outcome o) {
    return o instanceof Delivered d ? d.settled().withoutRelease()
        : new Settled(sessionId, index, null, null, 0, null, null, null);
  }

  private void forward(String owner, String sessionId, long index, Outcome o) {
    if (o instanceof Missing m) {
      route.route(owner, Addresses.RESULT_MISSING, m.outcome(), this::offerMissing);
    } else {
      route.route(owner, Addresses.RESULT_SETTLED, settledOf(sessionId, index, o), this::onSettled);
    }
  }

  private Future<Void> deliver(String sessionId, long index, Outcome outcome) {
    if (outcome instanceof Missing m) {
      JobOutcome o = m.outcome();
      MissingResult frame = new MissingResult(sessionId, Math.toIntExact(o.utteranceIndex()), o.jobId(), o.reason(),
          o.traceId());
      return send(sessionId, index, frame.toJson().encode(), outcome, null);
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
        return send(sessionId, index, frame.toJson().encode(), outcome, g.getString("context_text"));
      });
    }
    return Future.succeededFuture();
  }

  /**
   * Keeps the frame for a resume (and the session's context text for its next job, when a result changed it), then
   * writes it to the session's socket if one is attached. When the store cannot
   * keep it, the browser still gets it now; only a later resume would miss it. When the session's lease moved to
   * another instance meanwhile, nothing is written: the outcome, and what else this stream holds, go to the new
   * owner.
   */
  private Future<Void> send(String sessionId, long index, String frame, Outcome outcome, String contextText) {
    String jobId = outcome instanceof Delivered d ? d.settled().jobId() : null; // its kept result goes
    return store.deliverOutcome(sessionId, index, frame, System.currentTimeMillis(),
        config.session().replayWindowMs(), instanceId, contextText, jobId).recover(e -> {
          unkeptLog.log(skipped -> LOG.warn("outcome not kept for a resume session_id={} utterance_index={}"
              + " (like lines skipped: {}): {}", sessionId, index, skipped, e.getMessage()));
          return Future.succeededFuture(true);
        }).map(owned -> {
          if (owned) {
            bus.send(Addresses.session(sessionId), frame, Addresses.local());
          } else {
            leaseMoved(sessionId, index, outcome);
          }
          return null;
        });
  }

  private void leaseMoved(String sessionId, long index, Outcome outcome) {
    Stream s = streams.get(sessionId);
    if (s != null && s.order != null) {
      endStream(sessionId, "the session moved to another instance");
    } else {
      s = null;
    }
    Stream moved = s;
    if (moved != null) {
      handedOver.put(sessionId, moved.empties); // for the new owner's hand-over request, which may come later
    }
    store.session(sessionId).onSuccess(session -> {
      if (session == null) {
        return;
      }
      LOG.info("session moved session_id={} owner={}; its outcomes go there", sessionId, session.ownerInstance());
      forward(session.ownerInstance(), sessionId, index, outcome);
      if (moved != null) {
        moved.inFlight.remove(index);
        handOn(session.ownerInstance(), sessionId, moved);
      }
    });
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

  /**
   * The last guard: the job holding the stream back ends FAILED, so its later result is dropped; one that ended with
   * nothing for the browser is skipped as empty.
   */
  private void closeGap(String sessionId, long index) {
    store.jobAt(sessionId, index).onSuccess(job -> {
      Future<Transition> failed = job == null ? Future.succeededFuture(null)
          : store.transition(job.jobId(), job.attempt(), null, JobState.OPEN, JobState.FAILED);
      failed.onSuccess(t -> {
        LOG.warn("gap timeout session_id={} utterance_index={} job_id={}", sessionId, index,
            job == null ? null : job.jobId());
        if (t != null && t.releasedNode() != null) {
          slotFreed(new TurnRef(job.turnId(), 0, t.releasedNode(), "done"));
        }
        if (job != null && (job.state() == JobState.COMPLETED_NO_TEXT || job.state() == JobState.CANCELLED)) {
          offer(sessionId, index, new Empty()); // it ended with nothing for the browser: the gap was only a skip
          return;
        }
        Outcome missing = new Missing(new JobOutcome(sessionId, job == null ? null : job.jobId(), index,
            MissingResult.GAP_TIMEOUT, job == null ? null : job.traceId()));
        if (job == null || job.state() != JobState.COMPLETED) {
          offer(sessionId, index, missing);
          return;
        }
        // completed, its result lost on its way here: the store may have kept it
        store.keptResult(job.jobId()).onComplete(kept -> offer(sessionId, index,
            kept.succeeded() && kept.result() != null ? keptOutcome(job, kept.result(), missing) : missing));
      });
    });
  }

  private void onDrain(Message<SessionRef> message) {
    String sessionId = message.body().sessionId();
    Stream s = streams.get(sessionId);
    if (s == null) {
      s = new Stream();
      streams.put(sessionId, s);
      findOwner(sessionId, s);
    }
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
    endStream(sessionId, "the session ended");
  }

  /**
   * The stream stops here: its gap guard goes, and whoever waits for it to drain is told now (why, as the failure),
   * not at the end of their wait.
   */
  private Stream endStream(String sessionId, String why) {
    Stream s = streams.remove(sessionId);
    if (s != null) {
      if (s.gapTimer >= 0) {
        vertx.cancelTimer(s.gapTimer);
      }
      s.drains.forEach(d -> d.getValue().fail(ErrorCode.WRONG_SESSION.busCode(), why));
      s.drains.clear();
    }
    return s;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
