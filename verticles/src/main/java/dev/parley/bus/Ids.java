package dev.parley.bus;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Identifiers. Session ids and resume tokens are unguessable (secure random); job, turn and connection ids only need
 * to be unique, so they are a random per-process prefix and a counter, which is cheap at thousands of jobs a second.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final String PREFIX = token(6);
  private static final AtomicLong COUNTER = new AtomicLong();

  private Ids() {}

  public static String token(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return B64.encodeToString(b);
  }

  public static String sessionId() {
    return token(16);
  }

  public static String resumeToken() {
    return token(32);
  }

  /** A unique id such as {@code j-3kf9a2Xb-1z}: {@code kind} says what it names. */
  public static String next(String kind) {
    return kind + '-' + PREFIX + '-' + Long.toString(COUNTER.incrementAndGet(), 36);
  }
}
