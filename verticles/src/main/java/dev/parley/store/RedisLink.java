package dev.parley.store;

import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few long-lived connections to Redis, each pipelining every request sent on it: a pooled client hands each
 * request a connection of its own and waits for the answer before the next, which caps a store that makes tens of
 * thousands of small calls a second. A connection that closes is replaced on the next call that needs it.
 *
 * <p>Each event loop has a connection of its own, opened from that loop, so its calls are written, answered and
 * completed on it: a call on another loop's connection waits twice for that loop to get to it (once to write, once
 * to complete), which under load cost more than Redis itself. Calls from other threads share the last connection.
 */
final class RedisLink {
  private final Redis client;
  private final AtomicReferenceArray<Future<RedisConnection>> connections;
  private final AtomicInteger next = new AtomicInteger();
  /** The connection of each event loop that made a call. */
  private final Map<EventLoop, Integer> loops = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private final AtomicLong sent = new AtomicLong();

  /** {@code connections}: at least two, one shared by calls made off the event loops. */
  RedisLink(Redis client, int connections) {
    if (connections < 2) {
      throw new IllegalArgumentException("connections must be at least 2");
    }
    this.client = client;
    this.connections = new AtomicReferenceArray<>(connections);
  }

  Future<Response> send(Request request) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the Redis store is closed"));
    }
    sent.incrementAndGet();
    return connection(slot()).compose(c -> c.send(request));
  }

  private int slot() {
    Context context = Vertx.currentContext();
    if (context == null || !Context.isOnEventLoopThread()) {
      return connections.length() - 1;
    }
    EventLoop loop = ((ContextInternal) context).nettyEventLoop();
    return loops.computeIfAbsent(loop, l -> Math.floorMod(next.getAndIncrement(), connections.length() - 1));
  }

  private Future<RedisConnection> connection(int slot) {
    Future<RedisConnection> current = connections.get(slot);
    if (current != null && !current.failed()) {
      return current;
    }
    Promise<RedisConnection> opening = Promise.promise();
    if (!connections.compareAndSet(slot, current, opening.future())) {
      return connection(slot); // another call is opening this slot already
    }
    client.connect().onComplete(ar -> {
      if (ar.succeeded()) {
        RedisConnection c = ar.result();
        Runnable drop = () -> connections.compareAndSet(slot, opening.future(), null);
        c.exceptionHandler(e -> {
          drop.run();
          c.close();
        });
        c.endHandler(v -> drop.run());
        opening.complete(c);
      } else {
        connections.compareAndSet(slot, opening.future(), null);
        opening.fail(ar.cause());
      }
    });
    return opening.future();
  }

  long sent() {
    return sent.get();
  }

  /** For good: later calls fail at once instead of opening new connections. */
  Future<Void> close() {
    closed = true;
    for (int i = 0; i < connections.length(); i++) {
      Future<RedisConnection> c = connections.getAndSet(i, null);
      if (c != null) {
        c.onSuccess(RedisConnection::close);
      }
    }
    return client.close();
  }
}
