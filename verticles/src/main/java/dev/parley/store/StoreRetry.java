package dev.parley.store;

/**
 * How a verticle makes a store call again that failed in a short outage (a Redis restart fails the calls in flight):
 * after {@link #FIRST_DELAY_MS}, doubled each time, at most {@link #LIMIT} times (7.75 s of waiting in all).
 */
public final class StoreRetry {
  public static final int LIMIT = 5;
  public static final long FIRST_DELAY_MS = 250;

  private StoreRetry() {}

  /** Whether a failed call may have run, its answer lost: only then can a call made again find its own work. */
  public static boolean mayHaveRun(Throwable e) {
    return !(e instanceof RedisStoreException r) || r.mayHaveRun();
  }

  /** The wait before retry number {@code retry + 1}. */
  public static long delayMs(int retry) {
    return FIRST_DELAY_MS << retry;
  }
}
