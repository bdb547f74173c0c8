package dev.parley.cli;

import dev.parley.bus.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley.jar bench}: simulated browsers and nodes against a scheduler (one it starts, or {@code --url}),
 * printing one JSON line of throughput, latency percentiles and the accounting of every job. With {@code --node}, the
 * {@link NodeBench} instead: a real node with its engines.
 */
public final class Bench {
  private static final String PAIR = "en>es";

  /** How long a node killed by the chaos stays down. */
  private static final long NODE_RESTART_MS = 2_000;
  /** How long a scheduler killed by the chaos stays down. */
  private static final long INSTANCE_RESTART_MS = 3_000;

  private Bench() {}

  public static void main(List<String> args) throws Exception {
    if (args.contains("--node")) {
      NodeBench.main(args.stream().filter(a -> !a.equals("--node")).toList());
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    // the chaos replaces a killed scheduler while the run reads the list
    List<Process> schedulers = new CopyOnWriteArrayList<>();
    BenchRedis redis = null;
    List<URI> bases = new ArrayList<>();
    String cluster = null;
    try {
      if (options.url() == null) {
        if (options.store().equals("redis")) {
          // a restart in the run keeps what Redis held, as one with an append-only file does
          redis = BenchRedis.start(freePort(), options.chaosRedisAtS() > 0
              ? Files.createTempDirectory("parley-bench-aof").toFile() : null);
        }
        // two instances form a cluster of their own; members join one after another
        cluster = options.instances() > 1 ? "bench-" + Ids.token(6) : null;
        for (int i = 1; i <= options.instances(); i++) {
          int port = freePort();
          schedulers.add(startScheduler(options, port, redis, cluster, i, ""));
          URI started = URI.create("ws://127.0.0.1:" + port);
          awaitHealthy(started, Duration.ofSeconds(60));
          bases.add(started);
        }
      } else {
        bases.add(URI.create(options.url()));
      }
      awaitHealthy(bases.get(0), Duration.ofSeconds(60));
      System.out.println(run(options, bases, redis, schedulers, cluster).encode());
    } finally {
      for (Process scheduler : schedulers) {
        scheduler.destroy();
        if (!scheduler.waitFor(10, TimeUnit.SECONDS)) {
          scheduler.destroyForcibly(); // one still busy would skew every run after this one
          scheduler.waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (redis != null) {
        redis.close();
      }
    }
  }

  private static JsonObject run(BenchOptions options, List<URI> bases, BenchRedis redis, List<Process> schedulers,
      String cluster) throws Exception {
    URI base = bases.get(0);
    URI nodeBase = bases.get(bases.size() - 1);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(2));
    BenchStats stats = new BenchStats();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(options.sessions() + options.nodes() + 16)
        .setMaxFrameSize(4 * 1024 * 1024).setMaxMessageSize(4 * 1024 * 1024));
    List<BenchNode> nodes = new ArrayList<>();
    List<BenchSession> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < options.nodes(); i++) {
        BenchNode node = new BenchNode(vertx, stats, "bench-node-" + i, options.nodeDelayMs());
        nodes.add(node);
        node.connect(client, targets(options, bases, nodeBase, i, "/ws/node"), options.nodeCapacity(), List.of(PAIR))
            .await(30, TimeUnit.SECONDS);
      }
      // connect sessions in batches: a thousand handshakes at once would only measure the accept queue
      for (int i = 0; i < options.sessions(); i += 50) {
        List<Future<Void>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(options.sessions(), i + 50); j++) {
          BenchSession session = new BenchSession(vertx, stats, options);
          sessions.add(session);
          batch.add(session.connect(client, targets(options, bases, base, j, "/ws/session")));
        }
        Future.all(batch).await(30, TimeUnit.SECONDS);
      }
      // independent speakers: the sessions' starts, and so their cuts, spread evenly over a job's period; spread over
      // less, every session cuts its jobs within that part of each period, a burst several times the mean rate
      long spread = options.asFastAsPossible() ? 1 : options.jobPeriodMs();
      long requestsBefore = 0;
      if (redis != null) {
        redis.resetStats(); // count from the first job: connecting and registering are not per-job work
        requestsBefore = storeRequests(base, nodeBase);
      }
      for (int i = 0; i < sessions.size(); i++) {
        sessions.get(i).start(i * spread / Math.max(1, sessions.size()));
      }
      long chaos = startChaos(vertx, options, nodes, redis, stats);
      if (options.chaosInstanceAtS() > 0) {
        killInstanceAt(vertx, options, bases.get(0), redis, schedulers, cluster, stats);
      }
      // the run is the bench's own clock, not an event to await
      Thread.sleep(options.warmupS() * 1000L);
      stats.measureFrom(System.nanoTime());
      long cpuFrom = cpuMicros(schedulers);
      long redisCpuFrom = redis == null ? 0 : redis.cpuMicros();
      Thread.sleep((options.durationS() - options.warmupS()) * 1000L);
      sessions.forEach(BenchSession::stop);
      vertx.cancelTimer(chaos);
      long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drainS());
      while ((stats.outcomes() < stats.jobsCut.sum() || !sessions.stream().allMatch(BenchSession::finished))
          && System.nanoTime() < drainUntil) {
        Thread.sleep(50);
      }
      // up to the last outcome, as jobs_per_s counts
      long cpu = cpuMicros(schedulers) - cpuFrom;
      long redisCpu = redis == null ? 0 : redis.cpuMicros() - redisCpuFrom;
      JsonObject memory = health(base).getJsonObject("memory");
      JsonObject report = stats.report(memory);
      // CPU per job tells changes apart where jobs/s moves with whatever else the machine runs
      double measured = Math.max(1, report.getDouble("jobs_per_s") * report.getDouble("seconds"));
      if (!schedulers.isEmpty() && options.chaosInstanceAtS() <= 0) { // a killed process takes its count with it
        report.put("scheduler_cpu_us_per_job", Math.round(cpu / measured));
      }
      if (redis != null) {
        report.put("redis_cpu_us_per_job", Math.round(redisCpu / measured));
      }
      if (redis != null) {
        Map<String, Long> byName = redis.commands();
        long jobs = Math.max(1, stats.jobsCut.sum());
        long commands = byName.values().stream().mapToLong(Long::longValue).sum();
        // a restarted scheduler counts from zero again, so then this undercounts
        long requests = Math.max(0, storeRequests(base, nodeBase) - requestsBefore);
        JsonObject perJob = new JsonObject();
        byName.forEach((name, calls) -> perJob.put(name, Math.round(100.0 * calls / jobs) / 100.0));
        report.put("redis_commands", commands).put("redis_commands_per_job", Math.round(100.0 * commands / jobs) / 100.0)
            .put("redis_requests_per_job", Math.round(100.0 * requests / jobs) / 100.0)
            .put("redis_commands_per_job_by_name", perJob);
      }
      return report.put("options", new JsonObject()
          .put("sessions", options.sessions()).put("nodes", options.nodes()).put("duration_s", options.durationS())
          .put("warmup_s", options.warmupS())
          .put("rate", options.rate()).put("audio_ms", options.audioMs()).put("chunk_ms", options.chunkMs())
          .put("codec", options.codec()).put("binary", options.binary()).put("node_delay_ms", options.nodeDelayMs())
          .put("gc", options.url() == null ? options.gc() : null).put("store", options.store())
          .put("instances", options.instances()).put("chaos_node_every_s", options.chaosNodeEveryS())
          .put("chaos_redis_at_s", options.chaosRedisAtS()).put("chaos_instance_at_s", options.chaosInstanceAtS()));
    } finally {
      List<Future<Void>> closing = new ArrayList<>();
      sessions.forEach(s -> closing.add(s.close()));
      nodes.forEach(n -> closing.add(n.close()));
      Future.join(closing).eventually(() -> vertx.close()).await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Kills a node every {@code --chaos-node-every} seconds, the busiest, and starts it again {@link #NODE_RESTART_MS}
   * later; restarts Redis once at {@code --chaos-redis-at}. Returns the node timer, to stop it with the sessions.
   */
  private static long startChaos(Vertx vertx, BenchOptions options, List<BenchNode> nodes, BenchRedis redis,
      BenchStats stats) {
    if (options.chaosRedisAtS() > 0) {
      vertx.setTimer(options.chaosRedisAtS() * 1000L, id -> vertx.executeBlocking(() -> {
        long from = System.nanoTime();
        redis.restart();
        stats.redisRestartMs = (System.nanoTime() - from) / 1_000_000;
        return null;
      }).onFailure(e -> stats.error("bench:redis-restart " + e.getMessage())));
    }
    if (options.chaosNodeEveryS() <= 0) {
      return -1;
    }
    return vertx.setPeriodic(options.chaosNodeEveryS() * 1000L, id -> {
      // the node holding the most jobs: a kill of an idle one would fail nothing over
      BenchNode victim = nodes.stream().filter(BenchNode::isUp)
          .max(Comparator.comparingInt(BenchNode::heldJobs)).orElse(null);
      if (victim == null) {
        return;
      }
      victim.kill();
      stats.kills.increment();
      vertx.setTimer(NODE_RESTART_MS, t -> victim.revive());
    });
  }

  /**
   * Kills the first scheduler with SIGKILL at {@code --chaos-instance-at}, as a crash would, and starts it again on
   * its port {@link #INSTANCE_RESTART_MS} later, in the same cluster.
   */
  private static void killInstanceAt(Vertx vertx, BenchOptions options, URI victim, BenchRedis redis,
      List<Process> schedulers, String cluster, BenchStats stats) {
    vertx.setTimer(options.chaosInstanceAtS() * 1000L, id -> vertx.executeBlocking(() -> {
      schedulers.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Thread.sleep(INSTANCE_RESTART_MS); // down for a while, on the bench's own clock
      long from = System.nanoTime();
      schedulers.set(0, startScheduler(options, victim.getPort(), redis, cluster, 1, "-restarted"));
      awaitHealthy(victim, Duration.ofSeconds(60));
      stats.instanceRestartMs = (System.nanoTime() - from) / 1_000_000;
      return null;
    }, false).onFailure(e -> stats.error("bench:instance-restart " + e.getMessage())));
  }

  /**
   * Where peer i connects, first to last. Under the instance chaos, peers alternate over every scheduler and go on to
   * the next when theirs is lost; otherwise each kind has its one scheduler.
   */
  private static List<WebSocketConnectOptions> targets(BenchOptions options, List<URI> bases, URI only, int i,
      String path) {
    if (options.chaosInstanceAtS() <= 0) {
      return List.of(target(only, path));
    }
    List<WebSocketConnectOptions> list = new ArrayList<>();
    for (int k = 0; k < bases.size(); k++) {
      list.add(target(bases.get((i + k) % bases.size()), path));
    }
    return list;
  }

  /** CPU time the scheduler processes have used so far, in microseconds. */
  private static long cpuMicros(List<Process> schedulers) {
    return schedulers.stream().mapToLong(p -> p.info().totalCpuDuration().map(d -> d.toNanos() / 1000).orElse(0L))
        .sum();
  }

  /** Requests the schedulers sent to Redis so far (what their /health says), each counted once. */
  private static long storeRequests(URI base, URI nodeBase) throws IOException, InterruptedException {
    long n = health(base).getJsonObject("store").getLong("requests");
    return nodeBase.equals(base) ? n : n + health(nodeBase).getJsonObject("store").getLong("requests");
  }

  private static WebSocketConnectOptions target(URI base, String path) {
    return new WebSocketConnectOptions().setHost(base.getHost()).setPort(base.getPort()).setURI(path);
  }

  private static Process startScheduler(BenchOptions options, int port, BenchRedis redis, String cluster, int n,
      String logSuffix) throws IOException {
    String jar = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
    String gcFlag = switch (options.gc()) {
      case "g1" -> "-XX:+UseG1GC";
      case "serial" -> "-XX:+UseSerialGC";
      case "z" -> "-XX:+UseZGC";
      case "shenandoah" -> "-XX:+UseShenandoahGC";
      default -> "-XX:+UseParallelGC";
    };
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xmx" + options.heap(), "-Xms" + options.heap(), gcFlag,
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "-jar", jar, "scheduler", "--port", String.valueOf(port),
        "--set", "server.maxSessions=" + Math.max(10_000, options.sessions() * 2),
        "--set", "server.maxNodes=" + Math.max(1_000, options.nodes() * 2)));
    if (redis != null) {
      cmd.addAll(List.of("--redis", redis.url()));
    }
    if (cluster != null) {
      cmd.addAll(List.of("--cluster", "--set", "cluster.name=" + cluster));
    }
    // every simulated browser and node comes from this machine's one address
    cmd.addAll(List.of("--set", "server.maxConnectionsPerIp=0"));
    if (options.noRateLimit()) {
      cmd.addAll(List.of("--set", "session.audioRateFactor=1000000", "--set", "session.audioBurstMs=1000000000"));
    }
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File(System.getProperty("java.io.tmpdir"), "parley-bench-scheduler-" + n + logSuffix
            + ".log"))
        .start();
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void awaitHealthy(URI base, Duration within) throws InterruptedException {
    long until = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < until) {
      try {
        health(base);
        return;
      } catch (IOException e) {
        Thread.sleep(200); // polling a process that is still starting: nothing to await but its port
      }
    }
    throw new IllegalStateException("the scheduler at " + base + " did not become healthy within " + within);
  }

  private static JsonObject health(URI base) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://" + base.getHost() + ":" + base.getPort() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
