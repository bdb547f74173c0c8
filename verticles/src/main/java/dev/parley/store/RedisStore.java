package dev.parley.store;

import dev.parley.store.RedisScripts.Script;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store shared by the instances of a cluster, in Redis (layout: {@link RedisKeys}). Every change that reads
 * before it writes, or touches more than one key, is one Lua script ({@link RedisScripts}), which Redis runs alone:
 * that is what makes each method atomic across instances. Single-key reads and writes are plain commands.
 *
 * <p>The clock is Redis's {@code TIME}, so instances never compare their own clocks; scripts that need the time are
 * given it by the caller from {@link #timeMs()}.
 */
public final class RedisStore implements SchedulerStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  /** A node's keys outlive its last heartbeat by this much: only a node whose instance died is ever cut. */
  static final long NODE_TTL_MS = 10 * 60_000;
  /** Jobs and turns outlive their last change by this much while open: far past any job's life. */
  static final long OPEN_TTL_MS = 60 * 60_000;
  /**
   * How long a turn that is closed and whose jobs all ended is remembered, with its jobs, so a late or repeated result
   * is told DUPLICATE rather than STALE_ATTEMPT; longer than a job key's claim, so a resend finds its job.
   */
  static final long FINISHED_TTL_MS = 3 * 60_000;
  /** A session with a socket attached outlives its last outcome by this much; an owner that died leaves it here. */
  static final long SESSION_TTL_MS = 24 * 60 * 60_000;
  /** What a detached session's keys outlive its resume window by, so its owner always removes it first. */
  static final long DETACHED_MARGIN_MS = 5 * 60_000;
  /** A job key's TTL beyond its claim: the claim's expiry itself is in the value, on the store's clock. */
  static final long JOB_KEY_TTL_MARGIN_MS = 5_000;
  /** The newest job ids a session's index keeps for {@link #jobAt}; older jobs are long gone. */
  static final int MAX_INDEXED_JOBS_PER_SESSION = 10_000;
  /** An attached session's keys are given SESSION_TTL_MS again by an outcome at most this often. */
  static final long SESSION_TTL_REFRESH_MS = 60_000;
  /**
   * Generations a deadline's score tells apart (a job's attempt, a turn's epoch): the score is atMs times this plus the
   * generation, exact in a double for times before the year 2100.
   */
  static final int DEADLINE_GENERATIONS = 2_048;
  /** A session's index of jobs is cut back to MAX_INDEXED_JOBS_PER_SESSION once every this many utterances. */
  static final int INDEX_TRIM_EVERY = 256;
  /**
   * How far back, in jobs, a session's open turns are looked for: every job older than the newest few has long ended,
   * since a job's attempts and deadlines bound its life.
   */
  static final int OPEN_SCAN_JOBS = 256;
  /** Retained outcomes read at a time when the old ones are dropped from the head of an outbox. */
  static final int OUTBOX_TRIM_BATCH = 8;
  /**
   * How much longer than asked an outbox may keep its oldest outcome: its head is looked at only once it is this much
   * older, so most outcomes are added without reading the list back.
   */
  static final long OUTBOX_TRIM_SLACK_MS = 2_000;
  /** The resume window of the default configuration. */
  static final long DEFAULT_RESUME_WINDOW_MS = 60_000;

  /** How long a call may wait for Redis before it fails, so a Redis that stopped answering never hangs a caller. */
  static final long CALL_TIMEOUT_MS = 3_000;
  /** Connections to Redis: enough for the instance's verticles to interleave, few enough to stay cheap. */
  private static final int POOL_SIZE = 16;
  /** Pipelined connections: one for each event loop Vert.x may run (two per core at most), and one shared. */
  private static final int CONNECTIONS = 2 * Runtime.getRuntime().availableProcessors() + 1;
  /** Calls waiting for a pooled connection, then replies awaited on each; past these a call fails at once. */
  private static final int POOL_WAITING = 4_096;
  private static final int WAITING_HANDLERS = 2_048;
  private static final int CONNECT_TIMEOUT_MS = 1_000;
  /**
   * The waits before each new attempt of a call that found no connection (Redis restarting, say, or a pooled
   * connection Redis closed). The client ignores NetClientOptions' reconnect settings, so the store retries itself.
   * 2.4 s in all, within {@link #CALL_TIMEOUT_MS}: enough for a Redis restart, which takes about a second.
   */
  private static final long[] RECONNECT_BACKOFF_MS = {50, 150, 400, 800, 1000};
  /** How often the store asks Redis for its run_id, which changes when Redis restarts. */
  static final long RUN_ID_CHECK_MS = 1_000;

  private final Vertx vertx;
  private final RedisLink redis;
  private final String url;
  private final RedisScripts scripts;
  private final long detachedTtlMs;
  private final LongSupplier clockOffsetMs;
  private final List<Runnable> restartHandlers = new CopyOnWriteArrayList<>();
  private volatile String runId;
  private long runIdTimer = -1;
  /** Told how long each call took to be answered: the metrics' Redis round trips. */
  private volatile ObjLongConsumer<String> callTimer = (operation, nanos) -> { };
  /** Told the round trip of each call answered at its first attempt: how far behind Redis, or the way to it, runs. */
  private volatile LongConsumer roundTrips = ms -> { };

  private RedisStore(Vertx vertx, RedisLink redis, String url, long resumeWindowMs, LongSupplier clockOffsetMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.url = url;
    this.scripts = new RedisScripts(redis);
    this.detachedTtlMs = resumeWindowMs + DETACHED_MARGIN_MS;
    this.clockOffsetMs = clockOffsetMs;
  }

  /** Connects to Redis at {@code redisUrl} (redis://[:password@]host[:port][/db]) and loads the scripts. */
  public static Future<RedisStore> connect(Vertx vertx, String redisUrl) {
    return connect(vertx, redisUrl, DEFAULT_RESUME_WINDOW_MS);
  }

  /** As {@link #connect(Vertx, String)}, for sessions resumable for {@code resumeWindowMs} after they detach. */
  public static Future<RedisStore> connect(Vertx vertx, String redisUrl, long resumeWindowMs) {
    return connect(vertx, redisUrl, resumeWindowMs, () -> 0);
  }

  /** A store whose clock runs {@code clockOffsetMs} ahead of Redis's, for tests that move time. */
  static Future<RedisStore> connect(Vertx vertx, String redisUrl, long resumeWindowMs, LongSupplier clockOffsetMs) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(redisUrl)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2) // HGETALL as a flat list, as scripts return hashes
        .setMaxPoolSize(POOL_SIZE)
        .setMaxPoolWaiting(POOL_WAITING)
        .setMaxWaitingHandlers(WAITING_HANDLERS)
        .setNetClientOptions(new NetClientOptions()
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setTcpKeepAlive(true)
            .setTcpNoDelay(true));
    RedisLink redis = new RedisLink(Redis.createClient(vertx, options), CONNECTIONS);
    RedisStore store = new RedisStore(vertx, redis, redisUrl, resumeWindowMs, clockOffsetMs);
    return store.call("connect", store.scripts::loadAll)
        .compose(v -> store.readRunId())
        .map(id -> {
          store.runId = id;
          store.runIdTimer = vertx.setPeriodic(RUN_ID_CHECK_MS, t -> store.checkRunId());
          return store;
        })
        .onFailure(e -> store.close());
  }

  public Future<Void> close() {
    if (runIdTimer >= 0) {
      vertx.cancelTimer(runIdTimer);
    }
    return redis.close();
  }

  @Override
  public void onCallTimed(ObjLongConsumer<String> timer) {
    callTimer = timer;
  }

  @Override
  public void onRoundTrip(LongConsumer listener) {
    roundTrips = listener;
  }

  @Override
  public long requests() {
    return redis.sent();
  }

  @Override
  public void onRestart(Runnable handler) {
    restartHandlers.add(handler);
  }

  private Future<String> readRunId() {
    return send("runId", Request.cmd(Command.INFO).arg("server")).map(r -> {
      for (String line : r.toString().split("\r?\n")) {
        if (line.startsWith("run_id:")) {
          return line.substring("run_id:".length()).trim();
        }
      }
      throw new IllegalStateException("INFO server has no run_id");
    });
  }

  /**
   * A new run_id means Redis restarted: what it kept depends on its persistence (an append-only file may lose the
   * last second of writes), so the owners write again what they hold.
   */
  private void checkRunId() {
    readRunId().onSuccess(id -> {
      String before = runId;
      if (id.equals(before)) {
        return;
      }
      runId = id;
      LOG.warn("Redis restarted at {}: run_id {} -> {}; owners re-assert their state", url, before, id);
      restartHandlers.forEach(Runnable::run);
    });
  }

  // --- plumbing ----------------------------------------------------------------------------------------------------

  private Future<Response> run(String operation, Script script, Object... args) {
    return call(operation, () -> scripts.run(script, args));
  }

  private Future<Response> send(String operation, Request request) {
    return call(operation, () -> redis.send(request));
  }

  /**
   * Makes the call, again after a backoff while no connection can be made, within {@link #CALL_TIMEOUT_MS} in all;
   * every failure names the operation and Redis's address.
   */
  private <T> Future<T> call(String operation, Supplier<Future<T>> attempt) {
    // completes on the caller's context: connections are shared, and a verticle's state belongs to its event loop
    Promise<T> answer = ((ContextInternal) vertx.getOrCreateContext()).promise();
    long start = System.nanoTime();
    Future<T> first = attempt.get();
    first.onSuccess(r -> roundTrips.accept(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
    withReconnects(first, attempt, 0).onComplete(answer);
    return answer.future().timeout(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onComplete(ar -> callTimer.accept(operation, System.nanoTime() - start)) // a call that timed out too
        .recover(e -> {
          String why = e instanceof TimeoutException ? "no answer within " + CALL_TIMEOUT_MS + " ms" : e.getMessage();
          return Future.failedFuture(new RedisStoreException("Redis store " + operation + " failed at " + url + ": "
              + why, e, lostInFlight(e)));
        });
  }

  /**
   * The answer of {@code made}, the call's attempt number {@code retries}, or of the attempts after it. Only a call
   * that did not run is made again: one never sent, or one a restarted Redis refused while it loads its data. One that
   * reached Redis otherwise may have run.
   */
  private <T> Future<T> withReconnects(Future<T> made, Supplier<Future<T>> attempt, int retries) {
    return made.recover(e -> {
      if (!(neverSent(e) || isLoading(e)) || retries == RECONNECT_BACKOFF_MS.length) {
        return Future.failedFuture(e);
      }
      LOG.debug("Redis not reachable or still loading at {}, calling again in {} ms: {}", url,
          RECONNECT_BACKOFF_MS[retries], e.getMessage());
      Promise<T> next = Promise.promise();
      vertx.setTimer(RECONNECT_BACKOFF_MS[retries],
          id -> withReconnects(attempt.get(), attempt, retries + 1).onComplete(next));
      return next.future();
    });
  }

  /**
   * The call was written and then its answer never came: it timed out, or its connection closed or was reset with it
   * in flight (CONNECTION_CLOSED, or an I/O error such as a reset by a Redis that was killed). It may have run. A call
   * never sent, or answered with an error, did not.
   */
  static boolean lostInFlight(Throwable e) {
    if (neverSent(e)) {
      return false;
    }
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c instanceof IOException
          || (c.getMessage() != null && c.getMessage().contains("CONNECTION_CLOSED"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * No connection could be made, or the pooled one was found closed before writing: the client says so with a bare
   * "Connection is closed" message, while a request lost in flight fails with CONNECTION_CLOSED instead.
   */
  private static boolean neverSent(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof ClosedChannelException
          || "Connection is closed".equals(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** Redis restarted and is still reading its append-only file: it answers every command with LOADING until then. */
  private static boolean isLoading(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().startsWith("LOADING ")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isOne(Response r) {
    return r != null && r.toLong() == 1;
  }

  /** FAILOVER's answer: the job as HGETALL reads it. */
  private static Transition transitionOf(Response r) {
    return transitionOf(r, RedisRecords.job(r.get(1)));
  }

  /** TRANSITION's answer: the job as the values of {@link RedisRecords#JOB_FIELDS}. */
  private static Transition transitionOfValues(Response r) {
    return transitionOf(r, RedisRecords.jobFromValues(r.get(1)));
  }

  private static Transition transitionOf(Response r, JobInfo job) {
    return new Transition(Transition.Outcome.valueOf(r.get(0).toString()), job,
        r.get(2) == null ? null : r.get(2).toString(), r.size() > 3 && r.get(3) != null ? r.get(3).toString() : null);
  }

  private static List<String> strings(Response r) {
    List<String> out = new ArrayList<>(r.size());
    for (Response item : r) {
      out.add(item.toString());
    }
    return out;
  }

  private static Object[] args(List<?> head, List<Object> fields) {
    List<Object> all = new ArrayList<>(head);
    all.addAll(fields);
    return all.toArray();
  }

  @Override
  public Future<Long> timeMs() {
    return send("timeMs", Request.cmd(Command.TIME))
        .map(r -> Long.parseLong(r.get(0).toString()) * 1000 + Long.parseLong(r.get(1).toString()) / 1000
            + clockOffsetMs.getAsLong());
  }

  // --- nodes -------------------------------------------------------------------------------------------------------

  @Override
  public Future<String> putNode(NodeInfo node) {
    return run("putNode", Script.PUT_NODE,
        args(List.of(node.nodeId(), node.connId(), clockOffsetMs.getAsLong()), RedisRecords.nodeFields(node)))
        .map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<HeartbeatOutcome> heartbeat(String nodeId, String connId, NodeInfo.NodeStatus status, int running) {
    return run("heartbeat", Script.HEARTBEAT, nodeId, connId, status.name(), running, clockOffsetMs.getAsLong())
        .map(r -> HeartbeatOutcome.valueOf(r.toString()));
  }

  @Override
  public Future<Boolean> removeNode(String nodeId, String connId) {
    return run("removeNode", Script.REMOVE_NODE, nodeId, connId).map(RedisStore::isOne);
  }

  @Override
  public Future<List<NodeInfo>> nodes() {
    return run("nodes", Script.NODES).map(r -> {
      List<NodeInfo> nodes = new ArrayList<>(r.size());
      for (Response node : r) {
        nodes.add(RedisRecords.node(node));
      }
      return nodes;
    });
  }

  @Override
  public Future<Reservation> tryReserve(String nodeId, String turnId) {
    return run("tryReserve", Script.TRY_RESERVE, nodeId, turnId).map(r -> Reservation.valueOf(r.toString()));
  }

  @Override
  public Future<Boolean> release(String nodeId, String turnId) {
    if (nodeId == null) {
      return Future.succeededFuture(false);
    }
    return send("release", Request.cmd(Command.SREM).arg(RedisKeys.NODE_SLOTS.of(nodeId)).arg(turnId))
        .map(RedisStore::isOne);
  }

  // --- sessions ----------------------------------------------------------------------------------------------------

  @Override
  public Future<Void> putSession(SessionInfo session) {
    long ttl = session.detachedAtMs() > 0 ? detachedTtlMs : SESSION_TTL_MS;
    return run("putSession", Script.PUT_SESSION,
        args(List.of(session.sessionId(), session.resumeToken(), ttl), RedisRecords.sessionFields(session)))
        .mapEmpty();
  }

  @Override
  public Future<SessionInfo> session(String sessionId) {
    return send("session", Request.cmd(Command.HGETALL).arg(RedisKeys.SESSION.of(sessionId)))
        .map(RedisRecords::session);
  }

  @Override
  public Future<SessionInfo> sessionByToken(String resumeToken) {
    return run("sessionByToken", Script.SESSION_BY_TOKEN, resumeToken).map(RedisRecords::session);
  }

  @Override
  public Future<SessionInfo> takeSession(String sessionId, String instanceId) {
    return run("takeSession", Script.TAKE_SESSION, sessionId, instanceId, "", "1").map(RedisRecords::session);
  }

  @Override
  public Future<SessionInfo> adoptSession(String sessionId, String fromInstance, String toInstance) {
    return run("adoptSession", Script.TAKE_SESSION, sessionId, toInstance, fromInstance, "0")
        .map(RedisRecords::session);
  }

  @Override
  public Future<SessionInfo> detachSession(String sessionId, long nextUtteranceIndex, long lastSeq, long atMs,
      String ownerInstance) {
    return run("detachSession", Script.DETACH_SESSION, sessionId, nextUtteranceIndex, lastSeq, atMs, detachedTtlMs,
        ownerInstance == null ? "" : ownerInstance).map(RedisRecords::session);
  }

  @Override
  public Future<Void> removeSession(String sessionId) {
    return run("removeSession", Script.REMOVE_SESSION, sessionId).mapEmpty();
  }

  @Override
  public Future<Void> appendOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs) {
    return deliverOutcome(sessionId, utteranceIndex, frame, atMs, keepMs, null, null, null).mapEmpty();
  }

  @Override
  public Future<Boolean> deliverOutcome(String sessionId, long utteranceIndex, String frame, long atMs, long keepMs,
      String ownerInstance, String contextText, String deliveredJobId) {
    List<Object> args = new ArrayList<>(List.of(sessionId, utteranceIndex, frame, atMs, keepMs,
        ownerInstance == null ? "" : ownerInstance, deliveredJobId == null ? "" : deliveredJobId));
    if (contextText != null) {
      args.add(contextText);
    }
    return run("appendOutcome", Script.APPEND_OUTCOME, args.toArray()).map(RedisStore::isOne);
  }

  @Override
  public Future<String> keptResult(String jobId) {
    return send("keptResult", Request.cmd(Command.HGET).arg(RedisKeys.JOB.of(jobId)).arg(RedisRecords.KEPT_RESULT))
        .map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<List<String>> outcomesAfter(String sessionId, long afterIndex) {
    return send("outcomesAfter", Request.cmd(Command.LRANGE).arg(RedisKeys.OUTBOX.of(sessionId)).arg(0).arg(-1))
        .map(r -> {
          List<String> frames = new ArrayList<>();
          for (Response entry : r) {
            String retained = entry.toString(); // "{index} {atMs} {frame}"
            int indexEnd = retained.indexOf(' ');
            if (Long.parseLong(retained.substring(0, indexEnd)) > afterIndex) {
              frames.add(retained.substring(retained.indexOf(' ', indexEnd + 1) + 1));
            }
          }
          return frames;
        });
  }

  // --- jobs and turns ----------------------------------------------------------------------------------------------

  @Override
  public Future<String> claimJobKey(String key, String jobId, long ttlMs) {
    return timeMs().compose(now -> run("claimJobKey", Script.CLAIM_JOB_KEY, key, jobId, ttlMs, now))
        .map(Response::toString);
  }

  @Override
  public Future<TurnInfo> addJob(JobInfo job, boolean closesTurn) {
    List<?> head = List.of(job.jobId(), job.turnId(), job.sessionId(), job.utteranceIndex(), closesTurn ? "1" : "0");
    return run("addJob", Script.ADD_JOB, args(head, RedisRecords.jobFields(job))).map(RedisRecords::turn);
  }

  @Override
  public Future<JobInfo> job(String jobId) {
    return send("job", Request.cmd(Command.HGETALL).arg(RedisKeys.JOB.of(jobId))).map(RedisRecords::job);
  }

  @Override
  public Future<JobInfo> jobAt(String sessionId, long utteranceIndex) {
    return run("jobAt", Script.JOB_AT, sessionId, utteranceIndex).map(RedisRecords::job);
  }

  @Override
  public Future<List<JobInfo>> jobsFrom(String sessionId, long fromIndex, int count) {
    return run("jobsFrom", Script.JOBS_FROM, sessionId, fromIndex, count).map(r -> {
      List<JobInfo> out = new ArrayList<>(r.size());
      for (Response job : r) {
        out.add(RedisRecords.job(job));
      }
      return out;
    });
  }

  @Override
  public Future<TurnInfo> turn(String turnId) {
    return send("turn", Request.cmd(Command.HGETALL).arg(RedisKeys.TURN.of(turnId))).map(RedisRecords::turn);
  }

  @Override
  public Future<List<JobInfo>> turnJobs(String turnId) {
    return run("turnJobs", Script.TURN_JOBS, turnId).map(r -> {
      List<JobInfo> jobs = new ArrayList<>(r.size());
      for (Response job : r) {
        jobs.add(RedisRecords.job(job));
      }
      return jobs;
    });
  }

  @Override
  public Future<TurnInfo> bindTurn(String turnId, String nodeId, String connId) {
    return run("bindTurn", Script.BIND_TURN, turnId, nodeId, connId).map(RedisRecords::turn);
  }

  @Override
  public Future<ClosedTurn> closeTurn(String turnId) {
    return run("closeTurn", Script.CLOSE_TURN, turnId).map(r -> r.size() < 2 ? null
        : new ClosedTurn(RedisRecords.turn(r.get(0)), r.get(1) == null ? null : r.get(1).toString()));
  }

  @Override
  public Future<TurnInfo> unbindTurn(String turnId, int expectedEpoch) {
    return run("unbindTurn", Script.UNBIND_TURN, turnId, expectedEpoch).map(RedisRecords::turn);
  }

  @Override
  public Future<Transition> transition(
      String jobId, int expectedAttempt, String nodeId, Set<JobState> from, JobState to) {
    return transition("transition", jobId, expectedAttempt, nodeId, from, to, "0", null);
  }

  @Override
  public Future<Transition> settle(String jobId, int expectedAttempt, String nodeId, Set<JobState> from,
      JobState to, String keptResult) {
    return transition("settle", jobId, expectedAttempt, nodeId, from, to, "1", keptResult);
  }

  private Future<Transition> transition(String operation, String jobId, int expectedAttempt, String nodeId,
      Set<JobState> from, JobState to, String settle, String keptResult) {
    List<Object> args = new ArrayList<>(List.of(jobId, expectedAttempt, nodeId == null ? "" : nodeId, to.name(),
        settle, keptResult == null ? "" : keptResult));
    for (JobState s : from) {
      args.add(s.name());
    }
    return run(operation, Script.TRANSITION, args.toArray()).map(RedisStore::transitionOfValues);
  }

  @Override
  public Future<CreatedJob> createJob(String key, JobInfo job, boolean closesTurn, long keyTtlMs, DispatchPlan plan) {
    List<Object> head = new ArrayList<>(List.of(key, keyTtlMs, clockOffsetMs.getAsLong(), job.jobId(), job.turnId(),
        job.sessionId(), job.utteranceIndex(), closesTurn ? "1" : "0", plan.kind().name(), plan.ackDelayMs(),
        plan.resultDelayMs(), plan.nodeId() == null ? "" : plan.nodeId(), plan.epoch(), plan.candidates().size()));
    for (NodeInfo n : plan.candidates()) {
      head.add(n.nodeId());
      head.add(n.connId());
    }
    return run("createJob", Script.CREATE_JOB, args(head, RedisRecords.jobFields(job))).map(r -> {
      String holder = r.get(0).toString();
      if (r.size() < 5) {
        return new CreatedJob(holder, null, null, null);
      }
      TurnInfo turn = RedisRecords.turn(r.get(3));
      // a call made again after one that ran answers with the job as stored: its attempt may have moved on
      JobInfo stored = r.size() > 5 ? RedisRecords.job(r.get(5)) : null;
      JobInfo created = stored != null
          ? job.createdAt(stored.createdAtMs()).withPlacement(stored.attempt(), stored.state(), stored.nodeId(),
              stored.excludedNodes())
          : job.createdAt(r.get(1).toLong()).withPlacement(job.attempt(), JobState.valueOf(r.get(2).toString()),
              turn.nodeId(), job.excludedNodes());
      return new CreatedJob(holder, created, turn, r.get(4) == null ? null : r.get(4).toString());
    });
  }

  @Override
  public Future<PlacedTurn> placeTurn(String turnId, List<NodeInfo> candidates, List<JobInfo> sending,
      long ackDelayMs, long resultDelayMs) {
    if (candidates.isEmpty()) {
      return Future.succeededFuture(new PlacedTurn(null, null));
    }
    List<Object> args = new ArrayList<>(List.of(turnId, ackDelayMs, resultDelayMs, clockOffsetMs.getAsLong(),
        sending.size()));
    for (JobInfo j : sending) {
      args.add(j.jobId());
      args.add(j.attempt());
    }
    for (NodeInfo n : candidates) {
      args.add(n.nodeId());
      args.add(n.connId());
    }
    return run("placeTurn", Script.PLACE_TURN, args.toArray()).map(r -> r.size() < 2
        ? new PlacedTurn(null, null)
        : new PlacedTurn(r.get(0).toString(), RedisRecords.turn(r.get(1))));
  }

  @Override
  public Future<Void> armIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return run("armIn", Script.ARM_IN, new Deadline(kind, id, generation, 0).key(), generation, delayMs,
        clockOffsetMs.getAsLong(), "0").mapEmpty();
  }

  @Override
  public Future<Void> deferIn(Deadline.Kind kind, String id, int generation, long delayMs) {
    return run("deferIn", Script.ARM_IN, new Deadline(kind, id, generation, 0).key(), generation, delayMs,
        clockOffsetMs.getAsLong(), "1").mapEmpty();
  }

  @Override
  public Future<Transition> failover(String jobId, int expectedAttempt, String failedNode, int maxAttempts,
      long pendingDelayMs) {
    return run("failover", Script.FAILOVER, jobId, expectedAttempt, failedNode == null ? "" : failedNode,
        maxAttempts, pendingDelayMs, clockOffsetMs.getAsLong()).map(RedisStore::transitionOf);
  }

  @Override
  public Future<List<String>> openTurnsOnNode(String nodeId, String connId) {
    return run("openTurnsOnNode", Script.OPEN_TURNS, "node", nodeId, connId).map(RedisStore::strings);
  }

  @Override
  public Future<List<String>> openTurnsOfSession(String sessionId) {
    return run("openTurnsOfSession", Script.OPEN_TURNS, "session", sessionId).map(RedisStore::strings);
  }

  // --- deadlines ---------------------------------------------------------------------------------------------------

  @Override
  public Future<Void> arm(Deadline deadline) {
    return run("arm", Script.ARM, deadline.key(), deadline.generation(), deadline.atMs()).mapEmpty();
  }

  @Override
  public Future<Void> disarm(Deadline.Kind kind, String id) {
    return run("disarm", Script.DISARM, new Deadline(kind, id, 0, 0).key()).mapEmpty();
  }

  @Override
  public Future<List<Deadline>> claimExpired(long nowMs, String instanceId) {
    return run("claimExpired", Script.CLAIM_EXPIRED, nowMs).map(r -> {
      List<Deadline> due = new ArrayList<>(r.size() / 2);
      for (int i = 0; i + 1 < r.size(); i += 2) {
        String key = r.get(i).toString();
        String[] value = r.get(i + 1).toString().split(" ");
        int colon = key.indexOf(':');
        due.add(new Deadline(Deadline.Kind.valueOf(key.substring(0, colon)), key.substring(colon + 1),
            Integer.parseInt(value[0]), Long.parseLong(value[1])));
      }
      return due;
    });
  }
}
