package dev.parley.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.TcpIpConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.LifecycleEvent;
import dev.parley.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of the scheduler cluster: a clustered Vert.x on Hazelcast, configured from {@code cluster.config} (the
 * copy in the jar when that file is absent). The member's Hazelcast id is the instance id of the scheduler it runs,
 * so a membership event names the instance that left.
 */
public final class Cluster {
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
  /** Where vertx-hazelcast keeps a member's Vert.x node id. */
  private static final String VERTX_NODE_ID = "__vertx.nodeId";

  private final Vertx vertx;
  private final HazelcastClusterManager manager;

  private Cluster(Vertx vertx, HazelcastClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
  }

  public static Future<Cluster> join(ParleyConfig.Cluster settings, VertxOptions options) {
    return join(settings, options, null);
  }

  /** Joins with Vert.x's meters reported through {@code metrics} (null: none). */
  public static Future<Cluster> join(ParleyConfig.Cluster settings, VertxOptions options,
      VertxMetricsFactory metrics) {
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(hazelcastConfig(settings));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    VertxBuilder builder = Vertx.builder().with(options).withClusterManager(manager);
    if (metrics != null) {
      builder.withMetrics(metrics);
    }
    return builder.buildClustered()
        .map(vertx -> {
          LOG.info("joined cluster {} as instance={} members={}", settings.name(), manager.getNodeId(),
              manager.getNodes().size());
          return new Cluster(vertx, manager);
        });
  }

  static Config hazelcastConfig(ParleyConfig.Cluster settings) {
    Config config = new XmlConfigBuilder(new ByteArrayInputStream(read(settings.config()))).build();
    config.setClusterName(settings.name());
    // the scheduler's own shutdown drains first and leaves the cluster last, when the Vert.x instance closes
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    if (!settings.members().isEmpty()) {
      TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
      tcp.setMembers(settings.members());
    }
    if (!settings.host().isBlank()) {
      config.getNetworkConfig().getInterfaces().setInterfaces(List.of(settings.host()));
    }
    return config;
  }

  private static byte[] read(String file) {
    try {
      Path path = Path.of(file);
      if (Files.isRegularFile(path)) {
        return Files.readAllBytes(path);
      }
      try (InputStream in = Cluster.class.getResourceAsStream("/cluster.xml")) {
        if (in == null) {
          throw new IllegalStateException(file + " not found, and no cluster.xml in the jar");
        }
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** This member's id, which is also the id of the scheduler instance it runs. */
  public String instanceId() {
    return manager.getNodeId();
  }

  /** Whether the instance is a member of the cluster now. */
  public boolean isMember(String instanceId) {
    return manager.getNodes().contains(instanceId);
  }

  /** The handler gets the id of each member that leaves, on a Hazelcast thread. */
  public void onMemberLost(Consumer<String> handler) {
    manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        LOG.info("cluster member joined instance={}", instanceOf(event));
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        String lost = instanceOf(event);
        LOG.warn("cluster member left instance={} address={}", lost, event.getMember().getAddress());
        if (lost != null) {
          handler.accept(lost);
        }
      }
    });
  }

  /**
   * The handler runs, on a Hazelcast thread, each time this member rejoins the cluster after a split (Hazelcast's
   * MERGED): meanwhile the others took it for lost and took over what it held.
   */
  public void onRejoined(Runnable handler) {
    manager.getHazelcastInstance().getLifecycleService().addLifecycleListener(event -> {
      if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
        LOG.warn("this member rejoined the cluster after a split instance={}", instanceId());
        handler.run();
      }
    });
  }

  /** The Vert.x node id, which the cluster manager keeps as an attribute of each Hazelcast member. */
  private static String instanceOf(MembershipEvent event) {
    return event.getMember().getAttribute(VERTX_NODE_ID);
  }

  /**
   * Waits until the partitions this member owns have their backups on another member, so its loss now loses no
   * cluster data (the event bus's subscriptions among it), as in a cluster that has run a while: for tests of member
   * loss right after the cluster formed. False when that did not happen within {@code timeoutMs}.
   */
  public boolean syncBackups(long timeoutMs) {
    return manager.getHazelcastInstance().getPartitionService().forceLocalMemberToBeSafe(timeoutMs,
        TimeUnit.MILLISECONDS);
  }

  /** Leaves the cluster without a goodbye, as a killed process would: for tests of member loss. */
  public void terminate() {
    manager.getHazelcastInstance().getLifecycleService().terminate();
  }
}
