package dev.parley;

import ch.qos.logback.classic.LoggerContext;
import dev.parley.cli.Bench;
import dev.parley.cli.Speak;
import dev.parley.cluster.Cluster;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.config.ParleyConfig;
import dev.parley.engine.EngineConfig;
import dev.parley.engine.Engines;
import dev.parley.node.Worker;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.store.LocalStore;
import dev.parley.store.RedisStore;
import dev.parley.store.SchedulerStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar parley.jar COMMAND [options]}: {@code all} (the default: a scheduler and a local node), {@code
 * scheduler}, {@code node}, {@code bench} ({@code bench --node} for a real node and its engines) or {@code speak} (a
 * WAV file streamed to a scheduler, its results printed). Options: {@code
 * --port N}, {@code --config FILE}, {@code --set key=value} for any configuration key; for a scheduler {@code
 * --redis URL} and {@code --cluster}; for a node {@code
 * --scheduler URL}, {@code --engines FILE}, {@code --max-jobs N}.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  /** How long closing Vert.x (and leaving the cluster) may take after the drain. */
  private static final long CLOSE_GRACE_MS = 10_000;

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = rest.isEmpty() || rest.get(0).startsWith("--") ? "all" : rest.remove(0);
    if (command.equals("bench")) {
      Bench.main(rest);
      return;
    }
    if (command.equals("speak")) {
      System.exit(Speak.run(rest, System.out, System.err));
    }
    Map<String, String> overrides = new HashMap<>();
    Path configFile = Path.of("conf/parley.json");
    for (int i = 0; i < rest.size(); i++) {
      String flag = rest.get(i);
      String value = i + 1 < rest.size() ? rest.get(i + 1) : null;
      switch (flag) {
        case "--port" -> overrides.put("server.port", require(flag, value));
        case "--redis" -> overrides.put("store.redis", require(flag, value));
        case "--cluster" -> {
          overrides.put("cluster.enabled", "true");
          i--; // a flag without a value
        }
        case "--scheduler" -> overrides.put("node.scheduler", require(flag, value));
        case "--engines" -> overrides.put("node.engines", require(flag, value));
        case "--max-jobs" -> overrides.put("node.maxJobs", require(flag, value));
        case "--config" -> configFile = Path.of(require(flag, value));
        case "--set" -> {
          String kv = require(flag, value);
          int eq = kv.indexOf('=');
          if (eq < 1) {
            usage("--set needs key=value");
          }
          overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> usage("unknown option " + flag);
      }
      i++;
    }
    if (!List.of("all", "scheduler", "node").contains(command)) {
      usage("unknown command " + command);
    }
    ParleyConfig config = ConfigLoader.load(configFile, System.getenv(), overrides);
    VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
        .setMetricsOptions(SchedulerMetrics.vertxOptions());
    PrometheusMeterRegistry registry = SchedulerMetrics.newRegistry();
    VertxMetricsFactory metrics = new MicrometerMetricsFactory(registry);
    if (config.cluster().enabled()) {
      if (!command.equals("scheduler")) {
        usage("--cluster is for the scheduler command");
      }
      if (!config.store().usesRedis()) {
        usage("a cluster keeps its shared state in Redis: give --redis redis://host:port");
      }
      Cluster.join(config.cluster(), options, metrics).compose(cluster -> {
        BusCodecs.register(cluster.vertx().eventBus());
        return startScheduler(cluster.vertx(), config, cluster, registry);
      }).onFailure(e -> {
        LOG.error("Parley did not join the cluster", e);
        System.exit(1);
      });
      return;
    }
    Vertx vertx = Vertx.builder().with(options).withMetrics(metrics).build();
    BusCodecs.register(vertx.eventBus());
    Future<?> started = switch (command) {
      case "scheduler" -> startScheduler(vertx, config, null, registry);
      case "node" -> startNode(vertx, config).onSuccess(w -> Runtime.getRuntime().addShutdownHook(new Thread(
          () -> shutDown(vertx, "node_id=" + w.registeredId(), config.node().drainTimeoutMs(),
              () -> w.drain(config.node().drainTimeoutMs())), "parley-shutdown")));
      default -> startScheduler(vertx, config, null, registry)
          .compose(port -> startNode(vertx, withLocalScheduler(config, port)));
    };
    started.onFailure(e -> {
      LOG.error("Parley did not start", e);
      vertx.close().onComplete(ar -> System.exit(1));
    });
  }

  /** A scheduler; {@code cluster} is the member it runs on, or null for a single instance. */
  private static Future<Integer> startScheduler(Vertx vertx, ParleyConfig config, Cluster cluster,
      PrometheusMeterRegistry registry) {
    Future<SchedulerStore> store = config.store().usesRedis()
        ? RedisStore.connect(vertx, config.store().redis(), config.session().resumeWindowMs()).map(r -> r)
        : Future.succeededFuture(new LocalStore());
    return store.compose(st -> cluster == null ? Scheduler.deploy(vertx, config, st, registry)
        : Scheduler.deploy(cluster, config, st, registry)).map(s -> {
          LOG.info("Parley scheduler {} ready: ws://localhost:{}/ws/session, nodes on /ws/node (native transport: {},"
              + " cluster: {})", s.instanceId(), s.port(), vertx.isNativeTransportEnabled(), cluster != null);
          long drainMs = config.server().drainTimeoutMs();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(vertx, "instance=" + s.instanceId(), drainMs,
              () -> s.drain(drainMs)), "parley-shutdown"));
          return s.port();
        });
  }

  /**
   * On SIGTERM (or any normal exit): the scheduler or the node drains ({@code who} names it in the logs), then the
   * Vert.x instance closes, leaving the cluster. The JVM waits for this; a second signal, or SIGKILL, cuts it short.
   */
  private static void shutDown(Vertx vertx, String who, long drainTimeoutMs, Supplier<Future<Void>> drain) {
    LOG.info("shutting down {} drain_timeout_ms={}", who, drainTimeoutMs);
    try {
      drain.get().eventually(vertx::close).await(drainTimeoutMs + CLOSE_GRACE_MS, TimeUnit.MILLISECONDS);
      LOG.info("shut down {}", who);
    } catch (TimeoutException e) {
      LOG.warn("shutdown did not finish in time {}", who);
    } catch (RuntimeException e) {
      LOG.warn("shutdown failed {}", who, e);
    } finally {
      // the log is queued: what shutdown wrote goes out before the JVM halts
      ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }
  }

  private static Future<Worker> startNode(Vertx vertx, ParleyConfig config) {
    // loading models blocks: off the event loop
    return vertx.executeBlocking(() -> Engines.open(EngineConfig.read(config.node().engines()),
        config.node().concurrency())).compose(engines -> {
          engines.problems().forEach(p -> LOG.warn("node: {}", p));
          if (engines.capabilities().supportedLanguagePairs().isEmpty()) {
            LOG.warn("node: no language pair can be served; install the engines with scripts/install-engines.sh");
          }
          return Worker.deploy(vertx, config, engines);
        }).onSuccess(w -> LOG.info("Parley node {} started, scheduler {}", w.nodeId(), config.node().scheduler()));
  }

  /**
   * The local node of {@code all} connects to the scheduler beside it; over TLS to {@code localhost}, trusting the
   * scheduler's own certificate (unless node.tlsTrustPath says otherwise), which must then name localhost.
   */
  private static ParleyConfig withLocalScheduler(ParleyConfig c, int port) {
    ParleyConfig.Node n = c.node();
    boolean tls = c.server().tls();
    String url = (tls ? "wss://localhost:" : "ws://127.0.0.1:") + port + "/ws/node";
    return new ParleyConfig(c.server(), c.session(), c.dispatch(), c.timeout(), new ParleyConfig.Node(
        n.heartbeatIntervalMs(), n.heartbeatTimeoutMs(), n.id(), url, n.maxJobs(), n.engines(), n.resultTtlMs(),
        n.turnIdleMs(), n.reconnectMinMs(), n.reconnectMaxMs(),
        tls && n.tlsTrustPath().isEmpty() ? c.server().tlsCertPath() : n.tlsTrustPath(), n.drainTimeoutMs()),
        c.result(), c.group(), c.store(), c.security(), c.cluster());
  }

  private static String require(String flag, String value) {
    if (value == null) {
      usage(flag + " needs a value");
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: java -jar parley.jar [all|scheduler|node] [--port N] [--config FILE] [--set key=value]");
    System.err.println("       scheduler options: --redis redis://host:port (shared state in Redis; default in-process)");
    System.err.println("                          --cluster (join the other instances, conf/cluster.xml; needs --redis)");
    System.err.println("       node options: --scheduler ws://host:port/ws/node[,ws://other:port/ws/node...] [--engines FILE]");
    System.err.println("                     [--max-jobs N] (with several schedulers, a node moves to the next when one goes)");
    System.err.println("       java -jar parley.jar bench [--node] --help");
    System.err.println("       java -jar parley.jar speak FILE.wav --src LANG --tgt LANG [--url URL] [--fast] --help");
    System.exit(2);
  }
}
