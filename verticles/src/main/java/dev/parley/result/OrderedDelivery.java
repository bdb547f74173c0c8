package dev.parley.result;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Releases one session's outcomes in {@code utterance_index} order. An outcome offered out of order waits for the
 * ones before it; an index offered twice, or below what was already released, is refused.
 */
public final class OrderedDelivery<T> {
  private final TreeMap<Long, T> waiting = new TreeMap<>();
  private long next;
  private long gapSinceMs = -1;

  public OrderedDelivery(long firstIndex) {
    this.next = firstIndex;
  }

  /** Offers an outcome; returns those now releasable, in order (possibly none). Null when refused as a repeat. */
  public List<T> offer(long index, T outcome, long nowMs) {
    if (index < next || waiting.containsKey(index)) {
      return null;
    }
    waiting.put(index, outcome);
    List<T> ready = new ArrayList<>(1);
    while (!waiting.isEmpty() && waiting.firstKey() == next) {
      ready.add(waiting.pollFirstEntry().getValue());
      next++;
    }
    gapSinceMs = waiting.isEmpty() ? -1 : (ready.isEmpty() && gapSinceMs >= 0 ? gapSinceMs : nowMs);
    return ready;
  }

  /** The index the session waits for next. */
  public long next() {
    return next;
  }

  /** When the current gap (outcomes waiting behind a missing one) opened, or -1 when there is none. */
  public long gapSinceMs() {
    return gapSinceMs;
  }

  /** The outcomes waiting behind a gap, by index. */
  public Map<Long, T> waiting() {
    return Collections.unmodifiableMap(waiting);
  }

  public boolean isWaiting() {
    return !waiting.isEmpty();
  }
}
