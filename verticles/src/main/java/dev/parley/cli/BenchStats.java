package dev.parley.cli;

import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the simulated browsers and nodes measure, shared between them (they run on several event loops). Latencies
 * are in microseconds on this process's monotonic clock, which both sides share.
 */
final class BenchStats {
  /** When the frame that cut each job left its browser: key session id + '/' + utterance index. */
  final Map<String, Long> cutSentAt = new ConcurrentHashMap<>();
  /** When each job_result left its node: key job id. */
  final Map<String, Long> resultSentAt = new ConcurrentHashMap<>();
  final Histogram dispatch = new ConcurrentHistogram(3_600_000_000L, 3);
  final Histogram result = new ConcurrentHistogram(3_600_000_000L, 3);
  final LongAdder jobsCut = new LongAdder();
  final LongAdder results = new LongAdder();
  final LongAdder missing = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder uiEvents = new LongAdder();
  final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  /** Jobs a killed node held, by when it was killed: their failover ends at their next job_assign. */
  private final Map<String, Long> orphanedAt = new ConcurrentHashMap<>();
  final Histogram failover = new ConcurrentHistogram(3_600_000_000L, 3);
  final LongAdder kills = new LongAdder();
  /** From a browser's lost socket to the ack of its resumed session. */
  final Histogram resume = new ConcurrentHistogram(3_600_000_000L, 3);
  /** How long the chaos's killed instance took to be healthy again; -1 when there was none. */
  volatile long instanceRestartMs = -1;
  /** How long the chaos's Redis restart took; -1 when there was none. */
  volatile long redisRestartMs = -1;
  final AtomicLong lastOutcomeNanos = new AtomicLong();
  /** Latencies and throughput count from here: the time before it warms the JIT and fills the pipelines. */
  private volatile long measureFromNanos = Long.MAX_VALUE;
  private final LongAdder measuredOutcomes = new LongAdder();

  void measureFrom(long nanos) {
    measureFromNanos = nanos;
  }

  void cut(String sessionId, long index) {
    cutSentAt.put(sessionId + '/' + index, System.nanoTime());
    jobsCut.increment();
  }

  void assigned(String sessionId, long index, int attempt) {
    Long sent = attempt == 1 ? cutSentAt.remove(sessionId + '/' + index) : null;
    if (sent != null && sent >= measureFromNanos) {
      dispatch.recordValue((System.nanoTime() - sent) / 1000);
    }
  }

  /** The jobs a node held when it was killed or lost its scheduler: their failover starts now. */
  void orphaned(Collection<String> jobIds) {
    long now = System.nanoTime();
    jobIds.forEach(id -> orphanedAt.put(id, now));
  }

  void resumed(long micros) {
    resume.recordValue(micros);
  }

  /** A job_assign arrived: for a job a killed node held, its failover took this long. */
  void reassigned(String jobId) {
    Long killed = orphanedAt.remove(jobId);
    if (killed != null) {
      failover.recordValue((System.nanoTime() - killed) / 1000);
    }
  }

  void resultSent(String jobId) {
    resultSentAt.put(jobId, System.nanoTime());
  }

  void outcome(String jobId, boolean delivered) {
    long now = System.nanoTime();
    lastOutcomeNanos.accumulateAndGet(now, Math::max);
    if (now >= measureFromNanos) {
      measuredOutcomes.increment();
    }
    if (delivered) {
      results.increment();
      Long sent = jobId == null ? null : resultSentAt.remove(jobId);
      if (sent != null && sent >= measureFromNanos) {
        result.recordValue((now - sent) / 1000);
      }
    } else {
      missing.increment();
    }
  }

  void error(String code) {
    errors.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  long outcomes() {
    return results.sum() + missing.sum();
  }

  JsonObject report(JsonObject schedulerMemory) {
    long jobs = jobsCut.sum();
    double seconds = Math.max(1e-9, (lastOutcomeNanos.get() - measureFromNanos) / 1e9);
    JsonObject errorCounts = new JsonObject();
    errors.forEach((code, n) -> errorCounts.put(code, n.sum()));
    return new JsonObject()
        .put("jobs", jobs)
        .put("seconds", round(seconds))
        .put("jobs_per_s", round(measuredOutcomes.sum() / seconds))
        .put("dispatch_ms", percentiles(dispatch))
        .put("result_ms", percentiles(result))
        .put("results", results.sum())
        .put("missing", missing.sum())
        .put("lost", Math.max(0, jobs - outcomes()))
        .put("duplicates", duplicates.sum())
        .put("ui_events", uiEvents.sum())
        .put("errors", errorCounts)
        .put("node_kills", kills.sum())
        .put("failover_ms", percentiles(failover))
        .put("failovers_unfinished", orphanedAt.size())
        .put("redis_restart_ms", redisRestartMs)
        .put("resume_ms", percentiles(resume))
        .put("instance_restart_ms", instanceRestartMs)
        .put("scheduler_heap_mb", schedulerMemory == null ? null : schedulerMemory.getLong("heap_used_mb"))
        .put("scheduler_memory", schedulerMemory);
  }

  private static JsonObject percentiles(Histogram h) {
    return new JsonObject()
        .put("p50", ms(h.getValueAtPercentile(50)))
        .put("p99", ms(h.getValueAtPercentile(99)))
        .put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue()))
        .put("count", h.getTotalCount());
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
