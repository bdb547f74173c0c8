package dev.parley.node;

import dev.parley.bus.Addresses;
import dev.parley.codecs.ErrorCode;
import dev.parley.codecs.audio.AudioFormat;
import dev.parley.codecs.audio.OpusDecoding;
import dev.parley.codecs.audio.Pcm16;
import dev.parley.codecs.audio.Wav;
import dev.parley.codecs.protocol.JobAssign;
import dev.parley.codecs.protocol.JobCancel;
import dev.parley.codecs.protocol.JobError;
import dev.parley.codecs.protocol.JobResult;
import dev.parley.codecs.protocol.JobResultExtra;
import dev.parley.codecs.protocol.NodeControl;
import dev.parley.codecs.protocol.ServiceTimings;
import dev.parley.config.ParleyConfig;
import dev.parley.engine.AsrEngine;
import dev.parley.engine.EngineException;
import dev.parley.engine.Engines;
import dev.parley.engine.MtEngine;
import dev.parley.engine.TtsEngine;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's turns: appends each job's audio to its turn's buffer, and when the turn's last job arrives, splits the
 * turn at pauses, batches it, recognises each batch, and answers every job of the turn exactly once, with the text
 * of the batches it owns (translated and spoken), {@code NO_TEXT_ASSIGNED}, or a failure. A job whose audio cannot
 * be decoded is answered {@code BAD_AUDIO} at once and left out of its turn, whose other jobs go on. Engines run on a
 * worker pool as large as the node's job limit, never on the event loop.
 *
 * <p>Each job is held at one attempt: a higher attempt of a job drops the turn of the earlier one (the scheduler moved
 * the turn), and a cancel drops the turn only when it names the attempt held.
 */
