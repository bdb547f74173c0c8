package dev.parley.node;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Splits a turn's audio (16-bit mono PCM) at pauses into pieces of at most {@link #MAX_PIECE_MS}, so the speech
 * recogniser is fed whole phrases. Energy is the RMS of consecutive {@link #WINDOW_MS} windows; a window is silent
 * below max({@link #THRESHOLD_FLOOR}, {@link #THRESHOLD_MEDIAN_FRACTION} x the median window RMS), and a run of
 * silent windows lasting at least {@link #MIN_PAUSE_MS} is a pause.
 *
 * <p>A piece longer than the maximum is cut inside its longest pause, keeping a short hangover of silence after the
 * speech; a piece with no pause is cut at its quietest window boundary. Both halves are split again until no piece is
 * too long. The pieces are contiguous and cover the whole input.
 */
public final class EnergySplitter {
  public static final int WINDOW_MS = 100;
  public static final double THRESHOLD_FLOOR = 200;
  public static final double THRESHOLD_MEDIAN_FRACTION = 0.3;
  public static final int MIN_PAUSE_MS = 200;
  public static final int MAX_PIECE_MS = 5000;
  /** Silence kept after the speech when cutting in a pause, so the last word is not clipped. */
  public static final int HANGOVER_MS = 100;
  /** When cutting without a pause, boundaries leaving both sides at least this long are preferred. */
  public static final int MIN_SIDE_MS = 1000;

  /** The values that tune the split; {@link #DEFAULT} holds the constants above. */
  public record Tuning(
      int windowMs,
      double thresholdFloor,
      double thresholdMedianFraction,
      int minPauseMs,
      int maxPieceMs,
      int hangoverMs,
      int minSideMs) {

    public static final Tuning DEFAULT = new Tuning(
        WINDOW_MS, THRESHOLD_FLOOR, THRESHOLD_MEDIAN_FRACTION, MIN_PAUSE_MS, MAX_PIECE_MS, HANGOVER_MS, MIN_SIDE_MS);

    public Tuning {
      if (windowMs <= 0 || minPauseMs <= 0 || maxPieceMs <= 0) {
        throw new IllegalArgumentException("windowMs, minPauseMs and maxPieceMs must be positive");
      }
      if (thresholdFloor < 0 || thresholdMedianFraction < 0 || hangoverMs < 0 || minSideMs < 0) {
        throw new IllegalArgumentException(
            "thresholdFloor, thresholdMedianFraction, hangoverMs and minSideMs must not be negative");
      }
    }
  }

  private EnergySplitter() {}

  /** Splits {@code samples} with the default tuning. */
  public static List<Span> split(short[] samples, int sampleRate) {
    return split(samples, sampleRate, Tuning.DEFAULT);
  }

  /** Splits {@code samples} into contiguous pieces covering them all; empty input gives no pieces. */
  public static List<Span> split(short[] samples, int sampleRate, Tuning tuning) {
    Energy energy = Energy.of(samples, sampleRate, tuning);
    List<Span> pieces = new ArrayList<>();
    if (samples.length == 0) {
      return pieces;
    }
    // At least one sample, so every cut leaves both halves non-empty.
    int maxPiece = Math.max(1, samplesIn(tuning.maxPieceMs(), sampleRate));
    int hangover = samplesIn(tuning.hangoverMs(), sampleRate);
    int minSide = samplesIn(tuning.minSideMs(), sampleRate);
    // A stack rather than recursion: the left half is always taken first, so pieces come out in order.
    Deque<Span> toSplit = new ArrayDeque<>();
    toSplit.push(new Span(0, samples.length));
    while (!toSplit.isEmpty()) {
      Span piece = toSplit.pop();
      if (piece.length() <= maxPiece) {
        pieces.add(piece);
        continue;
      }
      int cut = energy.cutInLongestPause(piece, hangover);
      if (cut < 0) {
        cut = energy.cutAtQuietestBoundary(piece, minSide);
      }
      toSplit.push(new Span(cut, piece.end()));
      toSplit.push(new Span(piece.start(), cut));
    }
    return pieces;
  }

  /** The pauses in {@code samples} with the default tuning, in order. */
  static List<Span> pauses(short[] samples, int sampleRate) {
    return Energy.of(samples, sampleRate, Tuning.DEFAULT).pauses;
  }

  private static int samplesIn(int ms, int sampleRate) {
    return (int) Math.min(Integer.MAX_VALUE, (long) ms * sampleRate / 1000);
  }

  /** Window energies and pauses of the whole signal, computed once and shared by every cut. */
  private static final class Energy {
    final int windowSize;
    final double[] rms;
    final List<Span> pauses;

    private Energy(int windowSize, double[] rms, List<Span> pauses) {
      this.windowSize = windowSize;
      this.rms = rms;
      this.pauses = pauses;
    }

    static Energy of(short[] samples, int sampleRate, Tuning tuning) {
      Objects.requireNonNull(samples, "samples");
      Objects.requireNonNull(tuning, "tuning");
      if (sampleRate <= 0) {
        throw new IllegalArgumentException("sampleRate must be positive: " + sampleRate);
      }
      int n = samples.length;
      int windowSize = Math.max(1, samplesIn(tuning.windowMs(), sampleRate));
      int windowCount = n == 0 ? 0 : (n - 1) / windowSize + 1;
      double[] rms = new double[windowCount];
      for (int w = 0; w < windowCount; w++) {
        int start = w * windowSize;
        int end = start + Math.min(windowSize, n - start);
        long sumOfSquares = 0;
        for (int i = start; i < end; i++) {
          int sample = samples[i];
          sumOfSquares += sample * sample;
        }
        rms[w] = Math.sqrt((double) sumOfSquares / (end - start));
      }
      double threshold = Math.max(tuning.thresholdFloor(), tuning.thresholdMedianFraction() * median(rms));
      int minPause = samplesIn(tuning.minPauseMs(), sampleRate);
      List<Span> pauses = new ArrayList<>();
      int w = 0;
      while (w < windowCount) {
        if (rms[w] >= threshold) {
          w++;
          continue;
        }
        int firstSilent = w;
        while (w < windowCount && rms[w] < threshold) {
          w++;
        }
        Span run = new Span(firstSilent * windowSize, Math.min(n, w * windowSize));
        if (run.length() >= minPause) {
          pauses.add(run);
        }
      }
      return new Energy(windowSize, rms, pauses);
    }

    /** A cut inside the longest pause strictly within the piece (the earliest on a tie), or -1 when there is none. */
    int cutInLongestPause(Span piece, int hangover) {
      Span longest = null;
      for (Span pause : pauses) {
        if (pause.start() >= piece.end()) {
          break;
        }
        boolean strictlyInside = pause.start() > piece.start() && pause.end() < piece.end();
        if (strictlyInside && (longest == null || pause.length() > longest.length())) {
          longest = pause;
        }
      }
      return longest == null ? -1 : longest.start() + Math.min(hangover, longest.length() / 2);
    }

    /**
     * The window boundary inside the piece where the two adjacent windows hold the least energy, preferring
     * boundaries that leave both sides at least {@code minSide} long; ties go to the one nearest the piece's middle,
     * so an even signal is halved rather than trimmed.
     */
    int cutAtQuietestBoundary(Span piece, int minSide) {
      int best = -1;
      boolean bestPreferred = false;
      double bestEnergy = 0;
      long bestDistance = 0;
      int first = piece.start() / windowSize + 1;
      int last = (piece.end() - 1) / windowSize;
      for (int b = first; b <= last; b++) {
        int at = b * windowSize;
        boolean preferred = at - piece.start() >= minSide && piece.end() - at >= minSide;
        double energy = rms[b - 1] + rms[b];
        long distance = Math.abs(2L * at - piece.start() - piece.end());
        boolean better = best < 0
            || (preferred && !bestPreferred)
            || (preferred == bestPreferred
                && (energy < bestEnergy || (energy == bestEnergy && distance < bestDistance)));
        if (better) {
          best = at;
          bestPreferred = preferred;
          bestEnergy = energy;
          bestDistance = distance;
        }
      }
      // No boundary falls inside a piece shorter than a window, which only an unusual tuning allows.
      return best < 0 ? piece.start() + piece.length() / 2 : best;
    }

    private static double median(double[] values) {
      if (values.length == 0) {
        return 0;
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int middle = sorted.length / 2;
      return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
  }
}
