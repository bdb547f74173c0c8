package dev.parley.session;

/**
 * After a resume's replay, tells which outcomes from the bus the replay already wrote. The store keeps an outcome
 * before its frame is sent to the socket, so one sent while the replay read the store would come twice. Outcomes
 * come in order, so the first one past the replay ends the check.
 */
final class ReplayGuard {
  private long replayedUpTo = -1;

  void replayed(long utteranceIndex) {
    replayedUpTo = Math.max(replayedUpTo, utteranceIndex);
  }

  boolean checking() {
    return replayedUpTo >= 0;
  }

  /** True when the outcome at this index was replayed already; false ends the check. */
  boolean isRepeat(long utteranceIndex) {
    if (utteranceIndex <= replayedUpTo) {
      return true;
    }
    replayedUpTo = -1;
    return false;
  }
}
