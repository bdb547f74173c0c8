package dev.parley.codecs.protocol;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One fully populated instance of every message, and what PROTOCOL.md says about its fields. */
final class Samples {
  static final byte[] AUDIO = {0, 1, 2, (byte) 0xfb, (byte) 0xff, 127};
  static final ServiceTimings TIMINGS = new ServiceTimings(120L, 40L, 300L);

  private Samples() {}

  static List<Message> full() {
    return List.of(
        new SessionInit(
            "en", "es", "pcm16", 48000, true, "two_way_auto", "en", "es", "web-1.2", "web",
            "trace-1", "1", "resume-abc", 7),
        new SessionInitAck("s-1", "resume-abc", 41L, "1", true, "pcm16", 16000, "trace-1"),
        new AudioChunk("s-1", 42L, true, AUDIO, 1_700_000_000_123L),
        new Utterance("s-1", 3, false, "en", "es", AUDIO, "opus", 16000),
        new ClientHeartbeat("s-1", 1_700_000_000_000L),
        new TtsStarted("s-1", "g-1", 1_700_000_000_001L),
        new TtsPlayEnded("s-1", "g-1", 1_700_000_000_002L),
        new SessionClose("s-1", SessionClose.ABORT),
        new TranslationResult(
            "s-1", 3, "j-1", "t-1", 1, "hello", "hola", AUDIO, "wav", "g-1", 2, "trace-1",
            TIMINGS, 1_700_000_000_500L),
        new AsrPartial("s-1", 3, "j-1", "n-1", "hel", true, "trace-1"),
        new MissingResult("s-1", 4, "j-2", MissingResult.JOB_TIMEOUT, "trace-2"),
        new UiEvent("s-1", "j-1", 3, UiEvent.JOB_DISPATCHED, "dispatched", 15L, "trace-1"),
        new ServerHeartbeat("s-1", 1_700_000_000_003L),
        new SessionCloseAck("s-1"),
        new ErrorMessage("STALE_ATTEMPT", "stale attempt", new JsonObject().put("job_id", "j-1")),
        new NodeRegister(
            "n-1", "0.3.0", "linux-x86_64", "secret", 4,
            new LanguageCapabilities(
                List.of("en", "es"), List.of("es"), List.of(new LanguagePair("en", "es"))),
            new JsonObject().put("semantic_repair", true)),
        new NodeHeartbeat(
            "n-1", 1_700_000_000_004L, new ResourceUsage(55.5, 70.25, 12.5, 2),
            NodeHeartbeat.DEGRADED),
        new JobAck("j-1", 2, "n-1", "s-1"),
        new JobStarted("j-1", 2, "n-1", "s-1"),
        new JobResult(
            "j-1", 2, "n-1", false, "s-1", 3, "hello", "hola", AUDIO, "wav",
            new JobResultExtra(JobResultExtra.ASR_EMPTY, 0.93), 450L, TIMINGS,
            new JobError("ASR_FAILED", "model crashed"), "trace-1"),
        new NodeError("n-1", "GPU_OOM", "out of memory"),
        new NodeRegisterAck("n-1", "ready", 5000L),
        new JobAssign(
            "j-1", 2, "s-1", 3, "t-1", 1, "en", "es", new Pipeline(true, true, false, true),
            AUDIO, "opus", 16000, 10_000L, true, true, true, "trace-1", "previous text"),
        new JobCancel("j-1", 2, JobCancel.FAILOVER),
        new NodeControl(NodeControl.DRAIN, "maintenance"));
  }

  static Message full(String type) {
    return full().stream().filter(m -> m.type().equals(type)).findFirst().orElseThrow();
  }

