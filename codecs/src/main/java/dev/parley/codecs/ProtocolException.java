package dev.parley.codecs;

/** A frame that breaks the protocol; answered with an {@code error} message carrying {@link #code()}. */
public final class ProtocolException extends RuntimeException {
  private final ErrorCode code;

  public ProtocolException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
