package dev.parley.session;

import java.util.HashSet;
import java.util.Set;

/**
 * After a resume's replay, tells which outcomes from the bus the replay already wrote. The store keeps an outcome
 * before its frame is sent to the socket, so one sent while the replay read the store would come twice. Only those
 * replayed are repeats: an outcome the store failed to keep still reaches the socket, whatever its place. Outcomes
 * come in order, so the first one past the last replayed ends the check.
 */
final class ReplayGuard {
  private final Set<Long> replayed = new HashSet<>();
  private long last = -1;

  void replayed(long utteranceIndex) {
    replayed.add(utteranceIndex);
    last = Math.max(last, utteranceIndex);
  }

  boolean checking() {
    return !replayed.isEmpty();
  }

  /** True when the replay wrote the outcome at this index; one past the last replayed ends the check. */
  boolean isRepeat(long utteranceIndex) {
    if (utteranceIndex > last) {
      replayed.clear();
      return false;
    }
    return replayed.contains(utteranceIndex);
  }
}
