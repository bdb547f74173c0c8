package dev.parley.cli;

import java.io.PrintStream;

/**
 * The progress of {@code speak} on stderr: on a terminal, one line redrawn in place (a bar of the audio sent, the time
 * elapsed, the results so far); elsewhere, such as in a log, a plain line now and then. Used from one thread.
 */
final class SpeakProgress {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_MS = 200;
  private static final long PLAIN_LINE_MS = 10_000;

  private final PrintStream err;
  private final boolean terminal;
  private final int totalSamples;
  private final int sampleRate;
  private final long startedAt = System.nanoTime();
  private long shownAt;
  private int shownWidth;

  SpeakProgress(PrintStream err, boolean terminal, int totalSamples, int sampleRate) {
    this.err = err;
    this.terminal = terminal;
    this.totalSamples = totalSamples;
    this.sampleRate = sampleRate;
    this.shownAt = startedAt;
  }

  /** Shows the progress when it is time to: every redraw on a terminal, every few seconds elsewhere. */
  void show(int sentSamples, int results, int missing) {
    long now = System.nanoTime();
    long sinceMs = (now - shownAt) / 1_000_000;
    boolean hidden = terminal && shownWidth == 0;
    if (!hidden && sinceMs < (terminal ? REDRAW_MS : PLAIN_LINE_MS)) {
      return;
    }
    shownAt = now;
    int percent = (int) (100L * sentSamples / totalSamples);
    String counts = count(results, "result") + (missing > 0 ? ", " + missing + " missing" : "");
    if (!terminal) {
      err.println("sent " + percent + "% of " + clock(audioMs()) + " of audio, " + clock(elapsedMs())
          + " elapsed, " + counts);
      return;
    }
    int filled = (int) ((long) BAR_WIDTH * sentSamples / totalSamples);
    String line = "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] " + String.format("%3d%%", percent)
        + " of " + clock(audioMs()) + "  " + clock(elapsedMs()) + " elapsed  " + counts;
    err.print("\r" + line + " ".repeat(Math.max(0, shownWidth - line.length())));
    err.flush();
    shownWidth = line.length();
  }

  /** Takes the line away on a terminal, so that another can be printed in its place. */
  void clear() {
    if (terminal && shownWidth > 0) {
      err.print("\r" + " ".repeat(shownWidth) + "\r");
      err.flush();
      shownWidth = 0;
    }
  }

  /** A last line for the end of the session. */
  String summary(int results, int missing) {
    return count(results, "result") + ", " + missing + " missing: " + clock(audioMs()) + " of audio in "
        + clock(elapsedMs());
  }

  private long audioMs() {
    return totalSamples * 1000L / sampleRate;
  }

  private long elapsedMs() {
    return (System.nanoTime() - startedAt) / 1_000_000;
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Minutes and seconds, as m:ss. */
  static String clock(long ms) {
    long s = ms / 1000;
    return s / 60 + ":" + String.format("%02d", s % 60);
  }
}
