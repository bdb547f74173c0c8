package dev.parley.ops;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether an instance is behind on its work, from how late its event loops run a periodic tick: a loop that runs a
 * tick {@code limitMs} late has work queued that long. Past the limit, the instance is overloaded for {@link #HOLD_MS}
 * after the last late tick, so it stops taking new sessions while what it has drains, rather than queueing more until
 * deadlines fire and failovers add to the load. A limit of 0 turns it off. Safe to use from any thread.
 */
public final class LoadMonitor {
  /** How long one late tick keeps the instance overloaded: long enough to not flap on every other tick. */
  public static final long HOLD_MS = 2_000;

  private final long limitMs;
  private final AtomicLong lateUntilMs = new AtomicLong(Long.MIN_VALUE);

  public LoadMonitor(long limitMs) {
    this.limitMs = limitMs;
  }

  /** A tick ran {@code lagMs} after it was due, at {@code nowMs}. */
  public void tick(long lagMs, long nowMs) {
    if (limitMs > 0 && lagMs >= limitMs) {
      lateUntilMs.accumulateAndGet(nowMs + HOLD_MS, Math::max); // several loops report: the later deadline wins
    }
  }

  public boolean overloaded(long nowMs) {
    return nowMs < lateUntilMs.get();
  }
}
