package dev.parley.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.store.NodeInfo.NodeStatus;
import dev.parley.testing.Await;
import dev.parley.testing.RedisServer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on a real redis-server, plus what only Redis has: scripts, TTLs, restarts, an unreachable server. */
class RedisStoreTest extends SchedulerStoreContract {
  private static final long RESUME_WINDOW_MS = 60_000;
  private static final RedisServer redis = RedisServer.inMemory();
  private static Vertx vertx;

  private final AtomicLong clockOffset = new AtomicLong();
  private final List<RedisStore> opened = new ArrayList<>();

  @BeforeAll
  static void startRedis() {
    redis.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    vertx.close().await();
    redis.close();
  }

  /** One store per test: its pool of connections makes the contract's races interleave inside Redis. */
  @Override
  protected SchedulerStore newStore() {
    redis.flushAll();
    return open(redis);
  }

  @Override
  protected void advanceClock(long ms) {
    clockOffset.addAndGet(ms);
  }

  @AfterEach
  void closeStores() {
    for (RedisStore s : opened) {
      s.close().await();
    }
  }

  private RedisStore open(RedisServer server) {
    RedisStore s = await(RedisStore.connect(vertx, server.url(), RESUME_WINDOW_MS, clockOffset::get));
    opened.add(s);
    return s;
  }

  private static long pttl(String key) {
    return (Long) redis.call("PTTL", key);
  }

