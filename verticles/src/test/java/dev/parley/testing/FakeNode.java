package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A worker node as a protocol peer: registers over a real socket, acknowledges jobs, and answers each turn when its
 * last job arrives, one job_result per job, as PROTOCOL.md says a node does. Tests change its behaviour to be silent,
 * to skip acks, or to answer with no text.
 */
public final class FakeNode implements AutoCloseable {
  public enum Answer {
    /** Answer every job of a turn when the turn's closing job arrives. */
    AT_TURN_END,
    /** Acknowledge, never answer: a hung node. */
    NEVER
  }

  /** Held so the client lives as long as the node: an unreachable client is closed with its sockets. */
  private final WebSocketClient client;
  private final WebSocket ws;
  public final String nodeId;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<JsonObject> turnBuffer = new ArrayList<>();
  public volatile boolean ack = true;
  public volatile Answer answer = Answer.AT_TURN_END;
  /** What the heartbeats of {@link #beatEvery} report: ready, degraded or draining. */
  public volatile String status = "ready";
  /** The text the node recognises for a job; null means no text (NO_TEXT_ASSIGNED). */
  public volatile Function<JsonObject, String> textFor = a -> "text " + a.getInteger("utterance_index");

  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile Short closeStatus;

  private FakeNode(WebSocketClient client, WebSocket ws, String nodeId) {
    this.client = client;
    this.ws = ws;
    this.nodeId = nodeId;
  }

  public static FakeNode register(Vertx vertx, int port, String nodeId, int maxJobs, String... pairs) {
    WebSocketClient client = vertx.createWebSocketClient();
    FakeNode node = Await.result(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/ws/node")).map(ws -> {
          FakeNode n = new FakeNode(client, ws, nodeId);
          ws.textMessageHandler(n::onFrame);
          ws.closeHandler(v -> {
            n.closeStatus = ws.closeStatusCode();
            n.closed.complete(null);
          });
          return n;
        }));
    JsonArray supported = new JsonArray();
    for (String p : pairs) {
      String[] sd = p.split(">");
      supported.add(new JsonObject().put("src", sd[0]).put("tgt", sd[1]));
    }
    node.write(new JsonObject().put("type", "node_register").put("node_id", nodeId).put("version", "test")
        .put("max_concurrent_jobs", maxJobs)
        .put("language_capabilities", new JsonObject().put("asr_languages", new JsonArray())
            .put("tts_languages", new JsonArray()).put("supported_language_pairs", supported)));
    node.await(f -> "node_register_ack".equals(f.getString("type")), Peer.WAIT, "node_register_ack");
    return node;
  }

  private synchronized void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    frames.add(f);
    notifyAll();
    if (!"job_assign".equals(f.getString("type"))) {
      if ("job_cancel".equals(f.getString("type"))) {
        turnBuffer.removeIf(a -> a.getString("job_id").equals(f.getString("job_id")));
      }
      return;
    }
    if (ack) {
      send(new JsonObject().put("type", "job_ack").put("job_id", f.getString("job_id"))
          .put("attempt_id", f.getInteger("attempt_id")).put("node_id", nodeId)
          .put("session_id", f.getString("session_id")));
    }
    turnBuffer.add(f);
    boolean closesTurn = f.getBoolean("is_manual_cut", false) || f.getBoolean("is_timeout_triggered", false);
    if (closesTurn && answer == Answer.AT_TURN_END) {
      String turnId = f.getString("turn_id");
      List<JsonObject> turn = turnBuffer.stream().filter(a -> a.getString("turn_id").equals(turnId)).toList();
      turnBuffer.removeAll(turn);
      turn.forEach(this::answer);
    }
  }

  /** Sends the job_result for an assignment, as this node's current behaviour says. */
  public void answer(JsonObject assign) {
    String text = textFor.apply(assign);
    JsonObject result = result(assign, true);
    if (text == null) {
      result.put("text_asr", "").put("text_translated", "").put("extra", new JsonObject().put("reason",
          "NO_TEXT_ASSIGNED"));
    } else {
      result.put("text_asr", text).put("text_translated", "[es] " + text);
    }
    send(result);
  }

  /** Writes without waiting: this runs on the client's event loop too. */
  private void send(JsonObject frame) {
    ws.writeTextMessage(frame.encode());
  }

  public JsonObject result(JsonObject assign, boolean success) {
    return new JsonObject().put("type", "job_result").put("job_id", assign.getString("job_id"))
        .put("attempt_id", assign.getInteger("attempt_id")).put("node_id", nodeId).put("success", success)
        .put("session_id", assign.getString("session_id"))
        .put("utterance_index", assign.getInteger("utterance_index"));
  }

  /** Writes from a test thread and waits until written. */
  public void write(JsonObject frame) {
    Await.result(ws.writeTextMessage(frame.encode()));
  }

  /** Beats every {@code ms} as a live node does, until closed. */
  public void beatEvery(Vertx vertx, long ms) {
    vertx.setPeriodic(ms, id -> {
      if (ws.isClosed()) {
        vertx.cancelTimer(id);
        return;
      }
      beat();
    });
  }

  /** Waits until the scheduler closes this node's socket. */
  public void awaitClosed(Duration within) {
    try {
      closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("the node's socket was not closed within " + within, e);
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** The close code the scheduler gave (null until closed, or when it gave none). */
  public Short closeStatus() {
    return closeStatus;
  }

  /** One node_heartbeat, as a live node sends now and then. */
  public void beat() {
    send(new JsonObject().put("type", "node_heartbeat").put("node_id", nodeId)
        .put("timestamp", System.currentTimeMillis()).put("status", status));
  }

  public List<JsonObject> frames(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  public List<JsonObject> assigns() {
    return frames("job_assign");
  }

  /** Waits for a frame this node received (already or later). */
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
        throw new AssertionError(nodeId + " got no " + what + " within " + within + "; got " + frames);
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  /** Waits until this node holds {@code count} job_assign frames. */
  public List<JsonObject> awaitAssigns(int count) {
    await(f -> assigns().size() >= count, Peer.WAIT, count + " job_assign frames");
    return assigns();
  }

  public void close() {
    if (!ws.isClosed()) {
      Await.result(ws.close());
    }
    client.close();
  }
}
