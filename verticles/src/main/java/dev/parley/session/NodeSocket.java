package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.bus.Ids;
import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.bus.NodeRef;
import dev.parley.codecs.protocol.AsrPartial;
import dev.parley.codecs.protocol.ErrorMessage;
import dev.parley.codecs.protocol.JobAck;
import dev.parley.codecs.protocol.JobResult;
import dev.parley.codecs.protocol.JobStarted;
import dev.parley.codecs.protocol.LanguagePair;
import dev.parley.codecs.protocol.Message;
import dev.parley.codecs.protocol.Messages;
import dev.parley.codecs.protocol.NodeError;
import dev.parley.codecs.protocol.NodeHeartbeat;
import dev.parley.codecs.protocol.NodeRegister;
import dev.parley.codecs.protocol.NodeRegisterAck;
import dev.parley.config.ParleyConfig;
import dev.parley.store.HeartbeatOutcome;
import dev.parley.store.NodeInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker node's socket on {@code /ws/node}: registration, heartbeats, and the node's reports on jobs, which go to
 * the result verticle. Frames for the node arrive on the bus at this connection's own address.
 */
final class NodeSocket {
  private static final Logger LOG = LoggerFactory.getLogger(NodeSocket.class);
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final EventBus bus;
  private final Endpoints endpoints;
  private final ParleyConfig config;
  private final ServerWebSocket ws;
  private final Context context;

  private String nodeId;
  /** What registration put in the store, to write again after the store lost it. */
  private NodeInfo registered;
  private String connId;
  /** Read by the metrics' scrape, on another thread. */
  private volatile NodeInfo.NodeStatus status = NodeInfo.NodeStatus.READY;
  /** Jobs the node said it was running, in its last heartbeat. */
  private int running;
  private MessageConsumer<Message> consumer;
  private long lastBeatMs;
  private boolean registering;
  private boolean draining;
  /** How often a draining socket looks whether its node still has open turns. */
  private static final long DRAIN_POLL_MS = 200;

  NodeSocket(Vertx vertx, Endpoints endpoints, ServerWebSocket ws) {
    this.bus = vertx.eventBus();
    this.endpoints = endpoints;
    this.config = endpoints.config;
    this.ws = ws;
    this.context = vertx.getOrCreateContext();
    this.lastBeatMs = System.currentTimeMillis();
  }

  void onText(String text) {
    if (text.length() > config.server().maxFrameBytes()) {
      error(ErrorCode.FRAME_TOO_LARGE, "frame exceeds " + config.server().maxFrameBytes() + " bytes", null);
      return;
    }
    try {
      handle(Messages.parse(text));
    } catch (ProtocolException e) {
      error(e.code(), e.getMessage(), null);
    } catch (RuntimeException e) {
      LOG.error("node frame failed node_id={}", nodeId, e);
      error(ErrorCode.INTERNAL, "internal error", null);
    }
  }

  void onBinary() {
    error(ErrorCode.UNKNOWN_TYPE, "binary frames are not used on /ws/node", null);
  }

