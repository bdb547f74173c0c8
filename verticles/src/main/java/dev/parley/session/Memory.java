package dev.parley.session;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/** The heap as an operator (or the benchmark) wants it: in use now, live after the last collection, committed. */
public final class Memory {
  private static final long MB = 1024 * 1024;

  private Memory() {}

  public static JsonObject snapshot() {
    long live = 0;
    long peakLive = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
      if (afterGc != null) {
        live += afterGc.getUsed();
        peakLive += pool.getPeakUsage().getUsed();
      }
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return new JsonObject()
        .put("heap_used_mb", heap.getUsed() / MB)
        .put("heap_live_mb", live / MB)
        .put("heap_peak_mb", peakLive / MB)
        .put("heap_committed_mb", heap.getCommitted() / MB)
        .put("heap_max_mb", heap.getMax() / MB);
  }
}
