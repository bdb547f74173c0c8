package dev.parley.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A few long-lived connections to Redis, each pipelining every request sent on it: a pooled client hands each
 * request a connection of its own and waits for the answer before the next, which caps a store that makes tens of
 * thousands of small calls a second. A connection that closes is replaced on the next call that needs it.
 */
final class RedisLink {
  private final Redis client;
  private final AtomicReferenceArray<Future<RedisConnection>> connections;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;
  private final AtomicLong sent = new AtomicLong();

  RedisLink(Redis client, int connections) {
    this.client = client;
    this.connections = new AtomicReferenceArray<>(connections);
  }

  Future<Response> send(Request request) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the Redis store is closed"));
    }
    sent.incrementAndGet();
    int slot = Math.floorMod(next.getAndIncrement(), connections.length());
    return connection(slot).compose(c -> c.send(request));
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
