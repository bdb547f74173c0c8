package dev.parley.dispatch;

import dev.parley.bus.Addresses;
import dev.parley.bus.Ids;
import dev.parley.bus.SessionEvents;
import dev.parley.codecs.bus.JobOutcome;
import dev.parley.codecs.bus.NewJob;
import dev.parley.codecs.bus.NodeRef;
import dev.parley.codecs.bus.TurnRef;
import dev.parley.codecs.protocol.MissingResult;
import dev.parley.codecs.protocol.UiEvent;
import dev.parley.config.ParleyConfig;
import dev.parley.ops.LoadMonitor;
import dev.parley.ops.LogLimit;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.store.Deadline;
import dev.parley.store.JobInfo;
import dev.parley.store.JobState;
import dev.parley.store.NodeInfo;
import dev.parley.store.SchedulerStore;
import dev.parley.store.SchedulerStore.CreatedJob;
import dev.parley.store.SchedulerStore.DispatchPlan;
import dev.parley.store.StoreRetry;
import dev.parley.store.TurnInfo;
import dev.parley.timeout.TimeoutFormula;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places jobs on nodes, one path for all: claim the job key, store the job, place its turn (turn affinity, else the
 * ranked pool and a reservation), send job_assign, arm its deadlines. Jobs no node can take wait in a FIFO queue per
 * language pair until a slot frees or a node registers.
 */
