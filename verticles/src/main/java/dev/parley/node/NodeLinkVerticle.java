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
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's link to its scheduler: registers with the languages its engines serve, beats, acknowledges every job on
 * receipt and hands it to the aggregator, writes the aggregator's results, and reconnects with jittered backoff under
 * the same node id. The scheduler moves a node's turns the moment its socket closes, so after a reconnect the
 * aggregator drops the turns it held.
 */
public final class NodeLinkVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeLinkVerticle.class);
  public static final String VERSION = "parley-node/1";
  private static final int MAX_FRAME_BYTES = 16 * 1024 * 1024;

  private final ParleyConfig.Node config;
  private final String token;
  private final LanguageCapabilities capabilities;
  private final URI scheduler;
  private final Random random = new Random();
  /** Jobs received and not yet answered or cancelled: the load the heartbeats report. */
  private final Set<String> running = new HashSet<>();
  private String nodeId;
  private WebSocketClient client;
  private WebSocket ws;
  private boolean registered;
  private boolean draining;
  private boolean stopping;
  private int failedAttempts;
  private long heartbeatTimer = -1;
  private EventBus bus;

  public NodeLinkVerticle(ParleyConfig.Node config, String nodeId, String token, LanguageCapabilities capabilities) {
    this.config = config;
    this.nodeId = nodeId;
    this.token = token;
    this.capabilities = capabilities;
    this.scheduler = URI.create(config.scheduler());
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(MAX_FRAME_BYTES)
        .setMaxMessageSize(MAX_FRAME_BYTES).setTryUsePerMessageCompression(false));
    connect();
    return bus.<JobResult>localConsumer(Addresses.NODE_RESULT, m -> write(m.body())).completion();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return ws == null || ws.isClosed() ? client.close() : ws.close().eventually(() -> client.close());
  }

  /** The id this node registered under (the scheduler's, when it assigned one). */
  public String nodeId() {
    return nodeId;
  }

  private void connect() {
    if (stopping) {
      return;
    }
    int port = scheduler.getPort() > 0 ? scheduler.getPort() : ("wss".equals(scheduler.getScheme()) ? 443 : 80);
    WebSocketConnectOptions target = new WebSocketConnectOptions().setHost(scheduler.getHost()).setPort(port)
        .setSsl("wss".equals(scheduler.getScheme()))
        .setURI(scheduler.getRawPath() == null || scheduler.getRawPath().isEmpty() ? "/ws/node"
            : scheduler.getRawPath());
    client.connect(target).onSuccess(this::opened).onFailure(e -> {
      LOG.warn("node_id={} cannot reach the scheduler at {}: {}", nodeId, scheduler, e.getMessage());
      reconnectLater();
    });
  }

  private void opened(WebSocket socket) {
    ws = socket;
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> closed(socket));
    socket.exceptionHandler(e -> LOG.debug("node_id={} link error: {}", nodeId, e.getMessage()));
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
    running.clear();
    vertx.cancelTimer(heartbeatTimer);
    // the scheduler has moved this node's turns; work still running for them must not answer
    bus.publish(Addresses.NODE_CONTROL, new NodeControl(AggregatorVerticle.RESET, "link closed"));
    if (!stopping) {
      LOG.warn("node_id={} link to {} closed; reconnecting", nodeId, scheduler);
      reconnectLater();
    }
  }

  /** Exponential backoff from reconnectMinMs to reconnectMaxMs, with full jitter so nodes do not return together. */
  private void reconnectLater() {
    long ceiling = Math.min(config.reconnectMaxMs(), config.reconnectMinMs() << Math.min(failedAttempts, 16));
    failedAttempts++;
    long delay = Math.max(1, config.reconnectMinMs() / 2 + (long) (random.nextDouble() * ceiling));
    vertx.setTimer(delay, id -> connect());
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
      running.remove(c.jobId());
      bus.send(Addresses.NODE_CANCEL, c);
    } else if (m instanceof NodeControl c && NodeControl.DRAIN.equals(c.command())) {
      draining = true;
      LOG.info("node_id={} draining: {}", nodeId, c.reason());
      bus.publish(Addresses.NODE_CONTROL, c);
      beat();
    } else if (m instanceof ErrorMessage e) {
      LOG.warn("node_id={} scheduler error {}: {}", nodeId, e.code(), e.message());
    } else {
      LOG.debug("node_id={} ignored {}", nodeId, m.type());
    }
  }

  private void registered(NodeRegisterAck ack) {
    registered = true;
    failedAttempts = 0;
    if (ack.nodeId() != null && !ack.nodeId().isEmpty()) {
      nodeId = ack.nodeId();
    }
    long interval = ack.heartbeatIntervalMs() > 0 ? ack.heartbeatIntervalMs() : config.heartbeatIntervalMs();
    vertx.cancelTimer(heartbeatTimer);
    heartbeatTimer = vertx.setPeriodic(interval, id -> beat());
    LOG.info("node_id={} registered at {} pairs={}", nodeId, scheduler, capabilities.supportedLanguagePairs());
  }

  private void assigned(JobAssign a) {
    running.add(a.jobId());
    write(new JobAck(a.jobId(), a.attemptId(), nodeId, a.sessionId()).toJson().encode());
    bus.send(Addresses.NODE_JOB, a);
  }

  private void write(JobResult result) {
    running.remove(result.jobId());
    if (ws == null) {
      return; // the socket closed: the scheduler has moved the job
    }
    write(result.toJson().encode());
  }

  private void write(String frame) {
    WebSocket socket = ws;
    if (socket != null && !socket.isClosed()) {
      socket.writeTextMessage(frame).onFailure(e -> LOG.debug("node_id={} write failed: {}", nodeId,
          e.getMessage()));
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
    return new ResourceUsage(Math.round(cpu * 10) / 10.0, Math.round(mem * 10) / 10.0, null, running.size());
  }
}