  private void handle(Message message) {
    if (message instanceof NodeRegister r) {
      register(r);
      return;
    }
    if (nodeId == null) {
      throw new ProtocolException(ErrorCode.UNAUTHORIZED, "send node_register first");
    }
    if (message instanceof NodeHeartbeat h) {
      requireNode(h.nodeId());
      heartbeat(h);
    } else if (message instanceof JobAck a) {
      requireNode(a.nodeId());
      report(a, a.jobId());
    } else if (message instanceof JobStarted s) {
      requireNode(s.nodeId());
      report(s, s.jobId());
    } else if (message instanceof JobResult r) {
      requireNode(r.nodeId());
      report(r, r.jobId());
    } else if (message instanceof NodeError e) {
      requireNode(e.nodeId());
      LOG.warn("node error node_id={} code={} message={}", nodeId, e.code(), e.message());
    } else if (message instanceof AsrPartial p) {
      LOG.debug("asr partial node_id={} job_id={}", nodeId, p.jobId()); // optional feature, not forwarded yet
    } else {
      throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "type " + message.type() + " is not accepted on /ws/node");
    }
  }

  private void register(NodeRegister r) {
    if (nodeId != null || registering) {
      throw new ProtocolException(ErrorCode.DUPLICATE, "this socket is registered already");
    }
    if (!tokenMatches(r.token())) {
      LOG.warn("node refused: bad token node_id={} remote={}", r.nodeId(), ws.remoteAddress());
      error(ErrorCode.UNAUTHORIZED, "node token refused", null);
      ws.close();
      return;
    }
    if (endpoints.draining) {
      error(ErrorCode.OVERLOADED, "this instance is shutting down: register on another", null);
      ws.close(SessionSocket.GOING_AWAY, "instance shutting down");
      return;
    }
    String id = r.nodeId() != null ? r.nodeId() : Ids.next("n");
    if (!NODE_ID.matcher(id).matches()) {
      throw new ProtocolException(ErrorCode.BAD_JSON,
          "node_id may hold only letters, digits, '.', '_' and '-', at most 64");
    }
    if (r.maxConcurrentJobs() < 0) {
      throw new ProtocolException(ErrorCode.BAD_JSON, "max_concurrent_jobs must not be negative");
    }
    Set<String> pairs = new HashSet<>();
    for (LanguagePair p : r.languageCapabilities().supportedLanguagePairs()) {
      pairs.add(NodeInfo.pair(p.src(), p.tgt()));
    }
    registering = true;
    String conn = Ids.next("c");
    NodeSocket previous = endpoints.nodes.put(id, this);
    if (previous != null && previous != this) {
      previous.ws.close(); // the node reconnected: its old connection is gone for good
    }
    consumer = bus.consumer(Addresses.node(id, conn), this::toNode);
    long now = System.currentTimeMillis();
    NodeInfo info = new NodeInfo(id, conn, endpoints.instanceId, r.maxConcurrentJobs(), Set.copyOf(pairs),
        NodeInfo.NodeStatus.READY, 0, 0, now);
    consumer.completion()
        .compose(v -> endpoints.store.putNode(info))
        .onSuccess(replaced -> {
          nodeId = id;
          connId = conn;
          registered = info;
          registering = false;
          lastBeatMs = System.currentTimeMillis();
          write(new NodeRegisterAck(id, NodeRegisterAck.READY, config.node().heartbeatIntervalMs()).toJson()
              .encode());
          LOG.info("node registered node_id={} conn_id={} max_jobs={} pairs={}", id, conn, r.maxConcurrentJobs(),
              pairs);
          bus.publish(Addresses.REGISTRY_CHANGED, new NodeRef(id, conn));
          if (replaced != null) {
            // the old connection's instance may have died with it, leaving nobody else to move its turns
            bus.send(Addresses.NODE_LOST, new NodeRef(id, replaced), Addresses.local());
          }
          if (ws.isClosed()) {
            onSocketClosed();
          }
        })
        .onFailure(e -> {
          registering = false;
          LOG.error("node registration failed node_id={}", id, e);
          error(ErrorCode.INTERNAL, "registration failed", null);
          ws.close();
        });
  }

  private boolean tokenMatches(String token) {
    String expected = config.security().nodeToken();
    if (expected == null || expected.isEmpty()) {
      return true;
    }
    return Secrets.matches(token, expected);
  }

  private void heartbeat(NodeHeartbeat h) {
    long now = System.currentTimeMillis();
    lastBeatMs = now;
    // a draining instance keeps its nodes DRAINING, whatever they say, so no instance gives them new turns
    NodeInfo.NodeStatus next = draining ? NodeInfo.NodeStatus.DRAINING : NodeInfo.NodeStatus.fromWire(h.status());
    running = h.resourceUsage() == null ? 0 : h.resourceUsage().runningJobs();
    String id = nodeId;
    String conn = connId;
    Future<HeartbeatOutcome> written = endpoints.store.heartbeat(id, conn, next, running);
    if (next != status) {
      status = next;
      LOG.info("node status node_id={} status={}", id, next);
      NodeRef ref = new NodeRef(id, conn);
      // once written: the instances that read the registry again must find the new status
      written.onComplete(ar -> bus.publish(Addresses.REGISTRY_CHANGED, ref));
    }
    written.onSuccess(outcome -> afterBeat(conn, outcome));
  }

  /** What the registry said of this connection's heartbeat. */
  private void afterBeat(String conn, HeartbeatOutcome outcome) {
    if (nodeId == null || !conn.equals(connId)) {
      return; // the socket closed meanwhile
    }
    if (outcome == HeartbeatOutcome.OTHER_CONNECTION) {
      // the node registered again through another socket: this one is a leftover
      LOG.warn("node heartbeat on a replaced connection node_id={} conn_id={}; closing it", nodeId, conn);
      ws.close();
      onSocketClosed();
    } else if (outcome == HeartbeatOutcome.UNKNOWN_NODE) {
      // dropped while this instance was silent, or lost by the store: the live socket says the node is here
      LOG.warn("node missing from the registry node_id={} conn_id={}; registering it again", nodeId, conn);
      registerAgain();
    }
  }

  /**
   * The store restarted, or this instance rejoined the cluster after the others took it for lost: a heartbeat now, as
   * the node's next would. A registration the registry lost is written again (keeping the node's slots if they
   * survived); one that names another connection makes this socket a leftover, which closes rather than write over
   * the node's newer connection.
   */
  void checkRegistration() {
    context.runOnContext(v -> {
      if (nodeId != null) {
        String conn = connId;
        String id = nodeId;
        endpoints.store.heartbeat(id, conn, status, running).onSuccess(outcome -> afterBeat(conn, outcome))
            .onFailure(e -> LOG.warn("node registration not checked node_id={} conn_id={}: {}", id, conn,
                e.getMessage())); // the node's next heartbeat checks it again
      }
    });
  }

  /** Hands a job report to the result verticle; a refusal goes back to the node with the job id. */
  private void report(Message report, String jobId) {
    bus.request(Addresses.RESULT, report, Addresses.local()).onFailure(e -> {
      ErrorCode code = e instanceof ReplyException re ? ErrorCode.fromBusCode(re.failureCode()) : ErrorCode.INTERNAL;
      error(code, e.getMessage(), new JsonObject().put("job_id", jobId));
    });
  }

  /** A frame for the node from the bus: replies once it is written, which is what "sent" means to dispatch. */
  private void toNode(io.vertx.core.eventbus.Message<Message> m) {
    if (ws.isClosed()) {
      m.fail(ErrorCode.INTERNAL.busCode(), "node socket closed");
      return;
    }
    ws.writeTextMessage(m.body().toJson().encode()).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(null);
      } else {
        m.fail(ErrorCode.INTERNAL.busCode(), "write failed: " + ar.cause().getMessage());
      }
    });
  }

  NodeInfo.NodeStatus status() {
    return status;
  }

  /** This instance is shutting down: the node is marked DRAINING at once, so no instance gives it new turns. */
  void markDraining() {
    context.runOnContext(v -> {
      draining = true;
      if (nodeId == null) {
        return;
      }
      String id = nodeId;
      String conn = connId;
      status = NodeInfo.NodeStatus.DRAINING;
      endpoints.store.heartbeat(id, conn, status, running)
          .onComplete(ar -> bus.publish(Addresses.REGISTRY_CHANGED, new NodeRef(id, conn)));
    });
  }

  /**
   * Once the node has no open turn left (its jobs for other instances' sessions too), or at {@code deadlineMs}, its
   * socket closes as going away and the node reconnects to another instance. A job still open then fails over, as
   * when a node's socket drops.
   */
  Future<Void> releaseWhenIdle(long deadlineMs) {
    Promise<Void> closed = Promise.promise();
    context.runOnContext(v -> {
      if (nodeId == null) {
        ws.close(SessionSocket.GOING_AWAY, "instance shutting down");
        closed.complete();
      } else {
        closeWhenIdle(nodeId, connId, deadlineMs, closed);
      }
    });
    return closed.future();
  }

  private void closeWhenIdle(String id, String conn, long deadlineMs, Promise<Void> closed) {
    endpoints.store.openTurnsOnNode(id, conn).onComplete(ar -> {
      boolean idle = ar.succeeded() && ar.result().isEmpty();
      if (idle || System.currentTimeMillis() >= deadlineMs || ws.isClosed()) {
        LOG.info("node drained node_id={} conn_id={} idle={}", id, conn, idle);
        ws.close(SessionSocket.GOING_AWAY, "instance shutting down");
        closed.complete();
      } else {
        context.owner().setTimer(DRAIN_POLL_MS, t -> closeWhenIdle(id, conn, deadlineMs, closed));
      }
    });
  }

  void onSocketClosed() {
    if (nodeId == null) {
      return;
    }
    String id = nodeId;
    String conn = connId;
    nodeId = null;
    consumer.unregister();
    endpoints.nodes.remove(id, this);
    LOG.warn("node socket closed node_id={} conn_id={}", id, conn);
    endpoints.store.removeNode(id, conn).onComplete(ar -> {
      bus.publish(Addresses.REGISTRY_CHANGED, new NodeRef(id, conn));
      bus.send(Addresses.NODE_LOST, new NodeRef(id, conn), Addresses.local());
    });
  }

  /** Called often by the verticle: a node that stopped beating is lost, whatever its socket says. */
  void tick(long now) {
    if (nodeId != null && now - lastBeatMs > config.node().heartbeatTimeoutMs()) {
      LOG.warn("node missed heartbeats node_id={} silent_ms={}", nodeId, now - lastBeatMs);
      ws.close();
      onSocketClosed(); // at once: a silent peer may never finish the closing handshake
    }
  }

  private void registerAgain() {
    if (nodeId == null) {
      return;
    }
    String id = nodeId;
    String conn = connId;
    endpoints.store.putNode(registered.withUsage(0, 0, status, System.currentTimeMillis())).onSuccess(x -> {
      LOG.info("node re-asserted node_id={} conn_id={}", id, conn);
      bus.publish(Addresses.REGISTRY_CHANGED, new NodeRef(id, conn));
    }).onFailure(e -> LOG.error("node not re-asserted node_id={} conn_id={}: {}", id, conn, e.getMessage()));
  }

  private void requireNode(String id) {
    if (!nodeId.equals(id)) {
      throw new ProtocolException(ErrorCode.WRONG_SESSION, "node_id is not this socket's node");
    }
  }

  private void error(ErrorCode code, String message, JsonObject details) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(ErrorMessage.of(code, message, details).toJson().encode());
    }
  }

  private void write(String frame) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(frame);
    }
  }
}
