package dev.parley.node;

import java.util.function.DoubleSupplier;

/**
 * Delays between connection attempts: the ceiling doubles from {@code minMs} with each failed attempt up to {@code
 * maxMs}, and each delay is drawn at random below it (jitter), so nodes that lost the same scheduler do not all
 * return at once. A successful registration resets it.
 */
final class ReconnectBackoff {
  private final long minMs;
  private final long maxMs;
  private final DoubleSupplier random;
  private int failures;

  /** {@code random} gives values in {@code [0, 1)}; the minimum is at least 1 ms and the maximum at least that. */
  ReconnectBackoff(long minMs, long maxMs, DoubleSupplier random) {
    this.minMs = Math.max(1, minMs);
    this.maxMs = Math.max(this.minMs, maxMs);
    this.random = random;
  }

  /** The delay before the next attempt, in {@code [minMs / 2, maxMs]}; each call counts one more failure. */
  long nextDelayMs() {
    long ceiling = Math.min(maxMs, minMs << Math.min(failures, 16));
    failures++;
    long floor = Math.max(1, minMs / 2);
    return Math.min(maxMs, floor + (long) (random.getAsDouble() * (ceiling - floor + 1)));
  }

  void reset() {
    failures = 0;
  }
}
