package dev.parley.session;

/**
 * Checks, frame by frame, that a text message is UTF-8, as RFC 6455 asks of an endpoint (which then closes with
 * 1007). The WebSocket layer underneath would otherwise hand on U+FFFD in place of the bad bytes.
 */
final class Utf8Check {
  /** Continuation bytes the current character still needs. */
  private int needed;
  /** The range the next continuation byte must be in: narrower after E0, ED, F0, F4 (overlong, surrogate, too high). */
  private int lower = 0x80;
  private int upper = 0xBF;
  private boolean inText;
  private boolean failed;

  /** Whether a text message on this socket was not UTF-8; once true, it stays so. */
  boolean failed() {
    return failed;
  }

  /** A data message begins: only a text one is checked. */
  void begin(boolean text) {
    inText = text;
    needed = 0;
    lower = 0x80;
    upper = 0xBF;
  }

  /** Whether the frames now arriving belong to a text message. */
  boolean inText() {
    return inText && !failed;
  }

  /** Takes the next frame of the text message; false once the text seen is not UTF-8. */
  boolean accept(byte[] payload, boolean last) {
    if (failed) {
      return false;
    }
    for (byte value : payload) {
      if (!next(value & 0xFF)) {
        failed = true;
        return false;
      }
    }
    if (last && needed != 0) {
      failed = true; // the message ends inside a character
      return false;
    }
    return true;
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
