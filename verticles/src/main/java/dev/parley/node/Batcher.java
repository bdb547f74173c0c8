package dev.parley.node;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins consecutive pieces of a turn's audio into batches of about {@link #TARGET_MS} for the speech recogniser. A
 * batch is closed when the next piece would take it past the target, so only a piece longer than the target on its
 * own makes a batch longer than the target.
 */
public final class Batcher {
  public static final int TARGET_MS = 5000;

  private Batcher() {}

  /** Batches contiguous {@code pieces} with the default target; the batches are contiguous and cover the pieces. */
  public static List<Span> batch(List<Span> pieces, int sampleRate) {
    return batch(pieces, sampleRate, TARGET_MS);
  }

  /** Batches contiguous {@code pieces} so that none passes {@code targetMs} unless it is a single piece. */
  public static List<Span> batch(List<Span> pieces, int sampleRate, int targetMs) {
    if (sampleRate <= 0) {
      throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
    }
    if (targetMs <= 0) {
      throw new IllegalArgumentException("targetMs must be positive: " + targetMs);
    }
    long targetSamples = (long) targetMs * sampleRate / 1000;
    List<Span> batches = new ArrayList<>();
    Span open = null;
    for (Span piece : pieces) {
      if (open == null) {
        open = piece;
        continue;
      }
      if (piece.start() != open.end()) {
        throw new IllegalArgumentException("pieces are not contiguous: " + piece + " follows " + open);
      }
      if ((long) piece.end() - open.start() > targetSamples) {
        batches.add(open);
        open = piece;
      } else {
        open = new Span(open.start(), piece.end());
      }
    }
    if (open != null) {
      batches.add(open);
    }
    return batches;
  }
}
