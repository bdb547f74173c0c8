package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.config.ConfigLoader;
import dev.parley.engine.EngineConfig;
import dev.parley.engine.Engines;
import dev.parley.node.Worker;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * A real worker node for tests, with the engines of {@code conf/engines.json}. The engines are opened once for the
 * whole test run (loading models takes a while) and never closed: a decoder freed while a test's work still runs
 * would crash the process, and the process ends anyway.
 */
public final class TestNode {
  private static Engines engines;

  private TestNode() {}

  /** The installed engines; fails the test when one is missing. */
  public static synchronized Engines engines() {
    if (engines == null) {
      engines = Engines.open(EngineConfig.read("../conf/engines.json"), 2);
    }
    assertThat(engines.problems()).as("engines missing: run scripts/install-engines.sh").isEmpty();
    return engines;
  }

  /** Starts a node with the real engines, connected to the scheduler at {@code url}. */
  public static Worker start(Vertx vertx, String url, Engines with, Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(Map.of("node.scheduler", url, "node.maxJobs", "2"));
    all.putAll(settings);
    return Await.result(Worker.deploy(vertx, ConfigLoader.load(null, Map.of(), all), with));
  }

  /** Starts a node with the real engines for a scheduler on this machine's {@code port}. */
  public static Worker start(Vertx vertx, int port) {
    return start(vertx, "ws://127.0.0.1:" + port + "/ws/node", engines(), Map.of());
  }
}
