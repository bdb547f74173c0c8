package dev.parley.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class OwnerRouteTest {
  private static final String ADDRESS = "parley.test.work";
  private static final long LONG_TIMEOUT_MS = 60_000;

  private final Set<String> members = new HashSet<>(Set.of("a", "b"));

  private OwnerRoute routeOn(Vertx vertx, String instanceId, long timeoutMs) {
    return new OwnerRoute(vertx, instanceId, timeoutMs, members::contains);
  }

  /** Routes work from instance a to {@code owner} and expects it to run on a, once. */
  private void runsHereOnce(Vertx vertx, VertxTestContext ctx, String owner) {
    AtomicInteger here = new AtomicInteger();
    vertx.runOnContext(v -> routeOn(vertx, "a", LONG_TIMEOUT_MS).route(owner, ADDRESS, "w", w -> here.incrementAndGet())
        .onComplete(ctx.succeeding(x -> ctx.verify(() -> {
          assertThat(here).hasValue(1);
          ctx.completeNow();
        }))));
  }

  @Test
  void workForThisInstanceRunsHereWithoutASend(Vertx vertx, VertxTestContext ctx) {
    vertx.eventBus().consumer(Addresses.at("a", ADDRESS), m -> ctx.failNow("sent to itself"));
    runsHereOnce(vertx, ctx, "a");
  }

  @Test
  void workForALiveOwnerGoesThereOnceAndNotHere(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger there = new AtomicInteger();
    vertx.runOnContext(start -> {
      OwnerRoute a = routeOn(vertx, "a", LONG_TIMEOUT_MS);
      routeOn(vertx, "b", LONG_TIMEOUT_MS).<String>twin(ADDRESS, w -> there.incrementAndGet()).completion()
          .compose(r -> a.route("b", ADDRESS, "w", w -> ctx.failNow("handled here")))
          .onComplete(ctx.succeeding(x -> ctx.verify(() -> {
            assertThat(there).hasValue(1);
            assertThat(a.unanswered("b")).isZero();
            ctx.completeNow();
          })));
    });
  }

  @Test
  void workThatFailsOnItsOwnerRunsHereAtOnce(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger here = new AtomicInteger();
    vertx.runOnContext(start -> {
      OwnerRoute a = routeOn(vertx, "a", LONG_TIMEOUT_MS);
      routeOn(vertx, "b", LONG_TIMEOUT_MS).<String>twin(ADDRESS, w -> {
        throw new IllegalStateException("broken on b");
      }).completion()
          .compose(r -> a.route("b", ADDRESS, "w", w -> here.incrementAndGet()))
          .onComplete(ctx.succeeding(x -> ctx.verify(() -> {
            assertThat(here).hasValue(1);
            assertThat(a.unanswered("b")).isZero();
            ctx.completeNow();
          })));
    });
  }

  @Test
  void workForAnOwnerThatLeftRunsHereWithoutASend(Vertx vertx, VertxTestContext ctx) {
    members.remove("b");
    vertx.eventBus().consumer(Addresses.at("b", ADDRESS), m -> ctx.failNow("sent to a member that left"));
    runsHereOnce(vertx, ctx, "b");
  }

  @Test
  void workForAnOwnerWithoutTheAddressRunsHere(Vertx vertx, VertxTestContext ctx) {
    runsHereOnce(vertx, ctx, "b");
  }

  @Test
  void aSlowOwnerIsNotAskedAgainAndItsWorkRunsHereAtOnceWhenItLeaves(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger received = new AtomicInteger();
    AtomicInteger here = new AtomicInteger();
    vertx.runOnContext(start -> {
      OwnerRoute a = routeOn(vertx, "a", LONG_TIMEOUT_MS);
      vertx.eventBus().consumer(Addresses.at("b", ADDRESS), m -> {
        received.incrementAndGet(); // a slow owner: it does not answer yet
        ctx.verify(() -> {
          assertThat(a.unanswered("b")).isEqualTo(1);
          members.remove("b");
          a.memberLost("b");
          assertThat(here).hasValue(1);
          assertThat(a.unanswered("b")).isZero();
        });
        m.reply(null); // a late answer runs nothing twice
        vertx.setTimer(200, id -> ctx.verify(() -> {
          assertThat(received).hasValue(1);
          assertThat(here).hasValue(1);
          ctx.completeNow();
        }));
      }).completion().onComplete(ctx.succeeding(r -> a.route("b", ADDRESS, "w", w -> here.incrementAndGet())));
    });
  }

  @Test
  void aLiveOwnerSilentPastTheOwnerTimeoutHasTheWorkRunHereOnce(Vertx vertx, VertxTestContext ctx) {
    AtomicInteger received = new AtomicInteger();
    AtomicInteger here = new AtomicInteger();
    vertx.runOnContext(start -> {
      OwnerRoute a = routeOn(vertx, "a", 200);
      vertx.eventBus().consumer(Addresses.at("b", ADDRESS), m -> received.incrementAndGet()).completion()
          .compose(r -> a.route("b", ADDRESS, "w", w -> here.incrementAndGet()))
          .onComplete(ctx.succeeding(x -> ctx.verify(() -> {
            a.memberLost("b"); // nothing is left to run
            assertThat(received).hasValue(1);
            assertThat(here).hasValue(1);
            assertThat(a.unanswered("b")).isZero();
            ctx.completeNow();
          })));
    });
  }
}
