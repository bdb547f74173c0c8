package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a server, so a test can break the network between a browser and the scheduler: {@link
 * #cut()} drops every connection and refuses new ones, as a lost network does, until {@link #restore()}.
 */
public final class TcpProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final int targetPort;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean down;
  /** While set, what the target answers is dropped: requests still reach it, as when a connection dies mid-call. */
  private volatile boolean answersLost;

  private TcpProxy(NetServer server, NetClient client, int targetPort) {
    this.server = server;
    this.client = client;
    this.targetPort = targetPort;
  }

  /** Listens on a free port of 127.0.0.1 and relays to {@code targetPort} there. */
  public static TcpProxy start(Vertx vertx, int targetPort) {
    NetClient client = vertx.createNetClient();
    NetServer server = vertx.createNetServer();
    TcpProxy proxy = new TcpProxy(server, client, targetPort);
    server.connectHandler(proxy::relay);
    Await.result(server.listen(0, "127.0.0.1"));
    return proxy;
  }

  private void relay(NetSocket downstream) {
    if (down) {
      downstream.close();
      return;
    }
    downstream.pause(); // until the upstream connection is there to take its bytes
    sockets.add(downstream);
    downstream.closeHandler(v -> sockets.remove(downstream));
    client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
      if (ar.failed() || down) {
        downstream.close();
        if (ar.succeeded()) {
          ar.result().close();
        }
        return;
      }
      NetSocket upstream = ar.result();
      sockets.add(upstream);
      upstream.closeHandler(v -> {
        sockets.remove(upstream);
        downstream.close();
      });
      downstream.closeHandler(v -> {
        sockets.remove(downstream);
        upstream.close();
      });
      upstream.handler(bytes -> {
        if (!answersLost) {
          downstream.write(bytes);
        }
      });
      downstream.handler(upstream::write);
      downstream.resume();
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** Drops every relayed connection at once and refuses new ones. */
  public void cut() {
    down = true;
    for (NetSocket s : Set.copyOf(sockets)) {
      s.close();
    }
  }

  /** Relays new connections again. */
  public void restore() {
    down = false;
    answersLost = false;
  }

  /** Drops what the target answers from now on, until {@link #restore()}; requests still go through. */
  public void loseAnswers() {
    answersLost = true;
  }

  @Override
  public void close() {
    cut();
    server.close();
    client.close();
  }
}
