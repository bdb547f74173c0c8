package dev.parley.store;

/**
 * A call to the Redis store that failed: Redis unreachable, silent past the call timeout, or refusing the call.
 * {@link #mayHaveRun} is false only for a call that was never sent.
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