  /** The top-level JSON names of each message, from PROTOCOL.md. */
  static final Map<String, Set<String>> FIELDS =
      Map.ofEntries(
          Map.entry(
              "session_init",
              Set.of(
                  "src_lang", "tgt_lang", "audio_format", "sample_rate", "binary_frames", "mode",
                  "lang_a", "lang_b", "client_version", "platform", "trace_id",
                  "protocol_version", "resume_token", "last_utterance_index")),
          Map.entry(
              "session_init_ack",
              Set.of(
                  "session_id", "resume_token", "last_seq", "protocol_version",
                  "use_binary_frame", "negotiated_codec", "negotiated_sample_rate", "trace_id")),
          Map.entry(
              "audio_chunk",
              Set.of("session_id", "seq", "is_final", "payload", "client_timestamp_ms")),
          Map.entry(
              "utterance",
              Set.of(
                  "session_id", "utterance_index", "manual_cut", "src_lang", "tgt_lang", "audio",
                  "audio_format", "sample_rate")),
          Map.entry("client_heartbeat", Set.of("session_id", "timestamp")),
          Map.entry("tts_started", Set.of("session_id", "group_id", "ts_start_ms")),
          Map.entry("tts_play_ended", Set.of("session_id", "group_id", "ts_end_ms")),
          Map.entry("session_close", Set.of("session_id", "reason")),
          Map.entry(
              "translation_result",
              Set.of(
                  "session_id", "utterance_index", "job_id", "turn_id", "segment_index",
                  "text_asr", "text_translated", "tts_audio", "tts_format", "group_id",
                  "part_index", "trace_id", "service_timings", "scheduler_sent_at_ms")),
          Map.entry(
              "asr_partial",
              Set.of(
                  "session_id", "utterance_index", "job_id", "node_id", "text", "is_final",
                  "trace_id")),
          Map.entry(
              "missing_result",
              Set.of("session_id", "utterance_index", "job_id", "reason", "trace_id")),
          Map.entry(
              "ui_event",
              Set.of(
                  "session_id", "job_id", "utterance_index", "event", "status", "elapsed_ms",
                  "trace_id")),
          Map.entry("server_heartbeat", Set.of("session_id", "timestamp")),
          Map.entry("session_close_ack", Set.of("session_id")),
          Map.entry("error", Set.of("code", "message", "details")),
          Map.entry(
              "node_register",
              Set.of(
                  "node_id", "version", "platform", "token", "max_concurrent_jobs",
                  "language_capabilities", "features_supported")),
          Map.entry(
              "node_heartbeat", Set.of("node_id", "timestamp", "resource_usage", "status")),
          Map.entry("job_ack", Set.of("job_id", "attempt_id", "node_id", "session_id")),
          Map.entry("job_started", Set.of("job_id", "attempt_id", "node_id", "session_id")),
          Map.entry(
              "job_result",
              Set.of(
                  "job_id", "attempt_id", "node_id", "success", "session_id", "utterance_index",
                  "text_asr", "text_translated", "tts_audio", "tts_format", "extra",
                  "processing_time_ms", "service_timings", "error", "trace_id")),
          Map.entry("node_error", Set.of("node_id", "code", "message")),
          Map.entry(
              "node_register_ack", Set.of("node_id", "status", "heartbeat_interval_ms")),
          Map.entry(
              "job_assign",
              Set.of(
                  "job_id", "attempt_id", "session_id", "utterance_index", "turn_id",
                  "segment_index", "src_lang", "tgt_lang", "pipeline", "audio", "audio_format",
                  "sample_rate", "expected_duration_ms", "is_manual_cut", "is_timeout_triggered",
                  "is_max_duration_triggered", "trace_id", "context_text")),
          Map.entry("job_cancel", Set.of("job_id", "attempt_id", "reason")),
          Map.entry("node_control", Set.of("command", "reason")));

  /** The fields whose absence is MISSING_FIELD; every other field may be left out. */
  static final Map<String, Set<String>> REQUIRED =
      Map.ofEntries(
          Map.entry("session_init", Set.of("src_lang", "tgt_lang")),
          Map.entry(
              "session_init_ack",
              Set.of(
                  "session_id", "resume_token", "negotiated_codec", "negotiated_sample_rate")),
          Map.entry("audio_chunk", Set.of("session_id", "seq", "is_final")),
          Map.entry("utterance", Set.of("session_id", "utterance_index", "audio")),
          Map.entry("client_heartbeat", Set.of("session_id")),
          Map.entry("tts_started", Set.of("session_id")),
          Map.entry("tts_play_ended", Set.of("session_id")),
          Map.entry("session_close", Set.of("session_id")),
          Map.entry(
              "translation_result",
              Set.of(
                  "session_id", "utterance_index", "job_id", "turn_id", "segment_index",
                  "text_asr", "text_translated", "scheduler_sent_at_ms")),
          Map.entry("asr_partial", Set.of("job_id", "text")),
          Map.entry("missing_result", Set.of("session_id", "utterance_index", "reason")),
          Map.entry("ui_event", Set.of("session_id", "job_id", "utterance_index", "event")),
          Map.entry("server_heartbeat", Set.of("session_id", "timestamp")),
          Map.entry("session_close_ack", Set.of("session_id")),
          Map.entry("error", Set.of("code", "message")),
          Map.entry("node_register", Set.of("max_concurrent_jobs", "language_capabilities")),
          Map.entry("node_heartbeat", Set.of("node_id")),
          Map.entry("job_ack", Set.of("job_id", "attempt_id", "node_id")),
          Map.entry("job_started", Set.of("job_id", "attempt_id", "node_id")),
          Map.entry("job_result", Set.of("job_id", "attempt_id", "node_id", "success")),
          Map.entry("node_error", Set.of("node_id", "code")),
          Map.entry("node_register_ack", Set.of("node_id", "heartbeat_interval_ms")),
          Map.entry(
              "job_assign",
              Set.of(
                  "job_id", "attempt_id", "session_id", "utterance_index", "turn_id",
                  "segment_index", "src_lang", "tgt_lang", "pipeline", "audio", "audio_format",
                  "sample_rate", "expected_duration_ms")),
          Map.entry("job_cancel", Set.of("job_id", "attempt_id", "reason")),
          Map.entry("node_control", Set.of("command")));
}
