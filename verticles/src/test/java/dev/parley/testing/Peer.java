package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A protocol peer over a real WebSocket: sends frames, and lets a test await the frames it receives, each wait bounded
 * by a deadline. Every frame received stays in {@link #received()} for assertions on the whole conversation.
 */
public final class Peer implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);

  /** Held so the client lives as long as the peer: an unreachable client is closed with its sockets. */
  private final WebSocketClient client;
  private final WebSocket ws;
  private final LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
  private final List<JsonObject> received = new ArrayList<>();
  private final List<JsonObject> unread = new ArrayList<>();
  private volatile boolean closed;
  private volatile Short closeStatus;
  private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

  private Peer(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(t -> inbox.add(new JsonObject(t)));
    ws.closeHandler(v -> {
      closeStatus = ws.closeStatusCode();
      closed = true;
      closedFuture.complete(null);
    });
  }

  public static Peer connect(Vertx vertx, int port, String path) {
    // large frames: a translation_result carries its speech
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(16 << 20)
        .setMaxMessageSize(16 << 20));
    // built on the event loop as the socket opens, so no frame arrives before the handlers are set
    return Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(path))
        .map(ws -> new Peer(client, ws)));
  }

  public void send(JsonObject frame) {
    Await.result(ws.writeTextMessage(frame.encode()));
  }

  public void sendText(String text) {
    Await.result(ws.writeTextMessage(text));
  }

  public void sendBinary(Buffer frame) {
    Await.result(ws.writeBinaryMessage(frame));
  }

  /** The next unread frame of this type, within the default deadline. */
  public JsonObject await(String type) {
    return await(f -> type.equals(f.getString("type")), WAIT, "a " + type);
  }

  public JsonObject await(Predicate<JsonObject> match, Duration within, String what) {
    long deadline = System.nanoTime() + within.toNanos();
    synchronized (this) {
      for (int i = 0; i < unread.size(); i++) {
        if (match.test(unread.get(i))) {
          return unread.remove(i);
        }
      }
    }
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject f = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
        if (f == null) {
          throw new AssertionError("no " + what + " within " + within + "; received " + received());
        }
        synchronized (this) {
          received.add(f);
          if (match.test(f)) {
            return f;
          }
          unread.add(f);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The next error frame with this code. */
  public JsonObject awaitError(String code) {
    return await(f -> "error".equals(f.getString("type")) && code.equals(f.getString("code")), WAIT,
        "error " + code);
  }

  /** Waits until nothing more arrives for {@code quiet}, then returns every frame received so far. */
  public List<JsonObject> drain(Duration quiet) {
    try {
      JsonObject f;
      while ((f = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
        synchronized (this) {
          received.add(f);
          unread.add(f);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return received();
  }

  public synchronized List<JsonObject> received() {
    JsonObject f;
    while ((f = inbox.poll()) != null) {
      received.add(f);
      unread.add(f);
    }
    return List.copyOf(received);
  }

  public List<JsonObject> received(String type) {
    return received().stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  /** Waits until the server closes this socket. */
  public void awaitClosed(Duration within) {
    try {
      closedFuture.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the socket was not closed within " + within, e);
    }
  }

  public boolean isClosed() {
    return closed;
  }

  /** The close code the server gave (null until closed, or when it gave none). */
  public Short closeStatus() {
    return closeStatus;
  }

  @Override
  public void close() {
    if (!closed) {
      Await.result(ws.close());
    }
    client.close();
  }
}
