package dev.parley;

import dev.parley.cli.Bench;
import dev.parley.codecs.bus.BusCodecs;
import dev.parley.config.ConfigLoader;
import dev.parley.config.ParleyConfig;
import dev.parley.store.LocalStore;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar parley.jar COMMAND [options]}: {@code all} (the default) or {@code scheduler}. Options: {@code
 * --port N}, {@code --config FILE}, and {@code --set key=value} for any configuration key.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = rest.isEmpty() || rest.get(0).startsWith("--") ? "all" : rest.remove(0);
    if (command.equals("bench")) {
      Bench.main(rest);
      return;
    }
    Map<String, String> overrides = new HashMap<>();
    Path configFile = Path.of("conf/parley.json");
    for (int i = 0; i < rest.size(); i++) {
      String flag = rest.get(i);
      String value = i + 1 < rest.size() ? rest.get(i + 1) : null;
      switch (flag) {
        case "--port" -> overrides.put("server.port", require(flag, value));
        case "--config" -> configFile = Path.of(require(flag, value));
        case "--set" -> {
          String kv = require(flag, value);
          int eq = kv.indexOf('=');
          if (eq < 1) {
            usage("--set needs key=value");
          }
          overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> usage("unknown option " + flag);
      }
      i++;
    }
    switch (command) {
      case "all", "scheduler" -> startScheduler(ConfigLoader.load(configFile, System.getenv(), overrides));
      default -> usage("unknown command " + command);
    }
  }

  private static void startScheduler(ParleyConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true)
        .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
    BusCodecs.register(vertx.eventBus());
    Scheduler.deploy(vertx, config, new LocalStore())
        .onSuccess(s -> LOG.info("Parley scheduler {} ready: ws://localhost:{}/ws/session, nodes on /ws/node "
            + "(native transport: {})", s.instanceId(), s.port(), vertx.isNativeTransportEnabled()))
        .onFailure(e -> {
          LOG.error("Parley did not start", e);
          vertx.close().onComplete(ar -> System.exit(1));
        });
  }

  private static String require(String flag, String value) {
    if (value == null) {
      usage(flag + " needs a value");
    }
    return value;
  }

  private static void usage(String problem) {
    System.err.println(problem);
    System.err.println("usage: java -jar parley.jar [all|scheduler] [--port N] [--config FILE] [--set key=value]");
    System.err.println("       java -jar parley.jar bench --help");
    System.exit(2);
  }
}
