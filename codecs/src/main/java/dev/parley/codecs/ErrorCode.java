package dev.parley.codecs;

/** The error codes of the wire protocol, sent as {@code error.code}. */
public enum ErrorCode {
  BAD_JSON,
  MISSING_FIELD,
  UNKNOWN_TYPE,
  BAD_AUDIO,
  FRAME_TOO_LARGE,
  RATE_LIMITED,
  UNAUTHORIZED,
  WRONG_SESSION,
  UNSUPPORTED_LANGUAGE_PAIR,
  NO_AVAILABLE_NODE,
  DUPLICATE,
  STALE_ATTEMPT,
  RESUME_EXPIRED,
  BAD_INDEX,
  OVERLOADED,
  INTERNAL;

  /** The event-bus failure code that carries this error between verticles. */
  public int busCode() {
    return 400 + ordinal();
  }

  public static ErrorCode fromBusCode(int code) {
    int i = code - 400;
    return i >= 0 && i < values().length ? values()[i] : INTERNAL;
  }
}
