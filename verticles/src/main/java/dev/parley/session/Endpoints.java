package dev.parley.session;

import dev.parley.config.ParleyConfig;
import dev.parley.store.SchedulerStore;
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
  final Map<String, SessionSocket> sessions = new ConcurrentHashMap<>();
  final Map<String, NodeSocket> nodes = new ConcurrentHashMap<>();
  final AtomicInteger sessionSockets = new AtomicInteger();
  final AtomicInteger nodeSockets = new AtomicInteger();

  public Endpoints(ParleyConfig config, SchedulerStore store, String instanceId, BooleanSupplier joined) {
    this.config = config;
    this.store = store;
    this.instanceId = instanceId;
    this.joined = joined;
  }

  /** After the store lost state (a Redis restart): every socket here writes again what it owns. */
  public void reassert() {
    sessions.values().forEach(SessionSocket::reassert);
    nodes.values().forEach(NodeSocket::reassert);
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

  public int liveSessions() {
    return sessionSockets.get();
  }

  public int liveNodes() {
    return nodeSockets.get();
  }
}
