package dev.parley;

import dev.parley.bus.Ids;
import dev.parley.config.ParleyConfig;
import dev.parley.dispatch.DispatchVerticle;
import dev.parley.group.GroupVerticle;
import dev.parley.result.ResultVerticle;
import dev.parley.session.Endpoints;
import dev.parley.session.WebSocketVerticle;
import dev.parley.store.SchedulerStore;
import dev.parley.timeout.TimeoutVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/** Deploys one scheduler instance's verticles on a Vert.x instance whose codecs are registered. */
public final class Scheduler {
  private final String instanceId;
  private final Endpoints endpoints;
  private final AtomicInteger port = new AtomicInteger();

  private Scheduler(String instanceId, Endpoints endpoints) {
    this.instanceId = instanceId;
    this.endpoints = endpoints;
  }

  public static Future<Scheduler> deploy(Vertx vertx, ParleyConfig config, SchedulerStore store) {
    String instanceId = Ids.next("i");
    Scheduler s = new Scheduler(instanceId, new Endpoints(config, store, instanceId));
    return vertx.deployVerticle(new GroupVerticle(config, store))
        .compose(id -> vertx.deployVerticle(new ResultVerticle(config, store)))
        .compose(id -> vertx.deployVerticle(new TimeoutVerticle(config, store, instanceId)))
        .compose(id -> vertx.deployVerticle(new DispatchVerticle(config, store)))
        .compose(id -> vertx.deployVerticle(() -> {
          WebSocketVerticle v = new WebSocketVerticle(s.endpoints);
          v.onListening(s.port::set);
          return v;
        }, new DeploymentOptions().setInstances(config.server().instances())))
        .map(id -> s);
  }

  /** The port the sockets listen on (the configured one, or the one chosen for port 0). */
  public int port() {
    return port.get();
  }

  public String instanceId() {
    return instanceId;
  }

  public Endpoints endpoints() {
    return endpoints;
  }
}
