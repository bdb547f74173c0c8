package dev.parley.session;

/**
 * Checks, frame by frame, that a text message is UTF-8: a character may be split between two frames. The WebSocket
 * layer underneath would hand on U+FFFD in place of bad bytes.
 */
final class Utf8Check {
  /** Continuation bytes the current character still needs. */
  private int needed;
  /** The range the next continuation byte must be in: narrower after E0, ED, F0, F4 (overlong, surrogate, too high). */
  private int lower = 0x80;
  private int upper = 0xBF;

  /** A new message begins. */
  void reset() {
    needed = 0;
    lower = 0x80;
    upper = 0xBF;
  }

  /** Takes the next frame of the message; false when the text seen is not UTF-8 (or, at its last, ends mid-character). */
  boolean accept(byte[] payload, boolean last) {
    for (byte value : payload) {
      if (!next(value & 0xFF)) {
        return false;
      }
    }
    return !last || needed == 0;
  }

  private boolean next(int b) {
    if (needed == 0) {
      if (b <= 0x7F) {
        return true;
      }
      if (b >= 0xC2 && b <= 0xDF) {
        needed = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        lower = b == 0xE0 ? 0xA0 : 0x80;
        upper = b == 0xED ? 0x9F : 0xBF;
        needed = 2;
      } else if (b >= 0xF0 && b <= 0xF4) {
        lower = b == 0xF0 ? 0x90 : 0x80;
        upper = b == 0xF4 ? 0x8F : 0xBF;
        needed = 3;
      } else {
        return false;
      }
      return true;
    }
    if (b < lower || b > upper) {
      return false;
    }
    lower = 0x80;
    upper = 0xBF;
    needed--;
    return true;
  }
}
