package dev.parley.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simulated worker node for the benchmark: acknowledges every job at once and answers each turn, one job_result
 * per job, a set delay after the turn's last job arrives. It speaks the real protocol over a real socket. A node
 * whose scheduler went away registers again on the next one of its list, as a real node does; the jobs it held are
 * left for the schedulers to fail over.
 */
final class BenchNode {
  private final Vertx vertx;
  private final BenchStats stats;
  private final String nodeId;
  private final int delayMs;
  private final Map<String, List<JsonObject>> turns = new HashMap<>();
  /** Jobs acknowledged and not yet answered (their turn open, or its answer delayed): what a kill leaves behind. */
  private final Set<String> held = new HashSet<>();
  private volatile WebSocket ws;
  private WebSocketClient client;
  private List<WebSocketConnectOptions> targets;
  private int target;
  /** Set while the bench cuts the socket itself (a chaos kill, the end of the run): no reconnect follows. */
  private boolean cutting;
  /** Counts kills and closes, so a connection that was under way when one came is dropped. */
  private int lives;
  private int capacity;
  private List<String> pairs;

  BenchNode(Vertx vertx, BenchStats stats, String nodeId, int delayMs) {
    this.vertx = vertx;
    this.stats = stats;
    this.nodeId = nodeId;
    this.delayMs = delayMs;
  }

  Future<Void> connect(WebSocketClient client, List<WebSocketConnectOptions> targets, int capacity,
      List<String> pairs) {
    this.client = client;
    this.targets = targets;
    this.capacity = capacity;
    this.pairs = pairs;
    return register();
  }

  private Future<Void> register() {
    int life = lives;
    return client.connect(targets.get(target)).compose(socket -> {
      synchronized (this) {
        if (life != lives) { // killed while connecting: this socket belongs to a node that is dead
          socket.close();
          return Future.failedFuture("killed while connecting");
        }
        ws = socket;
        cutting = false;
      }
      socket.closeHandler(v -> onLost(socket));
      JsonArray supported = new JsonArray();
      for (String p : pairs) {
        String[] sd = p.split(">");
        supported.add(new JsonObject().put("src", sd[0]).put("tgt", sd[1]));
      }
      io.vertx.core.Promise<Void> registered = io.vertx.core.Promise.promise();
      ws.textMessageHandler(text -> onFrame(text, registered));
      ws.writeTextMessage(new JsonObject().put("type", "node_register").put("node_id", nodeId)
          .put("version", "bench").put("max_concurrent_jobs", capacity)
          .put("language_capabilities", new JsonObject().put("asr_languages", new JsonArray())
              .put("tts_languages", new JsonArray()).put("supported_language_pairs", supported)).encode());
      vertx.setPeriodic(5000, id -> {
        if (socket.isClosed()) {
          vertx.cancelTimer(id); // this socket's beats end with it; a revived node beats on its new one
        } else {
          socket.writeTextMessage("{\"type\":\"node_heartbeat\",\"node_id\":\"" + nodeId + "\",\"status\":\"ready\"}");
        }
      });
      return registered.future();
    });
  }

  private synchronized void onFrame(String text, io.vertx.core.Promise<Void> registered) {
    JsonObject f = new JsonObject(text);
    switch (f.getString("type")) {
      case "job_assign" -> onAssign(f);
      case "node_register_ack" -> registered.tryComplete();
      case "job_cancel" -> {
        held.remove(f.getString("job_id"));
        turns.values().forEach(t -> t.removeIf(a -> a.getString("job_id").equals(f.getString("job_id"))));
      }
      case "error" -> stats.error("node:" + f.getString("code"));
      default -> { }
    }
  }

  private void onAssign(JsonObject a) {
    String sessionId = a.getString("session_id");
    int attempt = a.getInteger("attempt_id");
    stats.assigned(sessionId, a.getLong("utterance_index"), attempt);
    stats.reassigned(a.getString("job_id"));
    held.add(a.getString("job_id"));
    ws.writeTextMessage("{\"type\":\"job_ack\",\"job_id\":\"" + a.getString("job_id") + "\",\"attempt_id\":"
        + attempt + ",\"node_id\":\"" + nodeId + "\",\"session_id\":\"" + sessionId + "\"}");
    String turnId = a.getString("turn_id");
    List<JsonObject> turn = turns.computeIfAbsent(turnId, k -> new ArrayList<>(1));
    turn.add(a);
    if (a.getBoolean("is_manual_cut", false) || a.getBoolean("is_timeout_triggered", false)) {
      turns.remove(turnId);
      WebSocket socket = ws;
      if (delayMs > 0) {
        vertx.setTimer(delayMs, id -> answer(socket, turn));
      } else {
        answer(socket, turn);
      }
    }
  }

  /** Answers on the socket the turn came on: one that was killed meanwhile answers nothing, as a dead node. */
  private synchronized void answer(WebSocket socket, List<JsonObject> turn) {
    if (socket != ws || socket.isClosed()) {
      return;
    }
    for (JsonObject a : turn) {
      held.remove(a.getString("job_id"));
      String jobId = a.getString("job_id");
      stats.resultSent(jobId);
      ws.writeTextMessage("{\"type\":\"job_result\",\"job_id\":\"" + jobId + "\",\"attempt_id\":"
          + a.getInteger("attempt_id") + ",\"node_id\":\"" + nodeId + "\",\"success\":true,\"session_id\":\""
          + a.getString("session_id") + "\",\"utterance_index\":" + a.getLong("utterance_index")
          + ",\"text_asr\":\"hello world\",\"text_translated\":\"hola mundo\","
          + "\"service_timings\":{\"asr_ms\":1,\"nmt_ms\":1,\"tts_ms\":1}}");
    }
  }

  /**
   * Cuts the node off as a crash would: its socket closes with its jobs unanswered, which the scheduler must fail
   * over. Tells the stats which jobs it left. (Its frames and the chaos timer run on different event loops.)
   */
  synchronized void kill() {
    cutting = true;
    lives++;
    abandonJobs();
    if (ws != null) {
      ws.close();
    }
  }

  private void abandonJobs() {
    stats.orphaned(held);
    held.clear();
    turns.clear();
  }

  /** The scheduler went away: the node registers on the next one, trying each in turn until one takes it. */
  private synchronized void onLost(WebSocket socket) {
    if (cutting || socket != ws) {
      return;
    }
    abandonJobs();
    reconnect();
  }

  private void reconnect() {
    target = (target + 1) % targets.size();
    int life = lives;
    register().onFailure(e -> vertx.setTimer(200, id -> {
      synchronized (this) {
        if (life == lives) { // not killed or closed meanwhile
          reconnect();
        }
      }
    }));
  }

  synchronized int heldJobs() {
    return held.size();
  }

  synchronized boolean isUp() {
    return ws != null && !ws.isClosed();
  }

  /** Starts the killed node again, under the same id, on the next scheduler of its list, trying each in turn. */
  synchronized void revive() {
    reconnect();
  }

  synchronized Future<Void> close() {
    cutting = true;
    lives++;
    return ws == null ? Future.succeededFuture() : ws.close();
  }
}