public final class AggregatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AggregatorVerticle.class);
  /** Internal command on {@link Addresses#NODE_CONTROL}: the link reconnected, so every turn moved elsewhere. */
  public static final String RESET = "reset";
  private static final int SAMPLE_RATE = 16_000;
  private static final long SWEEP_MS = 5_000;
  public static final String ASR_FAILED = "ASR_FAILED";
  public static final String NO_ENGINE = "NO_ENGINE";
  public static final String DRAINING = "DRAINING";
  public static final String RESULT_TIMEOUT = "RESULT_TIMEOUT";
  public static final String BAD_AUDIO = ErrorCode.BAD_AUDIO.name();

  /** The attempt of a job the node holds, and the turn it belongs to. */
  private record HeldJob(int attemptId, TurnBuffer turn) {}

  private final ParleyConfig.Node config;
  private final Engines engines;
  private final String nodeId;
  private final Map<String, TurnBuffer> turns = new HashMap<>();
  private final Map<String, OpusDecoding> decoders = new HashMap<>();
  /** Every job not answered yet, of a turn open or flushed, by job id. */
  private final Map<String, HeldJob> byJob = new HashMap<>();
  private WorkerExecutor workers;
  private EventBus bus;
  private boolean draining;

  public AggregatorVerticle(ParleyConfig.Node config, Engines engines, String nodeId) {
    this.config = config;
    this.engines = engines;
    this.nodeId = nodeId;
  }

  @Override
  public Future<?> start() {
    bus = vertx.eventBus();
    workers = vertx.createSharedWorkerExecutor("parley-engines", config.concurrency());
    vertx.setPeriodic(SWEEP_MS, id -> dropIdleTurns());
    return Future.all(
        bus.<JobAssign>localConsumer(Addresses.NODE_JOB, this::onJob).completion(),
        bus.<JobCancel>localConsumer(Addresses.NODE_CANCEL, this::onCancel).completion(),
        bus.<NodeControl>localConsumer(Addresses.NODE_CONTROL, this::onControl).completion());
  }

  @Override
  public Future<?> stop() {
    return workers.close();
  }

  private void onJob(Message<JobAssign> message) {
    JobAssign a = message.body();
    HeldJob earlier = byJob.get(a.jobId());
    if (earlier != null && earlier.attemptId() >= a.attemptId()) {
      // the link lets only new attempts through; this guards the buffers should another sender not
      LOG.warn("job_assign ignored trace_id={} job_id={} attempt_id={} turn_id={} node_id={} held_attempt_id={}",
          a.traceId(), a.jobId(), a.attemptId(), a.turnId(), nodeId, earlier.attemptId());
      return;
    }
    if (earlier != null) {
      // the scheduler moved the earlier attempt's turn, here again: it starts afresh from this job
      drop(earlier.turn(), "replaced by attempt " + a.attemptId() + " of job_id=" + a.jobId());
    }
    String key = TurnBuffer.key(a);
    TurnBuffer turn = turns.get(key);
    if (turn == null && draining) {
      answer(failure(a, DRAINING, "the node is draining and takes no new turn"));
      return;
    }
    if (turn == null) {
      // a turn starts with the first job that arrives, whatever its segment: after a failover that is the first
      // unfinished one
      turn = new TurnBuffer(a, System.currentTimeMillis());
      turns.put(key, turn);
    }
    TurnBuffer target = turn;
    byJob.put(a.jobId(), new HeldJob(a.attemptId(), target)); // from receipt: a cancel may come while decoding
    OpusDecoding opus = decoders.computeIfAbsent(key, k -> new OpusDecoding(SAMPLE_RATE));
    // ordered: a turn's jobs are decoded and appended in the order they arrived
    vertx.executeBlocking(() -> decode(a, opus), true).onComplete(ar -> {
      if (target.isDropped() || turns.get(key) != target) {
        return;
      }
      if (ar.succeeded()) {
        target.append(a, ar.result(), System.currentTimeMillis());
      } else {
        // a visible failure, so the scheduler can move the job; the turn's other jobs keep their audio
        LOG.warn("bad audio trace_id={} job_id={} attempt_id={} turn_id={} node_id={}: {}", a.traceId(), a.jobId(),
            a.attemptId(), a.turnId(), nodeId, ar.cause().getMessage());
        answer(target, failure(a, BAD_AUDIO, "the job's audio cannot be decoded: " + ar.cause().getMessage()));
      }
      if (!a.isMaxDurationTriggered()) {
        turns.remove(key);
        decoders.remove(key);
        if (!target.parts().isEmpty()) {
          flush(target);
        }
      }
    });
  }

  private static short[] decode(JobAssign a, OpusDecoding opus) {
    if (a.audio().length == 0) {
      return new short[0];
    }
    AudioFormat format = AudioFormat.fromWire(a.audioFormat());
    if (format == AudioFormat.OPUS) {
      return opus.decode(a.audio());
    }
    Pcm16.validate(a.audio());
    short[] pcm = Pcm16.toSamples(a.audio());
    int rate = a.sampleRate() > 0 ? a.sampleRate() : SAMPLE_RATE;
    return rate == SAMPLE_RATE ? pcm : Wav.resample(pcm, rate, SAMPLE_RATE);
  }

  /** Splits, batches and recognises the turn, then answers each job as soon as its batches are done. */
  private void flush(TurnBuffer turn) {
    List<TurnBuffer.Part> parts = turn.parts();
    JobAssign last = parts.get(parts.size() - 1).assign();
    AsrEngine asr = engines.asrFor(last.srcLang());
    long flushedAtNs = System.nanoTime();
    short[] samples = turn.samples();
    List<Span> batches = Batcher.batch(EnergySplitter.split(samples, SAMPLE_RATE), SAMPLE_RATE);
    TurnTexts texts = new TurnTexts(BatchOwnership.owners(batches, turn.jobRanges()), parts.size());
    LOG.debug("turn flushed turn_id={} node_id={} jobs={} samples={} batches={}", last.turnId(), nodeId, parts.size(),
        samples.length, batches.size());
    boolean[] answered = new boolean[parts.size()];
    long[] asrMs = new long[parts.size()];
    Runnable answerSettled = () -> {
      for (int j = 0; j < parts.size(); j++) {
        if (!answered[j] && texts.settled(j)) {
          answered[j] = true;
          finish(turn, parts.get(j).assign(), texts, j, asrMs[j], flushedAtNs);
        }
      }
    };
    answerSettled.run(); // jobs that own no batch answer at once
    if (asr == null) {
      for (int b = 0; b < batches.size(); b++) {
        texts.batchFailed(b);
      }
      answerSettled.run();
      return;
    }
    for (int b = 0; b < batches.size(); b++) {
      int batch = b;
      Span span = batches.get(b);
      short[] audio = java.util.Arrays.copyOfRange(samples, span.start(), span.end());
      long startNs = System.nanoTime();
      workers.executeBlocking(() -> turn.isDropped() ? "" : asr.recognise(audio, SAMPLE_RATE, last.srcLang()),
          false).onComplete(ar -> {
        asrMs[texts.owner(batch)] += (System.nanoTime() - startNs) / 1_000_000;
        if (ar.succeeded()) {
          texts.done(batch, ar.result());
        } else {
          LOG.warn("recognition failed turn_id={} node_id={} batch={}: {}", last.turnId(), nodeId, batch,
              ar.cause().getMessage());
          texts.batchFailed(batch);
        }
        answerSettled.run();
      });
    }
    // no job waits forever: past the result deadline each job answers with what it has
    vertx.setTimer(config.resultTtlMs(), id -> {
      for (int j = 0; j < parts.size(); j++) {
        if (!answered[j]) {
          answered[j] = true;
          JobAssign late = parts.get(j).assign();
          LOG.warn("result deadline passed trace_id={} job_id={} attempt_id={} turn_id={} node_id={}",
              late.traceId(), late.jobId(), late.attemptId(), last.turnId(), nodeId);
          finish(turn, parts.get(j).assign(), texts, j, asrMs[j], flushedAtNs);
        }
      }
    });
  }

  /** Answers one job of a flushed turn: no text, a failure, or its text through the text stage, MT and TTS. */
  private void finish(TurnBuffer turn, JobAssign a, TurnTexts texts, int job, long asrMs, long flushedAtNs) {
    if (turn.isDropped()) {
      return;
    }
    if (texts.ownsNothing(job)) {
      answer(turn, noText(a, JobResultExtra.NO_TEXT_ASSIGNED));
      return;
    }
    if (texts.jobFailed(job)) {
      answer(turn, failure(a, texts.settled(job) ? ASR_FAILED : RESULT_TIMEOUT,
          "no batch of the job was recognised"));
      return;
    }
    String text = TextStage.process(texts.text(job), a.contextText());
    if (text.isEmpty()) {
      answer(turn, noText(a, JobResultExtra.ASR_EMPTY));
      return;
    }
    boolean translate = a.pipeline() == null || a.pipeline().useNmt();
    boolean speak = a.pipeline() == null || a.pipeline().useTts();
    MtEngine mt = translate ? engines.mtFor(a.srcLang(), a.tgtLang()) : null;
    TtsEngine tts = speak ? engines.ttsFor(a.tgtLang()) : null;
    if (translate && mt == null) {
      answer(turn, failure(a, NO_ENGINE, "no translation engine for " + a.srcLang() + ">" + a.tgtLang()));
      return;
    }
    workers.executeBlocking(() -> {
      long t0 = System.nanoTime();
      String translated = mt == null ? text : mt.translate(text, a.srcLang(), a.tgtLang());
      long t1 = System.nanoTime();
      byte[] wav = null;
      if (tts != null && !translated.isBlank()) {
        try {
          wav = tts.synthesise(translated, a.tgtLang());
        } catch (EngineException e) {
          LOG.warn("synthesis failed trace_id={} job_id={} attempt_id={} turn_id={} node_id={}: {}", a.traceId(),
              a.jobId(), a.attemptId(), a.turnId(), nodeId, e.getMessage());
        }
      }
      long t2 = System.nanoTime();
      return new JobResult(a.jobId(), a.attemptId(), nodeId, true, a.sessionId(), a.utteranceIndex(), text,
          translated, wav, wav == null ? null : "wav", null, (System.nanoTime() - flushedAtNs) / 1_000_000,
          new ServiceTimings(asrMs, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000), null, a.traceId());
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        answer(turn, ar.result());
      } else {
        LOG.warn("translation failed trace_id={} job_id={} attempt_id={} turn_id={} node_id={}: {}", a.traceId(),
            a.jobId(), a.attemptId(), a.turnId(), nodeId, ar.cause().getMessage());
        answer(turn, failure(a, ErrorCode.INTERNAL.name(), ar.cause().getMessage()));
      }
    });
  }

  private JobResult noText(JobAssign a, String reason) {
    return new JobResult(a.jobId(), a.attemptId(), nodeId, true, a.sessionId(), a.utteranceIndex(), "", "", null,
        null, new JobResultExtra(reason, null), null, null, null, a.traceId());
  }

  private JobResult failure(JobAssign a, String code, String why) {
    return new JobResult(a.jobId(), a.attemptId(), nodeId, false, a.sessionId(), a.utteranceIndex(), null, null,
        null, null, null, null, null, new JobError(code, why), a.traceId());
  }

  private void answer(TurnBuffer turn, JobResult result) {
    if (turn.isDropped()) {
      return; // cancelled: the attempt belongs to another node now
    }
    byJob.computeIfPresent(result.jobId(), (id, held) -> held.turn() == turn ? null : held);
    answer(result);
  }

  private void answer(JobResult result) {
    LOG.debug("job answered trace_id={} job_id={} attempt_id={} node_id={} success={}", result.traceId(),
        result.jobId(), result.attemptId(), nodeId, result.success());
    bus.send(Addresses.NODE_RESULT, result, Addresses.local());
  }

  private void onCancel(Message<JobCancel> message) {
    JobCancel c = message.body();
    HeldJob held = byJob.get(c.jobId());
    if (held != null && held.attemptId() == c.attemptId()) {
      drop(held.turn(), "cancel " + c.reason() + " of job_id=" + c.jobId() + " attempt_id=" + c.attemptId());
    }
  }

  private void onControl(Message<NodeControl> message) {
    switch (message.body().command()) {
      // every turn, open or already being answered: the scheduler moved them all when the link closed
      case RESET -> byJob.values().stream().map(HeldJob::turn).distinct().toList()
          .forEach(t -> drop(t, "link reset"));
      case NodeControl.DRAIN -> draining = true;
      default -> LOG.warn("unknown node control {} node_id={}", message.body().command(), nodeId);
    }
  }

  private void drop(TurnBuffer turn, String why) {
    if (turns.remove(turn.key(), turn)) {
      decoders.remove(turn.key());
    }
    byJob.values().removeIf(held -> held.turn() == turn);
    turn.drop();
    LOG.info("turn dropped turn_id={} key={} node_id={} why={}", turn.turnId(), turn.key(), nodeId, why);
  }

  private void dropIdleTurns() {
    long now = System.currentTimeMillis();
    for (TurnBuffer t : List.copyOf(turns.values())) {
      if (now - t.lastActivityMs() > config.turnIdleMs()) {
        drop(t, "idle");
      }
    }
  }
}
