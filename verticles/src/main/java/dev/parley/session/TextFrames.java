package dev.parley.session;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Puts a socket's text messages together from their frames, checking as they come that the text is UTF-8 and no
 * larger than a limit. A message that fails is never read: RFC 6455 asks an endpoint to close with 1007 (or 1009).
 */
final class TextFrames {
  /** RFC 6455's close code for data that does not fit its type, such as text that is not UTF-8. */
  static final short INVALID_PAYLOAD = 1007;
  /** RFC 6455's close code for a message too big to process. */
  static final short MESSAGE_TOO_BIG = 1009;

  private final Utf8Check utf8 = new Utf8Check();
  private final int maxBytes;
  private ByteArrayOutputStream message;
  private boolean inText;
  private short closeCode;

  TextFrames(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A binary message began: the frames that continue it are not text. */
  void binary() {
    inText = false;
    message = null;
  }

  /** Whether a continuation frame now belongs to a text message. */
  boolean inText() {
    return inText && closeCode == 0;
  }

  /** Why the socket must close (a close code), or 0. Once set, no message is read any more. */
  short closeCode() {
    return closeCode;
  }

  /**
   * Takes a frame of a text message ({@code first}: the text frame that begins it; else a continuation). Returns the
   * whole text once its last frame is in, else null (more to come, or {@link #closeCode()} is set).
   */
  String accept(boolean first, boolean last, byte[] payload) {
    if (closeCode != 0) {
      return null;
    }
    if (first) {
      inText = true;
      utf8.reset();
      message = null;
      if (last) {
        return payload.length > maxBytes ? fail(MESSAGE_TOO_BIG) : utf8.accept(payload, true)
            ? new String(payload, StandardCharsets.UTF_8) : fail(INVALID_PAYLOAD);
      }
      message = new ByteArrayOutputStream();
    } else if (!inText || message == null) {
      return null;
    }
    if (message.size() + (long) payload.length > maxBytes) {
      return fail(MESSAGE_TOO_BIG);
    }
    if (!utf8.accept(payload, last)) {
      return fail(INVALID_PAYLOAD);
    }
    message.write(payload, 0, payload.length);
    if (!last) {
      return null;
    }
    String text = message.toString(StandardCharsets.UTF_8);
    message = null;
    inText = false;
    return text;
  }

  private String fail(short code) {
    closeCode = code;
    message = null;
    inText = false;
    return null;
  }
}
