package dev.parley.store;

/**
 * A call to the Redis store that failed: Redis unreachable, silent past the call timeout, or refusing the call.
 * {@link #mayHaveRun} is true only for a call lost in flight (timed out, or its connection closed), which may have run.
 */
public final class RedisStoreException extends RuntimeException {
  private final boolean mayHaveRun;

  public RedisStoreException(String message, Throwable cause, boolean mayHaveRun) {
    super(message, cause);
    this.mayHaveRun = mayHaveRun;
  }

  public boolean mayHaveRun() {
    return mayHaveRun;
  }
}
