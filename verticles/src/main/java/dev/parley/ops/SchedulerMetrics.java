package dev.parley.ops;

import dev.parley.store.JobState;
import dev.parley.store.NodeInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one scheduler instance, in Prometheus names on {@code /metrics}: jobs by terminal state, failovers,
 * reports dropped, dispatch and result latency, turn placements, sessions and nodes, store round trips. Counters count
 * what this instance did; in a cluster, sum them over the instances.
 */
public final class SchedulerMetrics {
  /** Why a node's report changed nothing. */
  public enum Dropped { STALE, DUPLICATE }

  /** What placing a turn found: a node with room (its slot reserved), or none among the candidates. */
  public enum Placement { RESERVED, NO_ROOM }

  private static final Duration LATENCY_MIN = Duration.ofMillis(1);
  private static final Duration LATENCY_MAX = Duration.ofSeconds(120);
  /** The window of the latency percentiles the admin page shows: recent enough to see a change within seconds. */
  private static final Duration PERCENTILE_WINDOW = Duration.ofSeconds(30);
  private static final double[] PERCENTILES = {0.5, 0.99};

  /** A latency's recent percentiles (milliseconds) and how many were recorded since the start. */
  public record Latency(double p50Ms, double p99Ms, long count) {}

  /** What this instance counted: jobs made and ended (by state), failovers, and its two latencies. */
  public record View(long jobsCreated, Map<JobState, Long> jobsEnded, long failovers, long storeRequests,
      Latency dispatch, Latency result) {}

  private final PrometheusMeterRegistry registry;
  private final Map<JobState, Counter> ended = new EnumMap<>(JobState.class);
  private final Map<Dropped, Counter> dropped = new EnumMap<>(Dropped.class);
  private final Map<Placement, Counter> placements = new EnumMap<>(Placement.class);
  private final Counter failovers;
  private final Counter created;
  private final Counter shed;
  private final Counter busSends;
  private final Counter busPublishes;
  private final Timer dispatchLatency;
  private final Timer resultLatency;
  private final Timer storeLatency;
  private final Map<String, Timer> storeCalls = new ConcurrentHashMap<>();

