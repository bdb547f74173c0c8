package dev.parley.cli;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Collection;

/**
 * Nearest-rank percentiles of a few hundred measurements (the node benchmark's timings, in milliseconds): the
 * p-th percentile is the smallest value at least p percent of the values do not exceed.
 */
final class BenchPercentiles {
  private final double[] sorted;

  BenchPercentiles(double[] values) {
    sorted = values.clone();
    Arrays.sort(sorted);
  }

  static BenchPercentiles of(Collection<? extends Number> values) {
    return new BenchPercentiles(values.stream().mapToDouble(Number::doubleValue).toArray());
  }

  int count() {
    return sorted.length;
  }

  /** The value at {@code percentile} (0 < percentile <= 100); NaN when there are no values. */
  double at(double percentile) {
    if (percentile <= 0 || percentile > 100) {
      throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
    }
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  /** p50, p99, max and count, rounded to microseconds; null values when nothing was measured. */
  JsonObject toJson() {
    return new JsonObject()
        .put("p50", rounded(at(50)))
        .put("p99", rounded(at(99)))
        .put("max", rounded(max()))
        .put("count", count());
  }

  /** Rounded to three decimals; null for NaN, which JSON cannot hold. */
  static Double rounded(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 1000) / 1000.0;
  }
}