public final class DispatchVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchVerticle.class);
  private static final Set<JobState> UNSENT = EnumSet.of(JobState.CREATED);
  /** What a job just created can be: a creation made again after one that ran may find it further on. */
  private static final Set<JobState> UNSENT_OR_SENT = EnumSet.of(JobState.CREATED, JobState.DISPATCHED);
  private static final long QUEUE_RETRY_MS = 1000;
  /** The longest a node snapshot is used without reading the registry again, whatever events said. */
  private static final long SNAPSHOT_MAX_AGE_MS = 5000;
  /**
   * How many of the ranked nodes a new turn's first job tries in the store call that stores it. Each is two more
   * arguments to a script on every job's path, and the first with room ends the search; when all of these are full,
   * the turn is placed over the whole pool.
   */
  public static final int FIRST_STEP_CANDIDATES = 8;

  private enum Phase {
    PLACING,
    PLACED,
    QUEUED
  }

  /** This instance's view of one turn's placement; the store's binding is the record others read. */
  private static final class Placement {
    Phase phase = Phase.PLACING;
    String nodeId;
    String connId;
    int epoch;
    /** job id + attempt already sent, so a job is written once per attempt. */
    final Set<String> sent = new HashSet<>();
    /** A job of the turn was stored while it was being placed: once placed, the turn is read whole. */
    boolean arrived;
    /** Its first step tried only the first ranked nodes: when they are full, the rest are tried before it waits. */
    boolean poolLeft;
  }

  /** Turns whose first job was shed, so their later jobs are too; the newest kept (a turn may never close). */
  private static final int SHED_TURNS_KEPT = 10_000;

  private final ParleyConfig config;
  private final SchedulerStore store;
  private final SchedulerMetrics metrics;
  private final LoadMonitor load;
  private final Random random = new Random();
  private final Set<String> shedTurns = Collections.newSetFromMap(new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > SHED_TURNS_KEPT;
    }
  });
  private final LogLimit shedLog = LogLimit.perSecond();
  private final LogLimit failedLog = LogLimit.perSecond();
  private final LogLimit retryLog = LogLimit.perSecond();
  private final Map<String, Placement> placements = new HashMap<>();
  private final Map<String, LinkedHashSet<String>> queues = new HashMap<>();
  private final Set<String> drainingPairs = new HashSet<>();
  /** Jobs that were told NO_AVAILABLE_NODE and hold a pending deadline. */
  private final Set<String> waitingJobs = new HashSet<>();
  private List<NodeInfo> snapshot = List.of();
  private EventBus bus;
  private DeliveryOptions sendOptions;

  /** {@code load} says what share of new turns the instance takes while it runs behind. */
  public DispatchVerticle(ParleyConfig config, SchedulerStore store, SchedulerMetrics metrics, LoadMonitor load) {
    this.config = config;
    this.store = store;
    this.metrics = metrics;
    this.load = load;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    sendOptions = new DeliveryOptions().setSendTimeout(config.dispatch().sendTimeoutMs());
    // a slot freed by a turn another instance placed is not announced here, and a registry change published on the
    // cluster can miss a member whose subscription is not known everywhere yet: queued turns look again now and
    // then on a fresh snapshot, and the snapshot is read again even while nothing waits
    vertx.setPeriodic(QUEUE_RETRY_MS, id -> {
      if (!queues.isEmpty()) {
        refreshSnapshot().onComplete(ar -> new ArrayList<>(queues.keySet()).forEach(this::drain));
      }
    });
    vertx.setPeriodic(SNAPSHOT_MAX_AGE_MS, id -> refreshSnapshot()
        .onFailure(e -> LOG.debug("node snapshot not refreshed: {}", e.getMessage())));
    return Future.all(
        bus.<NewJob>localConsumer(Addresses.DISPATCH, this::onNewJob).completion(),
        bus.<TurnRef>localConsumer(Addresses.DISPATCH_TURN, this::onTurnMoved).completion(),
        bus.<TurnRef>localConsumer(Addresses.DISPATCH_FREED, this::onSlotFreed).completion(),
        bus.<TurnRef>localConsumer(Addresses.DISPATCH_CLOSE, this::onCloseTurn).completion(),
        bus.<NodeRef>consumer(Addresses.REGISTRY_CHANGED, this::onRegistryChanged).completion(),
        refreshSnapshot());
  }

  private void onNewJob(Message<NewJob> message) {
    NewJob nj = message.body();
    String jobId = Ids.next("j");
    if (shed(nj)) {
      refuseShed(nj, jobId);
      return;
    }
    JobInfo draft = new JobInfo(jobId, nj.sessionId(), nj.turnId(), nj.utteranceIndex(), nj.segmentIndex(), 1,
        JobState.CREATED, null, Set.of(), nj.audio(), nj.audioFormat(), nj.sampleRate(), nj.durationMs(),
        nj.cutKind(), nj.srcLang(), nj.tgtLang(), nj.traceId(), 0, nj.lastSeq());
    Placement known = placements.get(nj.turnId());
    Placement mine = known == null ? new Placement() : null;
    DispatchPlan plan = planFor(draft, known, mine);
    if (mine != null) {
      placements.put(nj.turnId(), mine); // placing: jobs that follow wait for this one's placement
    }
    createJob(nj.sessionId() + '/' + nj.utteranceIndex(), draft, nj.closesTurn(), plan, 0)
        .compose(created -> created.job() == null && created.holder().equals(jobId)
            ? Future.failedFuture("the job's key is held by the job, which is gone")
            : Future.succeededFuture(created))
        .onSuccess(created -> {
          if (created.job() != null && (created.job().attempt() != draft.attempt()
              || !UNSENT_OR_SENT.contains(created.job().state()))) {
            // stored by a call whose answer was lost, and moved on since (a failover placed it, or it ended)
            LOG.info("job moved on before its creation was answered trace_id={} job_id={} attempt_id={} state={}",
                nj.traceId(), jobId, created.job().attempt(), created.job().state());
            dropPlacement(nj.turnId(), mine);
            return;
          }
          if (created.job() == null) {
            LOG.info("job key taken session_id={} utterance_index={} job_id={}", nj.sessionId(),
                nj.utteranceIndex(), created.holder());
            dropPlacement(nj.turnId(), mine);
            return;
          }
          JobInfo job = created.job();
          afterCreate(created, mine, new JobContext(job, created.contextText()));
        })
        .onFailure(e -> {
          dropPlacement(nj.turnId(), mine);
          // the store could not take the job: it ends now, visibly, rather than at the gap guard minutes later
          failedLog.log(skipped -> LOG.error("dispatch failed trace_id={} job_id={} session_id={} utterance_index={}"
              + " (like lines skipped: {}): {}", nj.traceId(), jobId, nj.sessionId(), nj.utteranceIndex(), skipped,
              e.getMessage()));
          bus.send(Addresses.RESULT_MISSING, new JobOutcome(nj.sessionId(), jobId, nj.utteranceIndex(),
              MissingResult.INSTANCE_LOST, nj.traceId()), Addresses.local());
        });
  }

  /**
   * Whether the job is refused because the instance runs behind: a new turn is, beyond the share the load monitor
   * admits, and so is every later job of a turn refused that way (a node must get a turn from its first job on).
   */
  private boolean shed(NewJob nj) {
    if (shedTurns.contains(nj.turnId())) {
      if (nj.closesTurn()) {
        shedTurns.remove(nj.turnId());
      }
      return true;
    }
    if (nj.segmentIndex() != 0 || load.admitsTurn(random.nextDouble())) {
      return false;
    }
    if (!nj.closesTurn()) {
      shedTurns.add(nj.turnId());
    }
    return true;
  }

  /**
   * A shed job ends at once, never stored and costing no node: the browser gets missing_result no_available_node
   * for it, in order, and a ui_event that says the instance is overloaded.
   */
  private void refuseShed(NewJob nj, String jobId) {
    metrics.jobShed();
    shedLog.log(skipped -> LOG.warn("job shed, instance overloaded trace_id={} job_id={} session_id={}"
        + " utterance_index={} admitted={} (like lines skipped: {})", nj.traceId(), jobId, nj.sessionId(),
        nj.utteranceIndex(), String.format("%.2f", load.admittedShare()), skipped));
    SessionEvents.uiEvent(bus, new UiEvent(nj.sessionId(), jobId, Math.toIntExact(nj.utteranceIndex()),
        UiEvent.NO_AVAILABLE_NODE, "overloaded", 0L, nj.traceId()));
    bus.send(Addresses.RESULT_MISSING, new JobOutcome(nj.sessionId(), jobId, nj.utteranceIndex(),
        MissingResult.NO_AVAILABLE_NODE, nj.traceId()), Addresses.local());
  }

  /**
   * Stores a new job through a Redis restart, which fails the calls in flight: one of those may have run, so it is
   * made again as {@link StoreRetry} says, and a call made after one that ran answers with what that one stored. A
   * call that was never sent (Redis unreachable) fails the job at once: new work is refused fast during an outage. So
   * does any failure while the instance is overloaded.
   */
  private Future<CreatedJob> createJob(String key, JobInfo draft, boolean closesTurn, DispatchPlan plan, int retry) {
    return store.createJob(key, draft, closesTurn, config.dispatch().jobKeyTtlMs(), plan).recover(e -> {
      // an instance that runs behind sees its calls time out for its own lateness: a retry would only add to it
      if (retry >= StoreRetry.LIMIT || !StoreRetry.mayHaveRun(e) || load.overloaded(System.currentTimeMillis())) {
        return Future.failedFuture(e);
      }
      long delay = StoreRetry.delayMs(retry);
      retryLog.log(skipped -> LOG.warn("job not stored, again in {} ms trace_id={} job_id={} session_id={} retry={}"
          + " (like lines skipped: {}): {}", delay, draft.traceId(), draft.jobId(), draft.sessionId(), retry + 1,
          skipped, e.getMessage()));
      return vertx.timer(delay, TimeUnit.MILLISECONDS).compose(v -> createJob(key, draft, closesTurn, plan,
          retry + 1));
    });
  }

  /**
   * The step that was to place the turn made no job; a job stored meanwhile (as its turn's first, unplaced) is placed
   * now, whole turn read.
   */
  private void dropPlacement(String turnId, Placement mine) {
    if (mine != null && placements.remove(turnId, mine) && mine.arrived) {
      placeTurn(turnId);
    }
  }

  /**
   * What the store is to do with a new job in the step that stores it: place the turn it starts on the ranked pool,
   * or send it on the node its turn is placed on; nothing while the turn is being placed or waits for a node.
   */
  private DispatchPlan planFor(JobInfo job, Placement p, Placement mine) {
    long ackMs = config.dispatch().ackTimeoutMs();
    if (p == null) {
      List<NodeInfo> ranked = NodeSelector.rank(snapshot, NodeInfo.pair(job.srcLang(), job.tgtLang()), Set.of(),
          random);
      mine.poolLeft = ranked.size() > FIRST_STEP_CANDIDATES;
      List<NodeInfo> tried = mine.poolLeft ? List.copyOf(ranked.subList(0, FIRST_STEP_CANDIDATES)) : ranked;
      return DispatchPlan.place(tried, ackMs, resultTimeoutMs(List.of(job)));
    }
    if (p.phase == Phase.PLACED) {
      return DispatchPlan.send(p.nodeId, p.epoch, ackMs);
    }
    return DispatchPlan.NONE;
  }

  /** {@code mine}: the placement this job's step made, or null when the turn had one already. */
  private void afterCreate(CreatedJob created, Placement mine, JobContext ctx) {
    TurnInfo turn = created.turn();
    Placement p = placements.get(turn.turnId());
    if (mine != null) {
      if (p != mine) {
        return; // the turn moved meanwhile (a failover): its new placement reads every job it has
      }
      if (created.dispatched()) {
        placed(turn, p);
        send(ctx, turn.turnId(), p, true);
        if (p.arrived) {
          flush(turn.turnId(), p); // jobs arrived while placing: read the turn whole
        }
      } else if (turn.jobIds().size() == 1 && p.poolLeft) {
        place(turn.turnId(), List.of(ctx.job()), ctx.contextText(), p); // the nodes tried had no room: all of them
      } else if (turn.jobIds().size() == 1) {
        queue(turn.turnId(), List.of(ctx.job()), p); // no node had room
      } else {
        placeTurn(turn.turnId()); // the turn was made before this job: place it whole
      }
      return;
    }
    if (p == null) {
      place(turn.turnId(), List.of(ctx.job()), ctx.contextText(), new Placement());
    } else if (p.phase == Phase.PLACED) {
      if (!p.nodeId.equals(turn.nodeId()) || p.epoch != turn.epoch()) {
        return; // the turn is being moved: its placement elsewhere will send this job too
      }
      send(ctx, turn.turnId(), p, created.dispatched());
      if (turn.closed()) {
        store.turnJobs(turn.turnId()).onSuccess(jobs -> armResultDeadline(turn.turnId(), p.epoch, jobs));
      }
    } else if (p.phase == Phase.QUEUED) {
      waitForNode(ctx.job());
    } else {
      p.arrived = true; // PLACING: the placement sends every job still unsent when it completes
    }
  }

  private void onTurnMoved(Message<TurnRef> message) {
    placements.remove(message.body().turnId());
    placeTurn(message.body().turnId());
  }

  private void onSlotFreed(Message<TurnRef> message) {
    TurnRef ref = message.body();
    placements.remove(ref.turnId());
    adjustReserved(ref.nodeId(), -1);
    // a drain may change the queues (with a store that answers at once, within this loop): walk a copy
    for (String pair : new ArrayList<>(queues.keySet())) {
      LinkedHashSet<String> queue = queues.get(pair);
      if (queue != null && !queue.isEmpty() && servedBy(ref.nodeId(), pair)) {
        drain(pair);
      }
    }
  }

  /** A turn whose closing cut will never come: closed as it is; its jobs still running get its RESULT deadline. */
  private void onCloseTurn(Message<TurnRef> message) {
    String turnId = message.body().turnId();
    store.closeTurn(turnId).onSuccess(closed -> {
      if (closed == null) {
        return; // no job of it was ever stored
      }
      LOG.info("turn closed without its last cut turn_id={} session_id={} reason={}", turnId,
          closed.turn().sessionId(), message.body().reason());
      if (closed.releasedNode() != null) {
        bus.send(Addresses.DISPATCH_FREED, new TurnRef(turnId, 0, closed.releasedNode(), "done"), Addresses.local());
      } else if (closed.turn().nodeId() != null) {
        store.turnJobs(turnId).onSuccess(jobs -> armResultDeadline(turnId, closed.turn().epoch(), jobs));
      }
    }).onFailure(e -> LOG.error("turn not closed turn_id={}", turnId, e));
  }

  private void onRegistryChanged(Message<NodeRef> message) {
    refreshSnapshot().onSuccess(v -> new ArrayList<>(queues.keySet()).forEach(this::drain));
  }

  private Future<Void> refreshSnapshot() {
    return store.nodes().map(nodes -> {
      snapshot = nodes;
      return null;
    });
  }

  /** Places a turn again (after a failover, or from the queue), reading its jobs and session once. */
  private Future<Boolean> placeTurn(String turnId) {
    return store.turnJobs(turnId).compose(jobs -> {
      jobs.stream().filter(j -> j.state().isTerminal()).forEach(j -> waitingJobs.remove(j.jobId()));
      List<JobInfo> open = jobs.stream().filter(j -> j.state() == JobState.CREATED).toList();
      if (open.isEmpty()) {
        // ended meanwhile (failed, cancelled or answered): nothing left to place
        placements.remove(turnId);
        if (!jobs.isEmpty()) {
          LinkedHashSet<String> queue = queues.get(NodeInfo.pair(jobs.get(0).srcLang(), jobs.get(0).tgtLang()));
          if (queue != null) {
            queue.remove(turnId);
          }
        }
        return Future.succeededFuture(true);
      }
      Placement p = placements.computeIfAbsent(turnId, k -> new Placement());
      return store.session(open.get(0).sessionId()).compose(session -> place(turnId, open, session == null ? null : session.contextText(), p));
    }).onFailure(e -> LOG.error("placement failed turn_id={}", turnId, e));
  }

  /**
   * Places a turn that has no node (affinity is gone): rank the pool, reserve, bind, then send its unsent jobs in
   * segment order. {@code open} are the jobs known to wait; any added while this runs are picked up after binding.
   * True when placed, false when queued.
   */
  private Future<Boolean> place(String turnId, List<JobInfo> open, String contextText, Placement p) {
    placements.put(turnId, p);
    p.phase = Phase.PLACING;
    JobInfo first = open.get(0);
    String pair = NodeInfo.pair(first.srcLang(), first.tgtLang());
    Set<String> excluded = new HashSet<>();
    open.forEach(j -> excluded.addAll(j.excludedNodes()));
    List<NodeInfo> ranked = NodeSelector.rank(snapshot, pair, excluded, random);
    // one store step: a slot on the first node with room, the binding, and the deadlines of what is sent
    return store.placeTurn(turnId, ranked, open, config.dispatch().ackTimeoutMs(), resultTimeoutMs(open))
        .compose(placed -> {
          if (placed.nodeId() == null) {
            queue(turnId, open, p);
            return Future.succeededFuture(false);
          }
          TurnInfo turn = placed.turn();
          placed(turn, p);
          // the placement recorded these sent: they go first, in segment order
          open.forEach(j -> send(new JobContext(j, contextText), turnId, p, true));
          if (p.arrived || hasOthers(turn, open)) {
            return flush(turnId, p).map(true); // jobs stored while placing: read the turn whole for them
          }
          return Future.succeededFuture(true);
        });
  }

  /** Whether the turn holds jobs other than {@code open}, which may have been stored while it was placed. */
  private static boolean hasOthers(TurnInfo turn, List<JobInfo> open) {
    return turn.jobIds().size() > open.size();
  }

  private void placed(TurnInfo turn, Placement p) {
    adjustReserved(turn.nodeId(), 1);
    p.phase = Phase.PLACED;
    p.nodeId = turn.nodeId();
    p.connId = turn.connId();
    p.epoch = turn.epoch();
    LOG.debug("turn placed turn_id={} node_id={} epoch={}", turn.turnId(), turn.nodeId(), turn.epoch());
  }

  private void queue(String turnId, List<JobInfo> open, Placement p) {
    p.phase = Phase.QUEUED;
    queues.computeIfAbsent(NodeInfo.pair(open.get(0).srcLang(), open.get(0).tgtLang()), k -> new LinkedHashSet<>())
        .add(turnId);
    open.forEach(this::waitForNode);
  }

  /** Sends, in segment order, every job of the turn not yet sent for its current attempt. */
  private Future<Void> flush(String turnId, Placement p) {
    return Future.all(store.turn(turnId), store.turnJobs(turnId)).compose(both -> {
      TurnInfo turn = both.resultAt(0);
      List<JobInfo> jobs = both.resultAt(1);
      if (turn == null || jobs.isEmpty()) {
        return Future.succeededFuture();
      }
      return store.session(turn.sessionId()).map(session -> {
        for (JobInfo j : jobs) {
          if (UNSENT.contains(j.state())) {
            send(new JobContext(j, session == null ? null : session.contextText()), turnId, p, false);
          }
        }
        p.arrived = false;
        if (turn.closed()) {
          armResultDeadline(turnId, p.epoch, jobs);
        }
        return null;
      });
    });
  }

  /**
   * Writes job_assign to the turn's node. {@code recorded}: the store step that placed the job made it DISPATCHED
   * with its ACK deadline (and no PENDING one); otherwise this arms the deadline first and records the send after.
   */
  private void send(JobContext ctx, String turnId, Placement p, boolean recorded) {
    JobInfo job = ctx.job();
    if (!p.sent.add(job.jobId() + '#' + job.attempt())) {
      return;
    }
    if (waitingJobs.remove(job.jobId()) && !recorded) {
      store.disarm(Deadline.Kind.PENDING, job.jobId());
    }
    String nodeId = p.nodeId;
    int epoch = p.epoch;
    Future<Void> armed = recorded ? Future.succeededFuture()
        : store.armIn(Deadline.Kind.ACK, job.jobId(), job.attempt(), config.dispatch().ackTimeoutMs());
    armed.compose(v -> bus.request(Addresses.node(nodeId, p.connId), ctx.assign(), sendOptions))
        .compose(written -> recorded ? Future.succeededFuture()
            : store.transition(job.jobId(), job.attempt(), null, UNSENT, JobState.DISPATCHED))
        .onSuccess(t -> {
          long now = System.currentTimeMillis();
          metrics.dispatched(now - job.createdAtMs());
          SessionEvents.uiEvent(bus, job, UiEvent.JOB_DISPATCHED, "dispatched", now);
        })
        .onFailure(e -> {
          if (e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            // the frame may well be on its way (the node's instance is slow, or left and membership will say so):
            // the ACK deadline, not this wait, decides whether the node took it
            LOG.warn("job_assign unconfirmed trace_id={} job_id={} node_id={} attempt_id={}: {}", job.traceId(),
                job.jobId(), nodeId, job.attempt(), e.getMessage());
            return;
          }
          LOG.warn("job_assign not written trace_id={} job_id={} node_id={} attempt_id={}: {}", job.traceId(),
              job.jobId(), nodeId, job.attempt(), e.getMessage());
          bus.send(Addresses.TIMEOUT_FAILOVER, new TurnRef(turnId, epoch, nodeId, "failover"), Addresses.local());
        });
  }

  /** Every unfinished job of a closed turn gets one deadline: the timeout of their summed durations. */
  private void armResultDeadline(String turnId, int epoch, List<JobInfo> jobs) {
    store.armIn(Deadline.Kind.RESULT, turnId, epoch, resultTimeoutMs(jobs))
        .onFailure(e -> LOG.error("result deadline not armed turn_id={}", turnId, e));
  }

  private long resultTimeoutMs(List<JobInfo> jobs) {
    long expected = jobs.stream().filter(j -> !j.state().isTerminal()).mapToLong(JobInfo::durationMs).sum();
    return TimeoutFormula.timeoutMs(expected, config.timeout());
  }

  private void waitForNode(JobInfo job) {
    if (!waitingJobs.add(job.jobId())) {
      return;
    }
    LOG.info("no node for job trace_id={} job_id={} session_id={} pair={}", job.traceId(), job.jobId(),
        job.sessionId(), NodeInfo.pair(job.srcLang(), job.tgtLang()));
    SessionEvents.uiEvent(bus, job, UiEvent.NO_AVAILABLE_NODE, "queued", System.currentTimeMillis());
    store.armIn(Deadline.Kind.PENDING, job.jobId(), job.attempt(), config.dispatch().pendingTimeoutMs());
  }

  /** Places the pair's queued turns in order until one cannot be placed; that one stays at the head. */
  private void drain(String pair) {
    LinkedHashSet<String> queue = queues.get(pair);
    if (queue == null || queue.isEmpty()) {
      queues.remove(pair);
      return;
    }
    if (!drainingPairs.add(pair)) {
      return;
    }
    String turnId = queue.iterator().next();
    placeTurn(turnId).onComplete(ar -> {
      drainingPairs.remove(pair);
      if (ar.succeeded() && ar.result()) {
        queue.remove(turnId);
        drain(pair);
      }
    });
  }

  private boolean servedBy(String nodeId, String pair) {
    for (NodeInfo n : snapshot) {
      if (n.nodeId().equals(nodeId)) {
        return n.serves(pair);
      }
    }
    return true;
  }

  /** Keeps the snapshot's load close to the store's between refreshes, so ranking spreads turns. */
  private void adjustReserved(String nodeId, int delta) {
    List<NodeInfo> next = new ArrayList<>(snapshot.size());
    for (NodeInfo n : snapshot) {
      next.add(n.nodeId().equals(nodeId)
          ? n.withUsage(n.running(), Math.max(0, n.reserved() + delta), n.status(), n.lastHeartbeatMs())
          : n);
    }
    snapshot = next;
  }
}
