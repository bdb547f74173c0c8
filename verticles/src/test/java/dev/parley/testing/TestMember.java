package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.Scheduler;
import dev.parley.cluster.Cluster;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.config.ParleyConfig;
import dev.parley.store.RedisStore;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;

/** A scheduler on its own clustered Vert.x (Hazelcast on loopback) with a RedisStore: one member of a test cluster. */
public final class TestMember implements AutoCloseable {
  public final Cluster cluster;
  public final RedisStore store;
  public final Scheduler scheduler;
  private boolean closed;

  private TestMember(Cluster cluster, RedisStore store, Scheduler scheduler) {
    this.cluster = cluster;
    this.store = store;
    this.scheduler = scheduler;
  }

  /** Joins the cluster {@code name}; members start one after another, so call this in turn for each. */
  public static TestMember start(String name, String redisUrl, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>();
    all.put("server.port", "0");
    all.put("server.instances", "1");
    all.put("timeout.sweepMs", "20");
    all.put("server.overloadLagMs", "0"); // a GC pause on a busy test machine must not refuse a test's session
    all.put("cluster.enabled", "true");
    all.put("cluster.name", name);
    all.put("cluster.config", "../conf/cluster.xml");
    all.put("store.redis", redisUrl);
    all.putAll(settings);
    ParleyConfig config = ConfigLoader.load(null, Map.of(), all);
    Cluster cluster = Await.result(Cluster.join(config.cluster(), new VertxOptions().setEventLoopPoolSize(2)));
    BusCodecs.register(cluster.vertx().eventBus());
    RedisStore store = Await.result(RedisStore.connect(cluster.vertx(), redisUrl));
    Scheduler scheduler = Await.result(Scheduler.deploy(cluster, config, store));
    return new TestMember(cluster, store, scheduler);
  }

  public int port() {
    return scheduler.port();
  }

  public String instanceId() {
    return scheduler.instanceId();
  }

  /**
   * Dies as a killed process would: it leaves Hazelcast without a goodbye and loses Redis before its sockets close,
   * so nothing it would do on the way out reaches the others.
   */
  public void kill() {
    closed = true;
    // a member killed before its partitions were backed up would take the others' subscriptions with it
    assertThat(cluster.syncBackups(30_000)).as("partitions backed up before the kill").isTrue();
    cluster.terminate();
    Await.result(store.close());
    Await.result(cluster.vertx().close());
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Await.result(cluster.vertx().close());
    }
  }
}
