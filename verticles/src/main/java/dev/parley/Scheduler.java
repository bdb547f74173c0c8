package dev.parley;

import dev.parley.bus.Addresses;
import dev.parley.bus.Ids;
import dev.parley.cluster.Cluster;
import dev.parley.config.ParleyConfig;
import dev.parley.dispatch.DispatchVerticle;
import dev.parley.group.GroupVerticle;
import dev.parley.ops.AdminVerticle;
import dev.parley.ops.LoadMonitor;
import dev.parley.ops.ObservedStore;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.result.ResultVerticle;
import dev.parley.session.Endpoints;
import dev.parley.session.WebSocketVerticle;
import dev.parley.store.SchedulerStore;
import dev.parley.timeout.TimeoutVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Deploys one scheduler instance's verticles on a Vert.x instance whose codecs are registered. */
public final class Scheduler {
  private final String instanceId;
  private final Endpoints endpoints;
  private final AtomicInteger port = new AtomicInteger();

  private Scheduler(String instanceId, Endpoints endpoints) {
    this.instanceId = instanceId;
    this.endpoints = endpoints;
  }

  /** A scheduler whose meters are its own (with a Vert.x built without metrics, only Parley's). */
  public static Future<Scheduler> deploy(Vertx vertx, ParleyConfig config, SchedulerStore store) {
    return deploy(vertx, config, store, SchedulerMetrics.newRegistry());
  }

  /** A scheduler on its own; {@code registry} is also the one the Vert.x instance reports to, if any. */
  public static Future<Scheduler> deploy(Vertx vertx, ParleyConfig config, SchedulerStore store,
      PrometheusMeterRegistry registry) {
    String instanceId = Ids.next("i");
    return deploy(vertx, config, store, registry, instanceId, instanceId::equals);
  }

  /**
   * A cluster member deploys under its cluster node id, so membership events name the instance that left; {@code
   * isMember} tells whether an instance is in the cluster now.
   */
  private static Future<Scheduler> deploy(Vertx vertx, ParleyConfig config, SchedulerStore shared,
      PrometheusMeterRegistry registry, String instanceId, Predicate<String> isMember) {
    SchedulerMetrics metrics = new SchedulerMetrics(registry);
    SchedulerStore store = new ObservedStore(shared, metrics);
    LoadMonitor load = new LoadMonitor(config.server().overloadLagMs());
    store.onRoundTrip(ms -> load.storeAnswered(ms, System.currentTimeMillis()));
    Scheduler s = new Scheduler(instanceId, new Endpoints(config, store, instanceId,
        () -> isMember.test(instanceId), metrics, load));
    store.onRestart(s.endpoints::reassert);
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      metrics.busSent(delivery.message().isSend());
      delivery.next();
    });
    return vertx.deployVerticle(new GroupVerticle(config))
        .compose(id -> vertx.deployVerticle(new ResultVerticle(config, store, instanceId, isMember, metrics)))
        .compose(id -> vertx.deployVerticle(new TimeoutVerticle(config, store, instanceId, isMember, load)))
        .compose(id -> vertx.deployVerticle(new DispatchVerticle(config, store, metrics, load)))
        // the admin page's reports cost a publish every 2 s: made only where the page is on
        .compose(id -> config.security().adminToken().isEmpty() ? Future.succeededFuture(id)
            : vertx.deployVerticle(new AdminVerticle(instanceId, store, metrics, s.endpoints)))
        .compose(id -> vertx.deployVerticle(() -> {
          WebSocketVerticle v = new WebSocketVerticle(s.endpoints);
          v.onListening(s.port::set);
          return v;
        }, new DeploymentOptions().setInstances(config.server().instances())))
        .map(id -> s);
  }

  /**
   * A scheduler on a cluster member: its instance id is the member's, and the members that leave are reported to
   * its verticles, which drop the nodes those members held. When this member rejoins after a split, its sockets check
   * what the others took meanwhile.
   */
  public static Future<Scheduler> deploy(Cluster cluster, ParleyConfig config, SchedulerStore store) {
    return deploy(cluster, config, store, SchedulerMetrics.newRegistry());
  }

  public static Future<Scheduler> deploy(Cluster cluster, ParleyConfig config, SchedulerStore store,
      PrometheusMeterRegistry registry) {
    Vertx vertx = cluster.vertx();
    return deploy(vertx, config, store, registry, cluster.instanceId(), cluster::isMember).onSuccess(s -> {
      cluster.onMemberLost(
          lost -> vertx.eventBus().publish(Addresses.MEMBER_LOST, lost, Addresses.local()));
      cluster.onRejoined(s.endpoints::recheck);
    });
  }

  /**
   * Graceful shutdown, before the Vert.x instance closes: no new sessions or jobs, running jobs end (their outcomes
   * delivered) or, past {@code timeoutMs}, are left to a resume elsewhere and to failover; see {@link Endpoints#drain}.
   */
  public Future<Void> drain(long timeoutMs) {
    return endpoints.drain(timeoutMs);
  }

  /** The port the sockets listen on (the configured one, or the one chosen for port 0). */
  public int port() {
    return port.get();
  }

  public String instanceId() {
    return instanceId;
  }

  public Endpoints endpoints() {
    return endpoints;
  }
}
