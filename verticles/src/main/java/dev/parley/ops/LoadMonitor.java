package dev.parley.ops;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether an instance is behind on its work, from how late its event loops run a periodic tick: a loop that runs a
 * tick {@code limitMs} late has work queued that long. Past the limit, the instance is overloaded for {@link #HOLD_MS}
 * after the last late tick, so it stops taking new sessions while what it has drains, rather than queueing more until
 * deadlines fire and failovers add to the load. A limit of 0 turns it off. Safe to use from any thread.
 *
 * <p>The sessions it has already taken are shed in part: it admits a share of their new turns. A tick past half the
 * limit cuts the share, the more the later it is ({@link #SHED_CUT} of itself per half limit of lateness), when it is
 * past the limit or later than that loop's tick before (the loop falls further behind; one catching up after a pause
 * is left to catch up); a tick under a quarter of the limit raises it by {@link #ADMIT_STEP}, in an interval with no
 * cut; each at most once per {@link #ADJUST_EVERY_MS}. So the share follows what the instance can serve, instead of
 * refusing everything and then taking everything again.
 *
 * <p>The shared store's round trips count as ticks ({@link #storeAnswered}): an instance whose Redis runs behind is
 * behind on its work too.
 */
public final class LoadMonitor {
  /** How long one late tick keeps the instance overloaded: long enough to not flap on every other tick. */
  public static final long HOLD_MS = 2_000;
  /** What a tick half the limit late leaves of the admitted share. */
  public static final double SHED_CUT = 0.75;
  /** What a tick on time adds to the admitted share: from the least to all in about two seconds. */
  public static final double ADMIT_STEP = 0.05;
  /** The least share admitted, so a session that keeps talking still gets some of its turns through. */
  public static final double MIN_ADMITTED = 0.05;
  /** Several loops tick at once, and a loop that was held runs its missed ticks in a burst: one change per interval. */
  public static final long ADJUST_EVERY_MS = 100;

  /** One event loop's ticks. Used from that loop only. */
  public final class Loop {
    private long lastLagMs;

    private Loop() {}

    /** A tick of this loop ran {@code lagMs} after it was due, at {@code nowMs}. */
    public void tick(long lagMs, long nowMs) {
      long before = lastLagMs;
      lastLagMs = lagMs;
      if (limitMs <= 0) {
        return;
      }
      late(lagMs, nowMs, lagMs > before);
      if (lagMs < limitMs / 4 && admitted < 1) {
        raise(nowMs);
      }
    }
  }

  private final long limitMs;
  private final AtomicLong lateUntilMs = new AtomicLong(Long.MIN_VALUE);
  private volatile double admitted = 1;
  private long cutAtMs = Long.MIN_VALUE;
  private long raisedAtMs = Long.MIN_VALUE;

  public LoadMonitor(long limitMs) {
    this.limitMs = limitMs;
  }

  /** The ticks of one more event loop. */
  public Loop loop() {
    return new Loop();
  }

  /**
   * A call to the shared store was answered {@code roundTripMs} after it was made, at {@code nowMs}. A store that far
   * behind holds up the work as a late loop does, though the loops keep time: a job's ack or result waits there while
   * its deadline runs, and a deadline that fires for it adds a failover to the queue. So a round trip counts as a
   * tick that late, except that only ticks raise the share again.
   */
  public void storeAnswered(long roundTripMs, long nowMs) {
    if (limitMs > 0) {
      late(roundTripMs, nowMs, true);
    }
  }

  /**
   * Work {@code lagMs} late, seen at {@code nowMs}: past the limit the instance is overloaded for {@link #HOLD_MS};
   * past half of it the share is cut, when the lateness is past the limit or {@code growing}.
   */
  private void late(long lagMs, long nowMs, boolean growing) {
    if (lagMs >= limitMs) {
      lateUntilMs.accumulateAndGet(nowMs + HOLD_MS, Math::max); // several report: the later deadline wins
    }
    double halves = lagMs / (limitMs / 2.0);
    if (halves >= 1 && (halves >= 2 || growing)) {
      cut(Math.pow(SHED_CUT, halves), nowMs);
    }
  }

  private synchronized void cut(double factor, long nowMs) {
    if (nowMs >= cutAtMs + ADJUST_EVERY_MS) {
      cutAtMs = nowMs;
      admitted = Math.max(MIN_ADMITTED, admitted * factor);
    }
  }

  /** Only in an interval with no cut: a loop on time does not outweigh another that runs behind. */
  private synchronized void raise(long nowMs) {
    if (nowMs >= raisedAtMs + ADJUST_EVERY_MS && nowMs >= cutAtMs + ADJUST_EVERY_MS) {
      raisedAtMs = nowMs;
      admitted = Math.min(1, admitted + ADMIT_STEP);
    }
  }

  public boolean overloaded(long nowMs) {
    return nowMs < lateUntilMs.get();
  }

  /** The share of new turns admitted now, 1 when the instance keeps up. */
  public double admittedShare() {
    return admitted;
  }

  /** Whether to take a new turn, given a uniform draw from [0, 1): a share {@link #admittedShare()} of them is. */
  public boolean admitsTurn(double draw) {
    return draw < admitted;
  }
}