  public SchedulerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    for (JobState s : JobState.values()) {
      if (s.isTerminal()) {
        ended.put(s, Counter.builder("parley.jobs.ended").description("Jobs that ended, by terminal state")
            .tag("state", s.name()).register(registry));
      }
    }
    for (Dropped d : Dropped.values()) {
      dropped.put(d, Counter.builder("parley.reports.dropped")
          .description("Node reports (acks, results) that changed nothing, by why").tag("reason", d.name())
          .register(registry));
    }
    for (Placement p : Placement.values()) {
      placements.put(p, Counter.builder("parley.placements")
          .description("Turns placed on a node (a slot reserved there), or finding no room").tag("outcome", p.name())
          .register(registry));
    }
    created = Counter.builder("parley.jobs.created").description("Jobs made from the sessions' audio")
        .register(registry);
    shed = Counter.builder("parley.jobs.shed")
        .description("Jobs of new turns refused at once while the instance ran behind, never stored")
        .register(registry);
    failovers = Counter.builder("parley.failovers").description("Jobs sent back to placement with a new attempt")
        .register(registry);
    busSends = busCounter("send");
    busPublishes = busCounter("publish");
    dispatchLatency = latency("parley.dispatch.latency", "From a job's creation to its job_assign written to a node");
    resultLatency = latency("parley.result.latency", "From a job's creation to its node's result");
    storeLatency = Timer.builder("parley.store.latency").description("Every call to the shared store, to its answer")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(5)).register(registry);
  }

  private Counter busCounter(String kind) {
    return Counter.builder("parley.bus.sent").description("Messages this instance put on the event bus, by kind")
        .tag("kind", kind).register(registry);
  }

  private Timer latency(String name, String description) {
    return Timer.builder(name).description(description).publishPercentileHistogram()
        .publishPercentiles(PERCENTILES).distributionStatisticExpiry(PERCENTILE_WINDOW)
        .minimumExpectedValue(LATENCY_MIN).maximumExpectedValue(LATENCY_MAX).register(registry);
  }

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Vert.x's JVM meters (memory, GC, threads), into the same registry. Its other meters are off: socket and
   * event-bus meters time every read, write and message, which cost a sixth of the throughput on two cores (the
   * sockets that matter are counted as sessions and nodes, and {@link #busSent} counts messages for a fraction of
   * that), and its pool meters register one gauge per pool twice over.
   */
  public static MicrometerMetricsOptions vertxOptions() {
    MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true);
    for (MetricsDomain d : MetricsDomain.values()) {
      options.addDisabledMetricsCategory(d);
    }
    return options;
  }

  /** Every meter in the Prometheus text format. */
  public String scrape() {
    return registry.scrape();
  }

  /** What this instance counted so far, with latency percentiles over the last half minute or so. */
  public View view() {
    Map<JobState, Long> ends = new EnumMap<>(JobState.class);
    ended.forEach((state, c) -> ends.put(state, (long) c.count()));
    FunctionCounter store = registry.find("parley.store.requests").functionCounter();
    return new View((long) created.count(), ends, (long) failovers.count(), store == null ? 0 : (long) store.count(),
        latency(dispatchLatency), latency(resultLatency));
  }

  private static Latency latency(Timer timer) {
    double p50 = 0;
    double p99 = 0;
    for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
      if (v.percentile() == 0.5) {
        p50 = v.value(TimeUnit.MILLISECONDS);
      } else if (v.percentile() == 0.99) {
        p99 = v.value(TimeUnit.MILLISECONDS);
      }
    }
    return new Latency(p50, p99, timer.count());
  }

  public void jobCreated() {
    created.increment();
  }

  /** A job refused while the instance was overloaded: it ended as missing_result, never stored. */
  public void jobShed() {
    shed.increment();
  }

  public void jobEnded(JobState state) {
    Counter c = ended.get(state);
    if (c != null) {
      c.increment();
    }
  }

  /** A message went on the event bus: a point-to-point send (or request), else a publish. */
  public void busSent(boolean pointToPoint) {
    (pointToPoint ? busSends : busPublishes).increment();
  }

  public void failover() {
    failovers.increment();
  }

  public void reportDropped(Dropped why) {
    dropped.get(why).increment();
  }

  public void placement(Placement outcome) {
    placements.get(outcome).increment();
  }

  /** A job's job_assign was written {@code ms} after the job was made (clocks of store and instance may differ). */
  public void dispatched(long ms) {
    dispatchLatency.record(Duration.ofMillis(Math.max(0, ms)));
  }

  public void resulted(long ms) {
    resultLatency.record(Duration.ofMillis(Math.max(0, ms)));
  }

  /** Live sockets of this instance, and how many of its nodes are in each status. */
  public void watchSockets(Supplier<Integer> sessions, Supplier<Collection<NodeInfo.NodeStatus>> nodeStatuses) {
    Gauge.builder("parley.sessions", () -> sessions.get()).description("Browser sockets on this instance")
        .register(registry);
    for (NodeInfo.NodeStatus s : NodeInfo.NodeStatus.values()) {
      Gauge.builder("parley.nodes", () -> nodeStatuses.get().stream().filter(s::equals).count())
          .description("Node sockets on this instance, by status").tag("status", s.name()).register(registry);
    }
  }

  /**
   * A store call answered after {@code nanos}: counted by operation (count, total and max), and in one histogram of
   * every call, whose percentiles show a store that is slow to answer.
   */
  public void storeCall(String operation, long nanos) {
    storeCalls.computeIfAbsent(operation, op -> Timer.builder("parley.store.calls")
        .description("Calls to the shared store by operation, from the call to its answer").tag("op", op)
        .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    storeLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * 1 while the instance refuses new sessions because its socket event loops run late (see LoadMonitor), else 0; and
   * the share of new turns it admits.
   */
  public void watchLoad(BooleanSupplier overloaded, DoubleSupplier admittedShare) {
    Gauge.builder("parley.overloaded", () -> overloaded.getAsBoolean() ? 1 : 0)
        .description("1 while this instance refuses new sessions, its socket event loops or its store running late")
        .register(registry);
    Gauge.builder("parley.turns.admitted.share", admittedShare::getAsDouble)
        .description(
            "The share of new turns this instance takes, below 1 while its socket event loops or its store run late")
        .register(registry);
  }

  /** Requests this instance sent to its store (Redis round trips; 0 for the in-process store). */
  public <T> void watchStore(T store, ToDoubleFunction<T> requests) {
    FunctionCounter.builder("parley.store.requests", store, requests)
        .description("Requests sent to the shared store").register(registry);
  }
}