  private static Throwable failureOf(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      throw new AssertionError("the call succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the call did not fail in time", e);
    }
  }

  private void placeClosedTurn(String nodeId, String turnId, String jobId) {
    await(store.putNode(node(nodeId, "c1", 2, NodeStatus.READY)));
    await(store.addJob(job(jobId, "s1", turnId, 0, 0), true));
    assertThat(await(store.tryReserve(nodeId, turnId))).isEqualTo(Reservation.OK);
    await(store.bindTurn(turnId, nodeId, "c1"));
  }

  @Test
  void callsOfTheJobScriptsMadeInOneEventLoopTurnGoAsOneRequestAndAreAnsweredEachAsAlone() {
    for (int i = 1; i <= 3; i++) {
      await(store.addJob(job("j" + i, "s1", "t" + i, i, 0), true));
    }
    redis.call("CONFIG", "RESETSTAT");

    Promise<List<Future<?>>> made = Promise.promise();
    vertx.runOnContext(v -> {
      List<Future<?>> calls = new ArrayList<>();
      calls.add(store.transition("j1", 1, null, Set.of(JobState.CREATED), JobState.DISPATCHED));
      calls.add(store.transition("j2", 7, null, Set.of(JobState.CREATED), JobState.DISPATCHED)); // a stale attempt
      calls.add(store.armIn(Deadline.Kind.ACK, "j3", RedisStore.DEADLINE_GENERATIONS, 1000)); // refused alone
      calls.add(store.transition("j3", 1, null, Set.of(JobState.CREATED), JobState.DISPATCHED));
      made.complete(calls);
    });
    List<Future<?>> calls = Await.result(made.future());

    assertThat(((Transition) await(calls.get(0))).outcome()).isEqualTo(Transition.Outcome.APPLIED);
    assertThat(((Transition) await(calls.get(1))).outcome()).isEqualTo(Transition.Outcome.STALE);
    assertThat(failureOf(calls.get(2))).hasMessageContaining("out of range");
    assertThat(((Transition) await(calls.get(3))).outcome()).isEqualTo(Transition.Outcome.APPLIED);
    assertThat(await(store.job("j1")).state()).isEqualTo(JobState.DISPATCHED);
    assertThat(await(store.job("j2")).state()).isEqualTo(JobState.CREATED);
    assertThat(await(store.job("j3")).state()).isEqualTo(JobState.DISPATCHED);
    assertThat((String) redis.call("INFO", "commandstats")).contains("cmdstat_evalsha:calls=1,");
  }

  @Test
  void eachEventLoopCallsRedisOnAConnectionOfItsOwn() {
    await(store.nodes()); // from this thread: the shared connection
    long before = clients();
    Context first = ((VertxInternal) vertx).createEventLoopContext();
    Context second = first;
    for (int i = 0; i < 64 && loopOf(second) == loopOf(first); i++) {
      second = ((VertxInternal) vertx).createEventLoopContext(); // new contexts take the event loops in turn
    }
    assertThat(loopOf(second)).isNotSameAs(loopOf(first));
    List<Context> loops = List.of(first, second);
    for (int round = 0; round < 2; round++) {
      for (Context loop : loops) {
        Promise<List<NodeInfo>> done = Promise.promise();
        loop.runOnContext(v -> store.nodes().onComplete(done));
        await(done.future());
      }
    }
    assertThat(clients() - before).isEqualTo(2);
  }

  private static Object loopOf(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  private static long clients() {
    return ((String) redis.call("CLIENT", "LIST")).lines().filter(l -> !l.contains("cmd=client|list")).count();
  }

  @Test
  void theScriptsAreLoadedAgainAfterRedisForgetsThem() {
    await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));

    redis.call("SCRIPT", "FLUSH");

    assertThat(await(store.tryReserve("n1", "t1"))).isEqualTo(Reservation.OK);
    assertThat(await(store.nodes())).extracting(NodeInfo::reserved).containsExactly(1);
  }

  @Test
  void theScriptsBuildTheKeysRedisKeysDescribesAndNoFamilyCanCollideWithAnother() {
    StringBuilder lua = new StringBuilder(RedisKeys.luaDefinitions()).append("return {NODES_KEY, DEADLINES_KEY");
    List<String> expected = new ArrayList<>(List.of(RedisKeys.NODES, RedisKeys.DEADLINES));
    for (RedisKeys.Family f : RedisKeys.FAMILIES) {
      lua.append(", ").append(f.lua()).append("('a:b')");
      expected.add(f.of("a:b"));
    }

    assertThat(redis.call("EVAL", lua.append('}').toString(), "0")).isEqualTo(expected);
    for (RedisKeys.Family f : RedisKeys.FAMILIES) {
      for (RedisKeys.Family other : RedisKeys.FAMILIES) {
        assertThat(f == other || !other.head().startsWith(f.head())).as(f + " and " + other).isTrue();
      }
      assertThat(RedisKeys.NODES.startsWith(f.head()) || RedisKeys.DEADLINES.startsWith(f.head())).isFalse();
    }
  }

  @Test
  void audioIsKeptByteForByteAndTextInFull() {
    byte[] audio = new byte[256];
    for (int i = 0; i < audio.length; i++) {
      audio[i] = (byte) i;
    }
    JobInfo j = job("j0", "s1", "t1", 0, 0);
    await(store.addJob(new JobInfo(j.jobId(), j.sessionId(), j.turnId(), j.utteranceIndex(), j.segmentIndex(),
        j.attempt(), j.state(), j.nodeId(), j.excludedNodes(), audio, j.audioFormat(), j.sampleRate(), j.durationMs(),
        j.cutKind(), j.srcLang(), j.tgtLang(), j.traceId(), 1_733_000_000_123L, j.lastSeq()), true));
    String frame = "{\"text\": \"¿Qué tal? 你好 👋\"}\n {\"seq\": 2}";
    await(store.putSession(session("s1", "token-1")));
    await(store.deliverOutcome("s1", 0, frame, 1_000, 60_000, "instance-1", "niño\ncontexto"));

    JobInfo stored = await(store.job("j0"));
    assertThat(stored.audio()).containsExactly(audio);
    assertThat(stored.createdAtMs()).isEqualTo(1_733_000_000_123L);
    assertThat(await(store.outcomesAfter("s1", -1))).containsExactly(frame);
    assertThat(await(store.session("s1")).contextText()).isEqualTo("niño\ncontexto");
  }

  @Test
  void theKeysOfAFinishedTurnExpireSoonAndTheAudioIsDropped() {
    placeClosedTurn("n1", "t1", "j0");
    assertThat(pttl(RedisKeys.JOB.of("j0"))).as("an open job")
        .isGreaterThan(RedisStore.FINISHED_TTL_MS).isLessThanOrEqualTo(RedisStore.OPEN_TTL_MS);

    await(store.transition("j0", 1, "n1", JobState.OPEN, JobState.COMPLETED));

    for (String key : List.of(RedisKeys.JOB.of("j0"), RedisKeys.TURN.of("t1"))) {
      assertThat(pttl(key)).as(key).isPositive().isLessThanOrEqualTo(RedisStore.FINISHED_TTL_MS);
    }
    assertThat(await(store.job("j0")).audio()).isEmpty();
    assertThat(await(store.openTurnsOnNode("n1", "c1"))).isEmpty();
  }

  @Test
  void sessionsNodesAndJobKeysCarryTtls() {
    await(store.putSession(session("s1", "token-1")));
    await(store.appendOutcome("s1", 0, "f0", 1_000, 60_000));
    await(store.putNode(node("n1", "c1", 2, NodeStatus.READY)));
    await(store.tryReserve("n1", "t1"));
    await(store.claimJobKey("s1/0", "j0", 120_000));

    assertThat(pttl(RedisKeys.NODE.of("n1"))).isPositive().isLessThanOrEqualTo(RedisStore.NODE_TTL_MS);
    assertThat(pttl(RedisKeys.NODE_SLOTS.of("n1"))).isPositive().isLessThanOrEqualTo(RedisStore.NODE_TTL_MS);
    assertThat(pttl(RedisKeys.JOB_KEY.of("s1/0"))).as("a little longer than the claim")
        .isGreaterThan(120_000).isLessThanOrEqualTo(120_000 + RedisStore.JOB_KEY_TTL_MARGIN_MS);

    await(store.detachSession("s1", 1, 1, 2_000, "instance-1"));

    long detached = RESUME_WINDOW_MS + RedisStore.DETACHED_MARGIN_MS;
    for (String key : List.of(RedisKeys.SESSION.of("s1"), RedisKeys.TOKEN.of("token-1"), RedisKeys.OUTBOX.of("s1"))) {
      assertThat(pttl(key)).as(key).isGreaterThan(RESUME_WINDOW_MS).isLessThanOrEqualTo(detached);
    }
  }

  @Test
  void anAttachedSessionsOutcomesRenewItsTtlAtMostOncePerRefreshInterval() {
    await(store.putSession(session("s1", "token-1")));
    long now = System.currentTimeMillis();
    await(store.appendOutcome("s1", 0, "f0", now, 60_000));
    redis.call("PEXPIRE", RedisKeys.SESSION.of("s1"), "3600000");

    await(store.appendOutcome("s1", 1, "f1", now + 1_000, 60_000));
    assertThat(pttl(RedisKeys.SESSION.of("s1"))).as("renewed a second ago: left as it is")
        .isLessThanOrEqualTo(3_600_000);

    await(store.appendOutcome("s1", 2, "f2", now + RedisStore.SESSION_TTL_REFRESH_MS, 60_000));
    for (String key : List.of(RedisKeys.SESSION.of("s1"), RedisKeys.TOKEN.of("token-1"), RedisKeys.OUTBOX.of("s1"))) {
      assertThat(pttl(key)).as(key).isGreaterThan(RedisStore.SESSION_TTL_MS - 60_000);
    }
  }

  @Test
  void reservationsFromSeveralClientsNeverExceedTheCapacity() throws Exception {
    int capacity = 5;
    await(store.putNode(node("n1", "c1", capacity, NodeStatus.READY)));
    List<RedisStore> clients = List.of(open(redis), open(redis), open(redis), open(redis));
    List<Callable<Reservation>> tasks = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      RedisStore client = clients.get(i % clients.size());
      String turnId = "t" + i;
      tasks.add(() -> await(client.tryReserve("n1", turnId)));
    }

    List<Reservation> results = race(tasks);

    assertThat(results).filteredOn(r -> r == Reservation.OK).hasSize(capacity);
    assertThat(await(store.nodes())).extracting(NodeInfo::reserved).containsExactly(capacity);
  }

  @Test
  void anAofPersistedRedisKeepsJobsAndNodesAcrossARestart() {
    try (RedisServer persistent = RedisServer.withAof().start()) {
      RedisStore s = open(persistent);
      await(s.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      await(s.addJob(job("j0", "s1", "t1", 0, 0), true));

      persistent.restart();

      assertThat(await(s.nodes())).extracting(NodeInfo::nodeId).containsExactly("n1");
      JobInfo j = await(s.job("j0"));
      assertThat(j.turnId()).isEqualTo("t1");
      assertThat(j.audio()).containsExactly(1, 2, 3, 4);
      assertThat(await(s.transition("j0", 1, null, Set.of(JobState.CREATED), JobState.DISPATCHED)).applied())
          .as("scripts run again on the restarted server").isTrue();
    }
  }

  @Test
  void callsMadeWhileARestartedRedisStillLoadsItsDataWaitForItInsteadOfFailing() {
    try (RedisServer persistent = RedisServer.withAof().start()) {
      RedisStore s = open(persistent);
      await(s.putNode(node("n1", "c1", 2, NodeStatus.READY)));
      // 5,000 keys read back at 20 µs each (a pause that takes longer): Redis answers LOADING for about half a second,
      // between every 1,024 commands it reads back, well within the store's backoff
      persistent.call("EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'filler:' .. i, 'x') end", "0",
          "5000");

      persistent.restartLoadingSlowly(20);
      assertThatThrownBy(() -> persistent.call("PING")).as("still loading").hasMessageContaining("LOADING");

      assertThat(await(s.addJob(job("j0", "s1", "t1", 0, 0), true)).jobIds()).containsExactly("j0");
      assertThat(await(s.nodes())).extracting(NodeInfo::nodeId).containsExactly("n1");
      assertThat(await(s.job("j0")).state()).isEqualTo(JobState.CREATED);
    }
  }

  @Test
  void callsFailFastWithAClearErrorWhileRedisIsDown() {
    try (RedisServer flaky = RedisServer.inMemory().start()) {
      RedisStore s = open(flaky);
      await(s.putNode(node("n1", "c1", 2, NodeStatus.READY)));

      flaky.stop();
      // a call on a connection that is closing as Redis stops may fail at once: it may have reached Redis, so it is
      // not sent again; once the connections are known closed, a call is never sent and is tried again
      failureOf(s.tryReserve("n1", "t0"));
      long start = System.nanoTime();
      Throwable down = failureOf(s.tryReserve("n1", "t1"));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(down).isInstanceOf(RedisStoreException.class).hasMessageContaining("tryReserve")
          .hasMessageContaining(flaky.url());
      assertThat(tookMs).as("tried again with backoff, then gave up").isBetween(500L, RedisStore.CALL_TIMEOUT_MS);

      flaky.start();
      assertThat(await(s.tryReserve("n1", "t1"))).as("back once Redis is").isEqualTo(Reservation.NOT_READY);
    }
  }

  @Test
  void aCallWhoseConnectionFailedAfterItWasWrittenMayHaveRunAndOneNeverWrittenDidNot() {
    assertThat(RedisStore.lostInFlight(new IOException("recvAddress(..) failed: Connection reset by peer")))
        .as("reset by a Redis killed with the call in flight").isTrue();
    assertThat(RedisStore.lostInFlight(new RuntimeException("wrapped", new TimeoutException())))
        .isTrue();
    assertThat(RedisStore.lostInFlight(new IllegalStateException("CONNECTION_CLOSED"))).isTrue();
    assertThat(RedisStore.lostInFlight(new ConnectException("Connection refused"))).isFalse();
    assertThat(RedisStore.lostInFlight(new ClosedChannelException())).isFalse();
    assertThat(RedisStore.lostInFlight(new IllegalStateException("Connection is closed"))).isFalse();
    assertThat(RedisStore.lostInFlight(new IllegalStateException("ERR unknown command"))).as("refused").isFalse();
  }

  @Test
  void connectingToNoRedisFailsFast() {
    RedisServer nothing = RedisServer.inMemory().start();
    String url = nothing.url();
    nothing.close();

    Throwable e = failureOf(RedisStore.connect(vertx, url));

    assertThat(e).isInstanceOf(RedisStoreException.class).hasMessageContaining(url);
  }
}
