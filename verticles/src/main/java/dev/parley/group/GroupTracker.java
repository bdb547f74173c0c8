package dev.parley.group;

/**
 * One session's conversation groups: a result delivered within the window of the previous part joins its group, up
 * to a number of parts. The session's recent delivered text, bounded, is the context for its next job: it spans groups
 * because the node uses it to drop and trim repeats, which cross group boundaries.
 */
public final class GroupTracker {
  /** Where a delivered result was placed. */
  public record Placement(long groupId, int partIndex) {}

  private final long windowMs;
  private final int maxParts;
  private final int maxContextChars;

  private long groupId = -1;
  private int parts;
  private long lastAtMs;
  private final StringBuilder context = new StringBuilder();

  public GroupTracker(long windowMs, int maxParts, int maxContextChars) {
    this.windowMs = windowMs;
    this.maxParts = maxParts;
    this.maxContextChars = maxContextChars;
  }

  public Placement place(String text, long nowMs) {
    boolean joins = groupId >= 0 && nowMs - lastAtMs <= windowMs && parts < maxParts;
    if (!joins) {
      groupId++;
      parts = 0;
    }
    lastAtMs = nowMs;
    appendContext(text);
    return new Placement(groupId, parts++);
  }

  public String contextText() {
    return context.toString();
  }

  private void appendContext(String text) {
    if (text == null || text.isBlank()) {
      return;
    }
    if (context.length() > 0) {
      context.append(' ');
    }
    context.append(text.strip());
    if (context.length() > maxContextChars) {
      // keep the newest text, starting at a word boundary where there is one
      int cut = context.length() - maxContextChars;
      int space = context.indexOf(" ", cut - 1); // a space just before the cut keeps the word after it whole
      context.delete(0, space >= 0 && space < context.length() - 1 ? space + 1 : cut);
    }
  }
}
