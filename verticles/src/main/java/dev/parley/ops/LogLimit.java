package dev.parley.ops;

import java.util.function.LongConsumer;

/**
 * A bound on one kind of log line: at most {@code lines} of it per {@code intervalMs}, the rest counted and reported
 * with the next line let through. Under overload the same warning can come thousands of times a second, and writing
 * them costs the instance what it lacks. Safe to use from any thread.
 */
public final class LogLimit {
  private final int lines;
  private final long intervalMs;
  private long windowStartMs = Long.MIN_VALUE;
  private int passed;
  private long skipped;

  public LogLimit(int lines, long intervalMs) {
    this.lines = lines;
    this.intervalMs = intervalMs;
  }

  /** Ten lines a second. */
  public static LogLimit perSecond() {
    return new LogLimit(10, 1_000);
  }

  /** Writes the line, given how many were held back before it, unless the limit holds it back now. */
  public void log(LongConsumer line) {
    long held = admit(System.currentTimeMillis());
    if (held >= 0) {
      line.accept(held);
    }
  }

  /**
   * Whether a line may be written at {@code nowMs}: -1 if not (it is counted), else how many were held back since the
   * last one written, for the line to say.
   */
  public synchronized long admit(long nowMs) {
    if (nowMs >= windowStartMs + intervalMs) {
      windowStartMs = nowMs;
      passed = 0;
    }
    if (passed >= lines) {
      skipped++;
      return -1;
    }
    passed++;
    long held = skipped;
    skipped = 0;
    return held;
  }
}
