package dev.parley.node;

import dev.parley.bus.Addresses;
import dev.parley.codecs.ProtocolException;
import dev.parley.codecs.protocol.ErrorMessage;
import dev.parley.codecs.protocol.JobAck;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.JobResult;
import dev.parley.codecs.protocol.LanguageCapabilities;
import dev.parley.codecs.protocol.Message;
import dev.parley.codecs.protocol.Messages;
import dev.parley.codecs.protocol.NodeControl;
import dev.parley.codecs.protocol.NodeHeartbeat;
import dev.parley.codecs.protocol.NodeRegister;
import dev.parley.codecs.protocol.NodeRegisterAck;
import dev.parley.codecs.protocol.ResourceUsage;
import dev.parley.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's link to its scheduler: registers with the languages its engines serve, beats, acknowledges every job on
 * receipt and hands it to the aggregator, writes the aggregator's results, and reconnects with jittered backoff under
 * the same node id, to the next scheduler of {@code node.scheduler} when it lists several. The scheduler moves a
 * node's turns the moment its socket closes, so after a reconnect the aggregator drops the turns it held.
 *
 * <p>Frames are checked against the {@link AttemptLedger}: a repeated or older job_assign is ignored, a cancel or a
 * result counts only for the attempt held.
 */
public final class NodeLinkVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinkVerticle.class);
  public static final String VERSION = "parley-node/1";
  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;
  /** How often a draining node looks whether its last job was answered: the ledger has no event for it. */
  private static final long DRAIN_POLL_MS = 50;
  private static final short GOING_AWAY = 1001;

  private final ParleyConfig.Node config;
  private final String token;
  private final LanguageCapabilities capabilities;
  private final SchedulerTargets schedulers;
  private final ReconnectBackoff backoff;
  /** The attempts held, whose count is the load the heartbeats report. */
  private final AttemptLedger attempts = new AttemptLedger();
  private String nodeId;
  private WebSocketClient client;
  private WebSocket ws;
  private boolean registered;
  private boolean draining;
  private boolean stopping;
  /** The scheduler of the open socket, for the logs. */
  private URI connectedTo;
  private long heartbeatTimer = -1;
  private EventBus bus;

  public NodeLinkVerticle(ParleyConfig.Node config, String nodeId, String token, LanguageCapabilities capabilities) {
    this.config = config;
    this.nodeId = nodeId;
    this.token = token;
    this.capabilities = capabilities;
    this.schedulers = SchedulerTargets.parse(config.scheduler());
    this.backoff = new ReconnectBackoff(config.reconnectMinMs(), config.reconnectMaxMs(), new Random()::nextDouble);
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(MAX_FRAME_BYTES)
        .setMaxMessageSize(MAX_FRAME_BYTES).setTryUsePerMessageCompression(false);
    if (!config.tlsTrustPath().isEmpty()) {
      // a scheduler whose certificate the JVM's own trust store does not know (one of the operator's own CA)
      options.setTrustOptions(new PemTrustOptions().addCertPath(config.tlsTrustPath()));
    }
    client = vertx.createWebSocketClient(options);
    connect();
    return bus.<JobResult>localConsumer(Addresses.NODE_RESULT, m -> write(m.body())).completion();
  }

  @Override
  public Future<Void> stop() {
    stopping = true;
    return ws == null || ws.isClosed() ? client.close()
        : ws.close(GOING_AWAY, "node stopping").eventually(() -> client.close());
  }

  /**
   * Stops the node gracefully: it reports itself draining, so no scheduler gives it a new turn, takes no new turn
   * from an assignment already on its way, finishes the jobs it holds, and then closes its link with 1001 for good.
   * A turn still open then (its next segment not yet cut) moves to another node when the link closes, as does what
   * is left unanswered at {@code timeoutMs}.
   */
  public Future<Void> drain(long timeoutMs) {
    Promise<Void> drained = Promise.promise();
    context.runOnContext(v -> {
      draining = true;
      LOG.info("node_id={} draining to stop held_jobs={} timeout_ms={}", nodeId, attempts.heldCount(), timeoutMs);
      bus.publish(Addresses.NODE_CONTROL, new NodeControl(NodeControl.DRAIN, "node stopping"), Addresses.local());
      beat();
      long until = System.currentTimeMillis() + timeoutMs;
      awaitIdle(until, drained);
    });
    return drained.future().compose(v -> stop());
  }

  private void awaitIdle(long until, Promise<Void> drained) {
    int held = attempts.heldCount();
    if (held == 0 || System.currentTimeMillis() >= until || !registered) {
      if (held > 0) {
        LOG.warn("node_id={} stops with jobs unanswered held_jobs={}", nodeId, held);
      } else {
        LOG.info("node_id={} drained", nodeId);
      }
      drained.complete();
      return;
    }
    vertx.setTimer(DRAIN_POLL_MS, id -> awaitIdle(until, drained));
  }

  /** The id this node registered under (the scheduler's, when it assigned one). */
  public String nodeId() {
    return nodeId;
  }

  private void connect() {
    if (stopping) {
      return;
    }
    URI target = schedulers.current();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.getHost())
        .setPort(SchedulerTargets.port(target)).setSsl(SchedulerTargets.secure(target))
        .setURI(SchedulerTargets.path(target));
    client.connect(options).onSuccess(socket -> opened(socket, target)).onFailure(e -> {
      URI next = schedulers.advance();
      LOG.warn("node_id={} cannot reach the scheduler at {}: {}; next attempt to {}", nodeId, target,
          e.getMessage(), next);
      reconnectLater();
    });
  }

  private void opened(WebSocket socket, URI target) {
    if (stopping) {
      socket.close();
      return;
    }
    ws = socket;
    connectedTo = target;
    LOG.info("node_id={} connected to the scheduler at {}", nodeId, target);
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> closed(socket));
    socket.exceptionHandler(e -> LOG.debug("node_id={} link error with {}: {}", nodeId, target, e.getMessage()));
    socket.writeTextMessage(new NodeRegister(nodeId, VERSION, System.getProperty("os.name"), token,
        config.concurrency(), capabilities, new JsonObject().put(NodeRegister.SEMANTIC_REPAIR, false))
        .toJson().encode());
  }

  private void closed(WebSocket socket) {
    if (socket != ws) {
      return;
    }
    ws = null;
    registered = false;
    attempts.releaseAll();
    vertx.cancelTimer(heartbeatTimer);
    if (!stopping) {
      // the scheduler has moved this node's turns; work still running for them must not answer (a node that stops
      // answers nothing more anyway, and its aggregator may be gone already)
      bus.publish(Addresses.NODE_CONTROL, new NodeControl(AggregatorVerticle.RESET, "link closed"), Addresses.local());
      // the instance that closed the socket may be going away: the next attempt goes to the next scheduler
      URI next = schedulers.advance();
      LOG.warn("node_id={} link to {} closed; reconnecting to {}", nodeId, connectedTo, next);
      reconnectLater();
    }
  }

  private void reconnectLater() {
    vertx.setTimer(backoff.nextDelayMs(), id -> connect());
  }

  private void onText(String text) {
    Message m;
    try {
      m = Messages.parse(text);
    } catch (ProtocolException e) {
      LOG.warn("node_id={} bad frame from the scheduler: {}", nodeId, e.getMessage());
      return;
    }
    if (m instanceof NodeRegisterAck ack) {
      registered(ack);
    } else if (m instanceof JobAssign a) {
      assigned(a);
    } else if (m instanceof JobCancel c) {
      cancelled(c);
    } else if (m instanceof NodeControl c && NodeControl.DRAIN.equals(c.command())) {
      draining = true;
      LOG.info("node_id={} draining: {}", nodeId, c.reason());
      bus.publish(Addresses.NODE_CONTROL, c, Addresses.local());
      beat();
    } else if (m instanceof ErrorMessage e) {
      LOG.warn("node_id={} scheduler error {}: {}", nodeId, e.code(), e.message());
    } else {
      LOG.debug("node_id={} ignored {}", nodeId, m.type());
    }
  }

  private void registered(NodeRegisterAck ack) {
    registered = true;
    backoff.reset();
    if (ack.nodeId() != null && !ack.nodeId().isEmpty()) {
      nodeId = ack.nodeId();
    }
    long interval = ack.heartbeatIntervalMs() > 0 ? ack.heartbeatIntervalMs() : config.heartbeatIntervalMs();
    vertx.cancelTimer(heartbeatTimer);
    heartbeatTimer = vertx.setPeriodic(interval, id -> beat());
    LOG.info("node_id={} registered at {} pairs={}", nodeId, connectedTo, capabilities.supportedLanguagePairs());
  }

  private void assigned(JobAssign a) {
    int seen = attempts.latestAttempt(a.jobId()).orElse(0);
    switch (attempts.assign(a.jobId(), a.attemptId(), TurnBuffer.key(a))) {
      case REPEAT -> {
        LOG.warn("repeated job_assign ignored trace_id={} job_id={} attempt_id={} turn_id={} node_id={}",
            a.traceId(), a.jobId(), a.attemptId(), a.turnId(), nodeId);
        return;
      }
      case STALE -> {
        LOG.warn("job_assign of an older attempt ignored trace_id={} job_id={} attempt_id={} turn_id={} node_id={}"
            + " latest_attempt_id={}", a.traceId(), a.jobId(), a.attemptId(), a.turnId(), nodeId, seen);
        return;
      }
      case SUPERSEDES -> LOG.info("job_assign replaces an earlier attempt trace_id={} job_id={} attempt_id={}"
          + " turn_id={} node_id={} replaced_attempt_id={}", a.traceId(), a.jobId(), a.attemptId(), a.turnId(),
          nodeId, seen);
      case NEW -> { }
    }
    write(new JobAck(a.jobId(), a.attemptId(), nodeId, a.sessionId()).toJson().encode());
    bus.send(Addresses.NODE_JOB, a, Addresses.local());
  }

  private void cancelled(JobCancel c) {
    if (attempts.cancel(c.jobId(), c.attemptId())) {
      bus.send(Addresses.NODE_CANCEL, c, Addresses.local());
    } else {
      LOG.info("job_cancel for an attempt not held ignored job_id={} attempt_id={} node_id={} reason={}"
          + " latest_attempt_id={}", c.jobId(), c.attemptId(), nodeId, c.reason(),
          attempts.latestAttempt(c.jobId()).orElse(0));
    }
  }

  private void write(JobResult result) {
    if (!attempts.answer(result.jobId(), result.attemptId())) {
      // cancelled, replaced by a later attempt, or moved when the link closed: the scheduler has moved the job
      LOG.debug("result of an attempt no longer held dropped trace_id={} job_id={} attempt_id={} node_id={}",
          result.traceId(), result.jobId(), result.attemptId(), nodeId);
      return;
    }
    write(result.toJson().encode());
  }

  private void write(String frame) {
    WebSocket socket = ws;
    if (socket != null && !socket.isClosed()) {
      socket.writeTextMessage(frame).onFailure(e -> LOG.debug("node_id={} write to {} failed: {}", nodeId,
          connectedTo, e.getMessage()));
    }
  }

  private void beat() {
    if (!registered) {
      return;
    }
    write(new NodeHeartbeat(nodeId, System.currentTimeMillis(), usage(),
        draining ? NodeHeartbeat.DRAINING : NodeHeartbeat.READY).toJson().encode());
  }

  private ResourceUsage usage() {
    double cpu = 0;
    double mem = 0;
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      cpu = Math.max(0, os.getCpuLoad() * 100);
      long total = os.getTotalMemorySize();
      mem = total > 0 ? 100.0 * (total - os.getFreeMemorySize()) / total : 0;
    }
    return new ResourceUsage(Math.round(cpu * 10) / 10.0, Math.round(mem * 10) / 10.0, null, attempts.heldCount());
  }
}
