package dev.parley.node;

import dev.parley.bus.Ids;
import dev.parley.config.ParleyConfig;
import dev.parley.engine.Engines;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Deploys one worker node's verticles (the aggregator, then the link) on a Vert.x instance whose codecs are registered. */
public final class Worker {
  private final String nodeId;
  private final NodeLinkVerticle link;

  private Worker(String nodeId, NodeLinkVerticle link) {
    this.nodeId = nodeId;
    this.link = link;
  }

  /** {@code engines} are open already: loading models blocks, so the caller does it off the event loop. */
  public static Future<Worker> deploy(Vertx vertx, ParleyConfig config, Engines engines) {
    String nodeId = config.node().id().isEmpty() ? "node-" + Ids.token(6) : config.node().id();
    NodeLinkVerticle link;
    try {
      link = new NodeLinkVerticle(config.node(), nodeId, config.security().nodeToken(), engines.capabilities());
    } catch (IllegalArgumentException e) { // a node.scheduler that names no usable URL
      return Future.failedFuture(e);
    }
    return vertx.deployVerticle(new AggregatorVerticle(config.node(), engines, nodeId))
        .compose(id -> vertx.deployVerticle(link))
        .map(id -> new Worker(nodeId, link));
  }

  public String nodeId() {
    return nodeId;
  }

  /** Stops taking work, finishes what it holds (at most {@code timeoutMs}) and closes its link: see the link. */
  public Future<Void> drain(long timeoutMs) {
    return link.drain(timeoutMs);
  }

  /** The id the node is registered under now (the scheduler may assign another). */
  public String registeredId() {
    return link.nodeId();
  }
}
