package dev.parley.store;

import java.util.Set;

/**
 * A job as stored: what it carries (its audio as received, so any instance can fail it over) and where it is. The
 * attempt counts placements; a result is accepted only for the current attempt, from the node holding it. lastSeq is
 * the last audio chunk wholly in this job or an earlier one: a session resumed after a lost instance goes on from it.
 */
public record JobInfo(
    String jobId,
    String sessionId,
    String turnId,
    long utteranceIndex,
    int segmentIndex,
    int attempt,
    JobState state,
    String nodeId,
    Set<String> excludedNodes,
    byte[] audio,
    String audioFormat,
    int sampleRate,
    long durationMs,
    String cutKind,
    String srcLang,
    String tgtLang,
    String traceId,
    long createdAtMs,
    long lastSeq) {

  public JobInfo createdAt(long atMs) {
    return new JobInfo(jobId, sessionId, turnId, utteranceIndex, segmentIndex, attempt, state, nodeId, excludedNodes,
        audio, audioFormat, sampleRate, durationMs, cutKind, srcLang, tgtLang, traceId, atMs, lastSeq);
  }

  public JobInfo withState(JobState s) {
    return new JobInfo(jobId, sessionId, turnId, utteranceIndex, segmentIndex, attempt, s, nodeId, excludedNodes,
        audio, audioFormat, sampleRate, durationMs, cutKind, srcLang, tgtLang, traceId, createdAtMs, lastSeq);
  }

  public JobInfo withPlacement(int newAttempt, JobState s, String node, Set<String> excluded) {
    return new JobInfo(jobId, sessionId, turnId, utteranceIndex, segmentIndex, newAttempt, s, node, excluded,
        audio, audioFormat, sampleRate, durationMs, cutKind, srcLang, tgtLang, traceId, createdAtMs, lastSeq);
  }

  /** The record kept after the job ended: enough to recognise a late or repeated result, without the audio. */
  public JobInfo withoutAudio() {
    return new JobInfo(jobId, sessionId, turnId, utteranceIndex, segmentIndex, attempt, state, nodeId, excludedNodes,
        new byte[0], audioFormat, sampleRate, durationMs, cutKind, srcLang, tgtLang, traceId, createdAtMs, lastSeq);
  }
}
