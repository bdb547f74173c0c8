package dev.parley.session;

/**
 * Limits a session's audio to {@code factor} times real time with a burst allowance, all in milliseconds of audio.
 * The caller supplies the clock, so the bucket is plain arithmetic.
 */
public final class TokenBucket {
  private final double ratePerMs;
  private final double capacity;
  private double tokens;
  private long lastMs;

  public TokenBucket(double factor, long burstMs, long nowMs) {
    this.ratePerMs = factor;
    this.capacity = burstMs;
    this.tokens = burstMs;
    this.lastMs = nowMs;
  }

  /** Takes {@code audioMs} if available; false (and nothing taken) otherwise. */
  public boolean tryTake(double audioMs, long nowMs) {
    if (nowMs > lastMs) {
      tokens = Math.min(capacity, tokens + (nowMs - lastMs) * ratePerMs);
      lastMs = nowMs;
    }
    if (audioMs > tokens) {
      return false;
    }
    tokens -= audioMs;
    return true;
  }
}
