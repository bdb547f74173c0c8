package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A scheduler as a protocol peer on {@code /ws/node}: accepts node connections, acknowledges registrations, lets a
 * test send job_assign and job_cancel frames and await the node's frames.
 */
public final class SchedulerPeer implements AutoCloseable {
  private final HttpServer server;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private volatile ServerWebSocket node;
  private volatile CompletableFuture<Short> closed = new CompletableFuture<>();

  private SchedulerPeer(HttpServer server) {
    this.server = server;
  }

  public static SchedulerPeer start(Vertx vertx) {
    SchedulerPeer[] self = new SchedulerPeer[1];
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setPort(0).setHost("127.0.0.1")
        .setMaxWebSocketFrameSize(16 << 20).setMaxWebSocketMessageSize(16 << 20))
        .webSocketHandler(ws -> self[0].accept(ws));
    self[0] = new SchedulerPeer(server);
    Await.result(server.listen());
    return self[0];
  }

  public String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws/node";
  }

  private synchronized void accept(ServerWebSocket ws) {
    node = ws;
    CompletableFuture<Short> closing = new CompletableFuture<>();
    closed = closing;
    ws.closeHandler(v -> closing.complete(ws.closeStatusCode()));
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      if ("node_register".equals(f.getString("type"))) {
        ws.writeTextMessage(new JsonObject().put("type", "node_register_ack").put("node_id", f.getString("node_id"))
            .put("status", "ready").put("heartbeat_interval_ms", 5000).encode());
      }
      synchronized (this) {
        frames.add(f);
        notifyAll();
      }
    });
  }

  public void send(JsonObject frame) {
    Await.result(node.writeTextMessage(frame.encode()));
  }

  /** Closes the node's socket from this side, as a scheduler that went away. */
  public void dropNode() {
    Await.result(node.close());
  }

  /** The close status of the node's latest socket, once it closed. */
  public Short awaitClosed(Duration within) {
    try {
      return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the node's socket did not close within " + within, e);
    }
  }

  public List<JsonObject> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  public synchronized JsonObject await(Predicate<JsonObject> match, Duration within, String what) {
    long deadline = System.currentTimeMillis() + within.toMillis();
    while (true) {
      for (JsonObject f : frames) {
        if (match.test(f)) {
          return f;
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        throw new AssertionError("no " + what + " within " + within + "; got " + frames);
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Waits until {@code count} frames of the type arrived, and returns them in order. */
  public List<JsonObject> awaitCount(String type, int count, Duration within) {
    await(f -> frames(type).size() >= count, within, count + " " + type);
    return frames(type);
  }

  @Override
  public void close() {
    Await.result(server.close());
  }
}
