package dev.parley.ops;

import dev.parley.bus.Addresses;
import dev.parley.session.Endpoints;
import dev.parley.session.Memory;
import dev.parley.store.JobState;
import dev.parley.store.NodeInfo;
import dev.parley.store.SchedulerStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin page's data. Every instance tells the cluster, every {@link #REPORT_MS}, what it holds and how fast it
 * serves; each keeps what the others told, and puts it together with the node registry when the page asks. A report
 * costs one publish per instance every two seconds, and the page's question one store read.
 */
public final class AdminVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
  static final long REPORT_MS = 2_000;
  /** An instance not heard from for this long is left off the page: it left, or it is stuck. */
  static final long FORGET_MS = 3 * REPORT_MS;
  private static final int STATE_FAILED = 500;

  private record Heard(JsonObject report, long atMs) {}

  private final String instanceId;
  private final SchedulerStore store;
  private final SchedulerMetrics metrics;
  private final Endpoints endpoints;
  private final long startedMs = System.currentTimeMillis();
  private final Map<String, Heard> instances = new HashMap<>();

  public AdminVerticle(String instanceId, SchedulerStore store, SchedulerMetrics metrics, Endpoints endpoints) {
    this.instanceId = instanceId;
    this.store = store;
    this.metrics = metrics;
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    MessageConsumer<String> reports = bus.consumer(Addresses.ADMIN_REPORTS, this::onReport);
    MessageConsumer<Object> state = bus.localConsumer(Addresses.ADMIN_STATE, this::onState);
    vertx.setPeriodic(REPORT_MS, id -> publish());
    return Future.all(reports.completion(), state.completion()).onSuccess(v -> publish());
  }

  private void publish() {
    vertx.eventBus().publish(Addresses.ADMIN_REPORTS, report().encode());
  }

  /** This instance, as the page shows it. */
  private JsonObject report() {
    SchedulerMetrics.View v = metrics.view();
    JsonObject ended = new JsonObject();
    v.jobsEnded().forEach((state, n) -> ended.put(state.name(), n));
    return new JsonObject().put("instance_id", instanceId).put("started_ms", startedMs)
        .put("draining", endpoints.draining()).put("sessions", endpoints.liveSessions())
        .put("nodes", endpoints.liveNodes()).put("memory", Memory.snapshot())
        .put("jobs_created", v.jobsCreated()).put("jobs_ended", ended).put("failovers", v.failovers())
        .put("store_requests", v.storeRequests())
        .put("dispatch_latency", latency(v.dispatch())).put("result_latency", latency(v.result()));
  }

  private static JsonObject latency(SchedulerMetrics.Latency l) {
    return new JsonObject().put("p50_ms", l.p50Ms()).put("p99_ms", l.p99Ms()).put("count", l.count());
  }

  private void onReport(Message<String> message) {
    JsonObject report;
    try {
      report = new JsonObject(message.body());
    } catch (RuntimeException e) {
      LOG.warn("admin report dropped: not JSON ({})", e.getMessage());
      return;
    }
    String from = report.getString("instance_id");
    if (from != null) {
      instances.put(from, new Heard(report, System.currentTimeMillis()));
    }
  }

  private void onState(Message<Object> message) {
    long now = System.currentTimeMillis();
    instances.put(instanceId, new Heard(report(), now)); // this one, fresh
    instances.values().removeIf(h -> now - h.atMs() > FORGET_MS);
    store.nodes().onSuccess(nodes -> message.reply(state(now, nodes).encode())).onFailure(e -> {
      LOG.warn("admin state not read: {}", e.getMessage());
      message.fail(STATE_FAILED, "the store does not answer: " + e.getMessage());
    });
  }

  private JsonObject state(long now, List<NodeInfo> nodes) {
    JsonArray shown = new JsonArray();
    long created = 0;
    Map<String, Long> ended = new TreeMap<>();
    for (Heard h : new TreeMap<>(instances).values()) {
      shown.add(h.report().copy().put("age_ms", now - h.atMs()));
      created += h.report().getLong("jobs_created", 0L);
      JsonObject e = h.report().getJsonObject("jobs_ended", new JsonObject());
      for (String state : e.fieldNames()) {
        ended.merge(state, e.getLong(state, 0L), Long::sum);
      }
    }
    long endedAll = ended.values().stream().mapToLong(Long::longValue).sum();
    JsonObject endedJson = new JsonObject();
    for (JobState s : JobState.values()) {
      if (s.isTerminal()) {
        endedJson.put(s.name(), ended.getOrDefault(s.name(), 0L));
      }
    }
    JsonArray nodeRows = new JsonArray();
    nodes.stream().sorted((a, b) -> a.nodeId().compareTo(b.nodeId())).forEach(n -> nodeRows.add(new JsonObject()
        .put("node_id", n.nodeId()).put("instance_id", n.instanceId()).put("status", n.status().name())
        .put("pairs", new JsonArray(n.pairs().stream().sorted().toList())).put("max_jobs", n.maxJobs())
        .put("running", n.running()).put("reserved", n.reserved())
        .put("last_heartbeat_ms", n.lastHeartbeatMs()).put("heartbeat_age_ms", now - n.lastHeartbeatMs())));
    return new JsonObject().put("now_ms", now).put("instance_id", instanceId).put("instances", shown)
        .put("nodes", nodeRows).put("jobs", new JsonObject().put("created", created)
            .put("in_flight", Math.max(0, created - endedAll)).put("ended", endedJson));
  }
}
