package dev.parley.store;

/** A call to the Redis store that failed: Redis unreachable, silent past the call timeout, or refusing the call. */
public final class RedisStoreException extends RuntimeException {
  public RedisStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
