package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.ops.SchedulerMetrics;
import dev.parley.store.LocalStore;
import dev.parley.store.RedisStore;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.RedisServer;
import dev.parley.testing.TestScheduler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.micrometer.MicrometerMetricsFactory;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** {@code /metrics} and the job state log, over real sockets with a node and a browser as protocol peers. */
@ExtendWith(VertxExtension.class)
class MetricsEndToEndTest {
  private record Scrape(String contentType, String body) {}

  private static Scrape scrape(Vertx vertx, int port) {
    HttpClient http = vertx.createHttpClient();
    return Await.result(http.request(HttpMethod.GET, port, "127.0.0.1", "/metrics")
        .compose(req -> req.send().compose(res -> res.body().map(b -> new Scrape(res.getHeader("content-type"),
            b.toString())))));
  }

  /** The value of the one series named exactly so (name and labels as Prometheus writes them), or null. */
  private static Double value(Scrape s, String series) {
    for (String line : s.body().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return null;
  }

  @Test
  void aJobsLifeAndTheReportsThatChangedNothingAreCounted(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 400, true);
      JsonObject assign = node.awaitAssigns(1).get(0);
      b.awaitResult(0);

      node.write(node.result(assign, true).put("text_asr", "again").put("text_translated", "otra vez"));
      node.await(f -> "error".equals(f.getString("type")) && "DUPLICATE".equals(f.getString("code")),
          java.time.Duration.ofSeconds(10), "DUPLICATE for the repeated result");
      node.write(node.result(assign, true).put("attempt_id", 7).put("text_asr", "x").put("text_translated", "y"));
      node.await(f -> "error".equals(f.getString("type")) && "STALE_ATTEMPT".equals(f.getString("code")),
          java.time.Duration.ofSeconds(10), "STALE_ATTEMPT for an attempt never made");

      Scrape m = scrape(vertx, s.port());
      assertThat(m.contentType()).startsWith("text/plain; version=0.0.4");
      assertThat(value(m, "parley_jobs_ended_total{state=\"COMPLETED\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_jobs_ended_total{state=\"FAILED\"}")).isEqualTo(0.0);
      assertThat(value(m, "parley_reports_dropped_total{reason=\"DUPLICATE\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_reports_dropped_total{reason=\"STALE\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_placements_total{outcome=\"RESERVED\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_failovers_total")).isEqualTo(0.0);
      assertThat(value(m, "parley_dispatch_latency_seconds_count")).isEqualTo(1.0);
      assertThat(value(m, "parley_result_latency_seconds_count")).isEqualTo(1.0);
      assertThat(m.body()).contains("parley_result_latency_seconds_bucket{le=");
      assertThat(value(m, "parley_sessions")).isEqualTo(1.0);
      assertThat(value(m, "parley_nodes{status=\"READY\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_nodes{status=\"DRAINING\"}")).isEqualTo(0.0);
      assertThat(value(m, "parley_store_requests_total")).isEqualTo(0.0);
    }
  }

  @Test
  void callsToRedisAreTimedByOperation(Vertx vertx) {
    try (RedisServer redis = RedisServer.withAof().start()) {
      RedisStore store = Await.result(RedisStore.connect(vertx, redis.url()));
      Scheduler s = TestScheduler.start(vertx, Map.of(), store);
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        b.utterance(0, 400, true);
        b.awaitResult(0);

        Scrape m = scrape(vertx, s.port());
        assertThat(value(m, "parley_store_calls_seconds_count{op=\"createJob\"}")).isEqualTo(1.0);
        assertThat(value(m, "parley_store_calls_seconds_max{op=\"createJob\"}")).isPositive();
        assertThat(value(m, "parley_store_calls_seconds_count{op=\"putNode\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(m, "parley_store_latency_seconds_count"))
            .isGreaterThanOrEqualTo(value(m, "parley_store_calls_seconds_count{op=\"createJob\"}")
                + value(m, "parley_store_calls_seconds_count{op=\"putNode\"}"));
        assertThat(m.body()).contains("parley_store_latency_seconds_bucket{le=");
      }
    }
  }

  @Test
  void aSilentNodesJobsFailOverAndTheFailoversAreCounted(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("timeout.baseMs", "0", "timeout.minMs", "500",
        "timeout.maxMs", "500", "dispatch.maxAttempts", "2"));
    try (FakeNode silent = FakeNode.register(vertx, s.port(), "silent", 4, "en>es");
        FakeNode alsoSilent = FakeNode.register(vertx, s.port(), "also-silent", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      silent.answer = FakeNode.Answer.NEVER;
      alsoSilent.answer = FakeNode.Answer.NEVER;
      b.utterance(0, 400, true);
      JsonObject missing = b.peer.await(f -> "missing_result".equals(f.getString("type")),
          java.time.Duration.ofSeconds(10), "missing_result once both attempts timed out");
      assertThat(missing.getString("reason")).isEqualTo("job_timeout");

      Scrape m = scrape(vertx, s.port());
      assertThat(value(m, "parley_failovers_total")).isEqualTo(1.0);
      assertThat(value(m, "parley_jobs_ended_total{state=\"FAILED\"}")).isEqualTo(1.0);
      assertThat(value(m, "parley_jobs_ended_total{state=\"COMPLETED\"}")).isEqualTo(0.0);
      assertThat(value(m, "parley_dispatch_latency_seconds_count")).isEqualTo(2.0);
    }
  }

  @Test
  void everyStateChangeOfAJobIsOneLogLineWithTheIdsItConcerns(Vertx vertx) {
    Logger jobs = (Logger) LoggerFactory.getLogger("dev.parley.jobs");
    Level before = jobs.getLevel();
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    jobs.addAppender(lines);
    jobs.setLevel(Level.INFO);
    try {
      Scheduler s = TestScheduler.start(vertx, Map.of());
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start(new JsonObject().put("src_lang", "en")
              .put("tgt_lang", "es").put("audio_format", "opus").put("trace_id", "trace-42"))) {
        b.utterance(0, 400, true);
        JsonObject assign = node.awaitAssigns(1).get(0);
        b.awaitResult(0);

        List<Map<String, Object>> changes;
        synchronized (lines.list) {
          changes = lines.list.stream().map(e -> e.getKeyValuePairs().stream()
              .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value == null ? "" : kv.value))).toList();
        }
        assertThat(changes).extracting(c -> c.get("state")).containsExactly("DISPATCHED", "ACKED", "COMPLETED");
        for (Map<String, Object> c : changes) {
          assertThat(c).containsEntry("job_id", assign.getString("job_id"))
              .containsEntry("attempt_id", 1)
              .containsEntry("session_id", b.sessionId)
              .containsEntry("node_id", "n1")
              .containsEntry("turn_id", assign.getString("turn_id"))
              .containsEntry("trace_id", "trace-42");
        }
        assertThat(lines.list).allSatisfy(e -> assertThat(e.getKeyValuePairs()).extracting(kv -> kv.key)
            .containsExactly("trace_id", "job_id", "attempt_id", "session_id", "node_id", "turn_id", "state"));
      }
    } finally {
      jobs.detachAppender(lines);
      jobs.setLevel(before);
    }
  }

  @Test
  void vertxReportsTheJvmIntoTheSameRegistryAndBusMessagesAreCounted() {
    PrometheusMeterRegistry registry = SchedulerMetrics.newRegistry();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(SchedulerMetrics.vertxOptions()))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    try {
      BusCodecs.register(vertx.eventBus());
      Scheduler s = Await.result(Scheduler.deploy(vertx, ConfigLoader.load(null, Map.of(),
          Map.of("server.port", "0", "server.instances", "1")), new LocalStore(), registry));
      try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
          Browser b = Browser.connect(vertx, s.port()).start()) {
        b.utterance(0, 400, true);
        b.awaitResult(0);
        Scrape m = scrape(vertx, s.port());
        assertThat(value(m, "parley_jobs_ended_total{state=\"COMPLETED\"}")).isEqualTo(1.0);
        assertThat(value(m, "parley_bus_sent_total{kind=\"send\"}")).isGreaterThan(5.0);
        assertThat(value(m, "parley_bus_sent_total{kind=\"publish\"}")).isGreaterThanOrEqualTo(1.0);
        assertThat(m.body()).doesNotContain(b.sessionId);
        assertThat(m.body()).contains("jvm_memory_used_bytes").contains("jvm_gc_").doesNotContain("vertx_");
      }
    } finally {
      Await.result(vertx.close());
    }
  }
}
