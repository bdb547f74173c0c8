package dev.parley.session;

import dev.parley.config.ParleyConfig;
import dev.parley.ops.LoadMonitor;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.store.NodeInfo;
import dev.parley.store.SchedulerStore;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * What the sockets of one process share, across the instances of WebSocketVerticle: configuration, the store, and
 * the live sockets by session and node id (a resume or a reconnect may land on another event loop).
 */
public final class Endpoints {
  final ParleyConfig config;
  final SchedulerStore store;
  final String instanceId;
  /** Whether this instance is in its cluster now (always, for one on its own). */
  final BooleanSupplier joined;
  final SchedulerMetrics metrics;
  final Map<String, SessionSocket> sessions = new ConcurrentHashMap<>();
  final Map<String, NodeSocket> nodes = new ConcurrentHashMap<>();
  final AtomicInteger sessionSockets = new AtomicInteger();
  final AtomicInteger nodeSockets = new AtomicInteger();
  /** Open sockets by remote address, across the socket verticle's instances. */
  private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
  /** Shutting down: no new sockets or sessions, and /ready says so. */
  volatile boolean draining;
  /** Behind on its work: no new sessions for a while (and /ready says so), and only a share of new turns. */
  final LoadMonitor load;

  public Endpoints(ParleyConfig config, SchedulerStore store, String instanceId, BooleanSupplier joined,
      SchedulerMetrics metrics, LoadMonitor load) {
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
    this.joined = joined;
    this.metrics = metrics;
    this.load = load;
    metrics.watchSockets(this::liveSessions, this::nodeStatuses);
    metrics.watchLoad(() -> load.overloaded(System.currentTimeMillis()), load::admittedShare);
  }

  /**
   * After the store lost state (a Redis restart): every session here writes again what it owns, and every node checks
   * its registration, writing it again where it was lost.
   */
  public void reassert() {
    sessions.values().forEach(SessionSocket::reassert);
    nodes.values().forEach(NodeSocket::checkRegistration);
  }

  /**
   * After the others took this instance for lost (it rejoined the cluster after a split): a session whose lease
   * another instance took closes its socket, so its browser resumes there; a node checks its registration, as its next
   * heartbeat would.
   */
  public void recheck() {
    sessions.values().forEach(SessionSocket::checkLease);
    nodes.values().forEach(NodeSocket::checkRegistration);
  }

  /**
   * A graceful shutdown: no new sockets or sessions; each session's open utterance is cut, its outcomes delivered and
   * the session detached, resumable on another instance; then each node, once it has no open turn, is let go to
   * reconnect elsewhere. Completes once all that is done, or by {@code timeoutMs}.
   */
  public Future<Void> drain(long timeoutMs) {
    draining = true;
    long deadline = System.currentTimeMillis() + timeoutMs;
    List<Future<Void>> drained = sessions.values().stream().map(s -> s.drain(timeoutMs)).toList();
    // the nodes stay READY until then: the sessions' last cuts may need one of them
    return Future.join(drained).transform(ar -> {
      nodes.values().forEach(NodeSocket::markDraining);
      List<Future<Void>> released = nodes.values().stream().map(n -> n.releaseWhenIdle(deadline)).toList();
      return Future.join(released).<Void>mapEmpty();
    });
  }

  /** Counts a socket from {@code address}; false, counting nothing, when the address is at its limit. */
  boolean admit(String address) {
    int limit = config.server().maxConnectionsPerIp();
    boolean[] admitted = {false};
    perAddress.compute(address, (a, open) -> {
      int now = open == null ? 0 : open;
      if (limit > 0 && now >= limit) {
        return open;
      }
      admitted[0] = true;
      return now + 1;
    });
    return admitted[0];
  }

  /** A socket admitted from {@code address} closed. */
  void release(String address) {
    perAddress.computeIfPresent(address, (a, open) -> open <= 1 ? null : open - 1);
  }

  /** Whether this instance is shutting down. */
  public boolean draining() {
    return draining;
  }

  public int liveSessions() {
    return sessionSockets.get();
  }

  public int liveNodes() {
    return nodeSockets.get();
  }

  /** The status of each registered node on this instance. */
  public List<NodeInfo.NodeStatus> nodeStatuses() {
    return nodes.values().stream().map(NodeSocket::status).toList();
  }
}
