package dev.parley.testing;

import dev.parley.Scheduler;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.config.ParleyConfig;
import dev.parley.store.LocalStore;
import dev.parley.store.SchedulerStore;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/** Starts a real scheduler on a free port, with the defaults plus the settings a test needs. */
public final class TestScheduler {
  private TestScheduler() {}

  public static Scheduler start(Vertx vertx, Map<String, String> settings) {
    return start(vertx, settings, new LocalStore());
  }

  /** With a store the test holds, to look at what the scheduler keeps. */
  public static Scheduler start(Vertx vertx, Map<String, String> settings, SchedulerStore store) {
    Map<String, String> all = new HashMap<>();
    all.put("server.port", "0");
    all.put("server.instances", "1");
    all.put("timeout.sweepMs", "20");
    all.put("server.overloadLagMs", "0"); // a GC pause on a busy test machine must not refuse a test's session
    all.putAll(settings);
    ParleyConfig config = ConfigLoader.load(null, Map.of(), all);
    BusCodecs.register(vertx.eventBus());
    return Await.result(Scheduler.deploy(vertx, config, store));
  }
}
