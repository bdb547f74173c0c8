package dev.parley.session;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Cuts one session's audio into jobs: manual cuts ({@code is_final}), timeout cuts (a pause in the stream, or a turn
 * reaching its maximum length) and max-duration cuts, exactly at the limit. Durations are audio time. Not thread-safe:
 * one cutter belongs to one session on one event loop.
 */
public final class Cutter {

  public enum CutKind {
    MANUAL,
    TIMEOUT,
    MAX_DURATION
  }

  /** One job's worth of audio. A manual or timeout cut closes its turn; a max-duration cut keeps it open. */
  public record Cut(long utteranceIndex, String turnId, int segmentIndex, CutKind kind, byte[] audio, long durationMs) {
    public boolean closesTurn() {
      return kind != CutKind.MAX_DURATION;
    }
  }

  private final AudioMeter meter;
  private final long maxDurationMicros;
  private final long maxTurnMicros;
  private final Supplier<String> turnIds;

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private long pendingMicros;
  private long turnMicros;
  private String turnId;
  private int nextSegment;
  private long nextIndex;

  public Cutter(AudioMeter meter, long maxDurationMs, long maxTurnMs, Supplier<String> turnIds, long firstIndex) {
    this.meter = meter;
    this.maxDurationMicros = maxDurationMs * 1000;
    this.maxTurnMicros = maxTurnMs * 1000;
    this.turnIds = turnIds;
    this.nextIndex = firstIndex;
  }

  /**
   * Adds a chunk and returns the cuts it causes, in order. The audio is validated before anything changes, so a bad
   * chunk leaves the cutter as it was.
   */
  public List<Cut> append(byte[] audio, boolean isFinal) {
    long micros = audio.length == 0 ? 0 : meter.durationMicros(audio);
    List<Cut> cuts = new ArrayList<>(1);
    while (pendingMicros + micros > maxDurationMicros) {
      int offset = meter.splitOffset(audio, maxDurationMicros - pendingMicros);
      if (offset == 0 && pendingMicros == 0) {
        offset = audio.length; // a single packet longer than the limit: keep it whole rather than loop
      }
      addPending(Arrays.copyOf(audio, offset), offset == audio.length ? micros : -1);
      cuts.add(cut(turnFull() ? CutKind.TIMEOUT : CutKind.MAX_DURATION));
      audio = Arrays.copyOfRange(audio, offset, audio.length);
      micros = audio.length == 0 ? 0 : meter.durationMicros(audio);
      if (audio.length == 0) {
        break;
      }
    }
    addPending(audio, micros);
    if (isFinal) {
      close(CutKind.MANUAL, cuts);
    } else if (turnFull()) {
      close(CutKind.TIMEOUT, cuts);
    }
    return cuts;
  }

  /**
   * A whole utterance an API client cut itself: exactly one job, closing the turn or (a client-side max-duration cut)
   * keeping it open. The client chose the cut, so no limit applies.
   */
  public Cut whole(byte[] audio, boolean closesTurn) {
    long micros = audio.length == 0 ? 0 : meter.durationMicros(audio);
    addPending(audio, micros);
    return cut(closesTurn ? CutKind.MANUAL : CutKind.MAX_DURATION);
  }

  /** No chunk arrived for the pause limit (or the socket closed): closes the open utterance as a timeout cut. */
  public List<Cut> timeout() {
    List<Cut> cuts = new ArrayList<>(1);
    close(CutKind.TIMEOUT, cuts);
    return cuts;
  }

  /** True while audio is pending or a turn is open, i.e. while a pause would cut something. */
  public boolean hasOpenUtterance() {
    return pendingMicros > 0 || turnId != null;
  }

  /** True while audio waits for a cut; right after a cut, only the tail of the chunk that caused it can. */
  public boolean hasPendingAudio() {
    return pendingMicros > 0;
  }

  public long nextIndex() {
    return nextIndex;
  }

  /** True when the open turn, with the pending audio, has reached the turn limit. */
  private boolean turnFull() {
    return (turnId == null ? 0 : turnMicros) + pendingMicros >= maxTurnMicros;
  }

  private void close(CutKind kind, List<Cut> cuts) {
    // With nothing pending, only an open turn needs a job: the empty closing job that lets the node flush it.
    if (pending.size() > 0 || turnId != null) {
      cuts.add(cut(kind));
    }
  }

  private void addPending(byte[] audio, long micros) {
    if (audio.length == 0) {
      return;
    }
    pending.writeBytes(audio);
    pendingMicros += micros >= 0 ? micros : meter.durationMicros(audio);
  }

  private Cut cut(CutKind kind) {
    if (turnId == null) {
      turnId = turnIds.get();
      nextSegment = 0;
      turnMicros = 0;
    }
    Cut cut = new Cut(nextIndex++, turnId, nextSegment++, kind, pending.toByteArray(), pendingMicros / 1000);
    turnMicros += pendingMicros;
    pending.reset();
    pendingMicros = 0;
    if (cut.closesTurn()) {
      turnId = null;
    }
    return cut;
  }
}
