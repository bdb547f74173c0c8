package dev.parley.session;

import dev.parley.bus.Addresses;
import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.protocol.ErrorMessage;
import dev.parley.ops.LoadMonitor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's sockets: browsers on {@code /ws/session}, nodes on {@code /ws/node}; over plain HTTP {@code /health}
 * (alive), {@code /ready} (able to take work), {@code /metrics} (Prometheus), {@code /api/languages} and the browser
 * client at {@code /}. Several
 * instances share the port; each owns the sockets it accepted and ticks their timers.
 */
public final class WebSocketVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketVerticle.class);
  public static final String SESSION_PATH = "/ws/session";
  public static final String NODE_PATH = "/ws/node";
  public static final String LANGUAGES_PATH = "/api/languages";
  public static final String METRICS_PATH = "/metrics";
  public static final String ADMIN_PATH = "/admin";
  public static final String ADMIN_STATE_PATH = "/admin/state";
  private static final String ADMIN_PAGE = "/admin.html";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final long TICK_MS = 100;
  /** How far above server.maxFrameBytes the socket layer takes a frame or message, so ours answers FRAME_TOO_LARGE. */
  private static final int NETTY_LIMIT_FACTOR = 4;
  /** How long /ready waits for the store before it says the instance is not ready. */
  static final long READY_STORE_WAIT_MS = 1_000;

  private final Endpoints endpoints;
  private final Set<SessionSocket> sessions = new HashSet<>();
  private final Set<NodeSocket> nodes = new HashSet<>();
  /** When the periodic tick started, and how many ticks ran since: the n-th is due TICK_MS * n after the start. */
  private long ticksFromNanos;
  private long ticks;
  private LoadMonitor.Loop loop;
  private HttpServer server;
  private WebRoot webRoot;
  private IntConsumer onListening = port -> {};

  public WebSocketVerticle(Endpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    int limit = endpoints.config.server().maxFrameBytes();
    // Netty's own limits sit above ours, so an oversize frame is answered with FRAME_TOO_LARGE, not a dropped socket.
    HttpServerOptions options = new HttpServerOptions()
        .setHost(endpoints.config.server().host())
        .setPort(endpoints.config.server().port())
        .setTcpNoDelay(true)
        .setMaxWebSocketFrameSize(limit * NETTY_LIMIT_FACTOR)
        .setMaxWebSocketMessageSize(limit * NETTY_LIMIT_FACTOR);
    if (endpoints.config.server().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(endpoints.config.server().tlsCertPath()).setKeyPath(endpoints.config.server().tlsKeyPath()));
    }
    server = vertx.createHttpServer(options)
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::accept)
        .requestHandler(this::http);
    ticksFromNanos = System.nanoTime();
    loop = endpoints.load.loop();
    vertx.setPeriodic(TICK_MS, id -> tick()); // at a fixed rate: a loop that keeps behind runs every tick late
    return vertx.executeBlocking(WebRoot::classpath).compose(root -> {
      webRoot = root;
      return server.listen();
    }).onSuccess(s -> {
      LOG.info("listening on port {}", s.actualPort());
      onListening.accept(s.actualPort());
    });
  }

  /** Told the actual port once the server listens (useful with port 0). */
  public void onListening(IntConsumer listener) {
    this.onListening = listener;
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    String path = handshake.path();
    if (!SESSION_PATH.equals(path) && !NODE_PATH.equals(path)) {
      handshake.reject(404);
      return;
    }
    if (endpoints.draining) {
      handshake.reject(503); // shutting down: the client goes to another instance
      return;
    }
    List<String> allowed = endpoints.config.security().allowedOrigins();
    String origin = handshake.headers().get("Origin");
    if (SESSION_PATH.equals(path) && !allowed.isEmpty() && origin != null && !allowed.contains(origin)) {
      LOG.warn("session refused: origin {} not allowed remote={}", origin, handshake.remoteAddress());
      handshake.reject(403);
      return;
    }
    List<String> tokens = endpoints.config.security().sessionTokens();
    if (SESSION_PATH.equals(path) && !tokens.isEmpty() && !Secrets.matchesAny(queryParam(handshake.query(), "token"), tokens)) {
      handshake.reject(401);
      return;
    }
    handshake.accept();
  }

  private void accept(ServerWebSocket ws) {
    String address = ws.remoteAddress() == null ? "" : ws.remoteAddress().hostAddress();
    if (!endpoints.admit(address)) {
      LOG.warn("socket refused: address at its connection limit remote={} limit={}", address,
          endpoints.config.server().maxConnectionsPerIp());
      refuse(ws, "too many connections from this address");
      return;
    }
    ws.closeHandler(v -> endpoints.release(address)); // replaced, releasing too, once the socket is taken
    if (SESSION_PATH.equals(ws.path())) {
      acceptSession(ws, address);
    } else {
      acceptNode(ws, address);
    }
  }

  private void acceptSession(ServerWebSocket ws, String address) {
    if (endpoints.sessionSockets.incrementAndGet() > endpoints.config.server().maxSessions()) {
      endpoints.sessionSockets.decrementAndGet();
      refuse(ws, "this instance is at its session limit");
      return;
    }
    SessionSocket s = new SessionSocket(vertx, endpoints, ws);
    sessions.add(s);
    readText(ws, s::onText);
    ws.binaryMessageHandler(s::onBinary);
    ws.exceptionHandler(e -> LOG.debug("session socket error: {}", e.getMessage()));
    ws.closeHandler(v -> {
      endpoints.release(address);
      sessions.remove(s);
      endpoints.sessionSockets.decrementAndGet();
      s.onSocketClosed();
    });
  }

  private void acceptNode(ServerWebSocket ws, String address) {
    if (endpoints.nodeSockets.incrementAndGet() > endpoints.config.server().maxNodes()) {
      endpoints.nodeSockets.decrementAndGet();
      refuse(ws, "this instance is at its node limit");
      return;
    }
    NodeSocket n = new NodeSocket(vertx, endpoints, ws);
    nodes.add(n);
    readText(ws, n::onText);
    ws.binaryMessageHandler(b -> n.onBinary());
    ws.exceptionHandler(e -> LOG.debug("node socket error: {}", e.getMessage()));
    ws.closeHandler(v -> {
      endpoints.release(address);
      nodes.remove(n);
      endpoints.nodeSockets.decrementAndGet();
      n.onSocketClosed();
    });
  }

  /**
   * Text messages are put together here, not by Vert.x, which would read text that is not UTF-8 (with U+FFFD in it)
   * before any check could close the socket. Binary messages still come whole to the binary handler.
   */
  private void readText(ServerWebSocket ws, Consumer<String> onText) {
    TextFrames text = new TextFrames(endpoints.config.server().maxFrameBytes() * NETTY_LIMIT_FACTOR);
    ws.frameHandler(f -> {
      if (f.isBinary()) {
        text.binary();
        return;
      }
      if (!f.isText() && !(f.isContinuation() && text.inText())) {
        return; // a control frame, or a binary message's continuation
      }
      String whole = text.accept(f.isText(), f.isFinal(), f.binaryData().getBytes());
      if (whole != null) {
        onText.accept(whole);
      } else if (text.closeCode() != 0) {
        LOG.debug("socket closed with {}: text not UTF-8 or too large remote={}", text.closeCode(),
            ws.remoteAddress());
        ws.close(text.closeCode(), text.closeCode() == TextFrames.INVALID_PAYLOAD ? "text is not UTF-8"
            : "message too large");
      }
    });
  }

  /** An admission refused: {@code OVERLOADED} with the reason, then the socket closes, so the client tries again. */
  static void refuse(ServerWebSocket ws, String why) {
    ws.writeTextMessage(ErrorMessage.of(ErrorCode.OVERLOADED, why).toJson().encode()).onComplete(ar -> ws.close());
  }

  private void http(HttpServerRequest request) {
    if ("/health".equals(request.path())) {
      request.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", "UP").put("sessions", endpoints.liveSessions())
              .put("nodes", endpoints.liveNodes()).put("memory", Memory.snapshot())
              .put("store", new JsonObject().put("requests", endpoints.store.requests())).encode());
    } else if ("/ready".equals(request.path())) {
      ready(request);
    } else if (METRICS_PATH.equals(request.path())) {
      metrics(request);
    } else if (ADMIN_PATH.equals(request.path())) {
      adminPage(request);
    } else if (ADMIN_STATE_PATH.equals(request.path())) {
      adminState(request);
    } else if (LANGUAGES_PATH.equals(request.path())) {
      languages(request);
    } else if (!webRoot.serve(request)) {
      request.response().setStatusCode(404).end();
    }
  }

  /**
   * Whether this instance can take work: it is not shutting down, its socket event loops do not run late
   * (LoadMonitor), its store answers (within {@link #READY_STORE_WAIT_MS}) and, in a cluster, it is still a member.
   * 200 with {@code READY}, else 503 with the reason.
   */
  private void ready(HttpServerRequest request) {
    if (endpoints.draining) {
      notReady(request, "shutting down");
      return;
    }
    if (!endpoints.joined.getAsBoolean()) {
      notReady(request, "not a member of the cluster");
      return;
    }
    if (endpoints.load.overloaded(System.currentTimeMillis())) {
      notReady(request, "overloaded: its socket event loops or its store run late");
      return;
    }
    endpoints.store.timeMs().timeout(READY_STORE_WAIT_MS, TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
            .end(new JsonObject().put("status", "READY").encode());
      } else {
        notReady(request, "the store does not answer: " + ar.cause().getMessage());
      }
    });
  }

  private static void notReady(HttpServerRequest request, String why) {
    request.response().setStatusCode(503).putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(new JsonObject().put("status", "NOT_READY").put("reason", why).encode());
  }

  /** The page itself holds no data (it asks {@link #ADMIN_STATE_PATH} with the token); off when no token is set. */
  private void adminPage(HttpServerRequest request) {
    if (endpoints.config.security().adminToken().isEmpty()) {
      adminOff(request);
      return;
    }
    request.response().setStatusCode(302).putHeader("location", ADMIN_PAGE).end();
  }

  private static void adminOff(HttpServerRequest request) {
    request.response().setStatusCode(404).end("the admin page is off: set security.adminToken");
  }

  /** The cluster's instances, nodes and jobs, for {@code Authorization: Bearer <security.adminToken>}. */
  private void adminState(HttpServerRequest request) {
    String token = endpoints.config.security().adminToken();
    if (token.isEmpty()) {
      adminOff(request);
      return;
    }
    String given = request.getHeader("authorization");
    String bearer = given != null && given.regionMatches(true, 0, "Bearer ", 0, 7) ? given.substring(7).trim() : null;
    if (!Secrets.matches(bearer, token)) {
      LOG.warn("admin refused: {} remote={}", bearer == null ? "no token" : "wrong token", request.remoteAddress());
      request.response().setStatusCode(401).putHeader("www-authenticate", "Bearer realm=\"parley admin\"")
          .putHeader("cache-control", "no-store").end();
      return;
    }
    vertx.eventBus().<String>request(Addresses.ADMIN_STATE, "", Addresses.local()).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
            .end(ar.result().body());
      } else {
        request.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", ar.cause().getMessage()).encode());
      }
    });
  }

  /** Every meter, in the Prometheus text format; written off the event loop, as it walks the whole registry. */
  private void metrics(HttpServerRequest request) {
    vertx.executeBlocking(endpoints.metrics::scrape, false).onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("content-type", PROMETHEUS_TEXT).putHeader("cache-control", "no-store")
            .end(ar.result());
      } else {
        LOG.error("metrics not read", ar.cause());
        request.response().setStatusCode(500).end();
      }
    });
  }

  /** The pairs that ready nodes serve now; the client asks every few seconds, and it costs one store read. */
  private void languages(HttpServerRequest request) {
    endpoints.store.nodes().onComplete(ar -> {
      if (ar.succeeded()) {
        request.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
            .end(ServedPairs.of(ar.result()).encode());
      } else {
        LOG.warn("languages not read: {}", ar.cause().getMessage());
        request.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", "the node registry cannot be read now").encode());
      }
    });
  }

  private void tick() {
    long now = System.currentTimeMillis();
    ticks++;
    long lateNanos = System.nanoTime() - ticksFromNanos - TimeUnit.MILLISECONDS.toNanos(TICK_MS * ticks);
    loop.tick(Math.max(0, TimeUnit.NANOSECONDS.toMillis(lateNanos)), now);
    for (SessionSocket s : List.copyOf(sessions)) {
      s.tick(now);
    }
    for (NodeSocket n : List.copyOf(nodes)) {
      n.tick(now);
    }
  }

  private static String queryParam(String query, String name) {
    if (query == null) {
      return null;
    }
    for (String part : query.split("&")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).equals(name)) {
        return java.net.URLDecoder.decode(part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
