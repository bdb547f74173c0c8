package dev.parley.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Token checks whose time does not tell a guesser how much of a token was right, or which one. */
final class Secrets {
  private Secrets() {}

  static boolean matches(String given, String expected) {
    byte[] a = (given == null ? "" : given).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(a, expected.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code given} is one of {@code expected}; every one is compared, whichever matched. */
  static boolean matchesAny(String given, List<String> expected) {
    boolean any = false;
    for (String e : expected) {
      any |= matches(given, e);
    }
    return any;
  }
}
