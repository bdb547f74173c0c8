package dev.parley.node;

/** A range of sample indices in a turn's audio: {@code start} inclusive, {@code end} exclusive. */
public record Span(int start, int end) {

  public Span {
    if (start < 0) {
      throw new IllegalArgumentException("start must not be negative: " + start);
    }
    if (end < start) {
      throw new IllegalArgumentException("end " + end + " is before start " + start);
    }
  }

  /** The number of samples in the span. */
  public int length() {
    return end - start;
  }
}
