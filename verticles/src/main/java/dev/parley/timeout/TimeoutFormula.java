package dev.parley.timeout;

import dev.parley.config.ParleyConfig;

/** How long a node may take to answer jobs of a given audio duration. */
public final class TimeoutFormula {
  private TimeoutFormula() {}

  /** {@code clamp(base + expected * factor, min, max)}. */
  public static long timeoutMs(long expectedDurationMs, ParleyConfig.Timeout t) {
    long raw = t.baseMs() + Math.round(expectedDurationMs * t.factor());
    return Math.max(t.minMs(), Math.min(t.maxMs(), raw));
  }
}
