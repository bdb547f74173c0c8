package dev.parley.node;

import dev.parley.codecs.protocol.JobAssign;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One turn's audio on a node, for one target language: each job's decoded samples appended in the order the jobs
 * arrived, with the range of samples each job brought.
 */
final class TurnBuffer {
  /** A job of the turn and the samples it brought. */
  record Part(JobAssign assign, Span range) {}

  private final String key;
  private final String turnId;
  private final List<Part> parts = new ArrayList<>();
  private short[] samples = new short[16_000];
  private int length;
  private long lastActivityMs;
  private boolean dropped;

  /** A buffer for the turn of {@code first}, the first of its jobs to arrive. */
  TurnBuffer(JobAssign first, long nowMs) {
    this.key = key(first);
    this.turnId = first.turnId();
    this.lastActivityMs = nowMs;
  }

  /** The buffer's key: turn id and target language. */
  static String key(JobAssign a) {
    return a.turnId() + '/' + a.tgtLang();
  }

  String key() {
    return key;
  }

  String turnId() {
    return turnId;
  }

  void append(JobAssign assign, short[] pcm, long nowMs) {
    if (length + pcm.length > samples.length) {
      samples = Arrays.copyOf(samples, Math.max(samples.length * 2, length + pcm.length));
    }
    System.arraycopy(pcm, 0, samples, length, pcm.length);
    parts.add(new Part(assign, new Span(length, length + pcm.length)));
    length += pcm.length;
    lastActivityMs = nowMs;
  }

  boolean holds(String jobId) {
    return parts.stream().anyMatch(p -> p.assign().jobId().equals(jobId));
  }

  List<Part> parts() {
    return List.copyOf(parts);
  }

  List<Span> jobRanges() {
    return parts.stream().map(Part::range).toList();
  }

  short[] samples() {
    return Arrays.copyOf(samples, length);
  }

  /** Cancelled or reset: work still running for the turn sends nothing. */
  void drop() {
    dropped = true;
  }

  boolean isDropped() {
    return dropped;
  }

  long lastActivityMs() {
    return lastActivityMs;
  }
}
