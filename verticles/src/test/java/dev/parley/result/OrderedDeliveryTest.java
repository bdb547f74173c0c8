package dev.parley.result;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OrderedDeliveryTest {

  @Test
  void inOrderOutcomesAreReleasedAtOnce() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);

    assertThat(delivery.offer(0, "r0", 100)).containsExactly("r0");
    assertThat(delivery.offer(1, "r1", 200)).containsExactly("r1");
    assertThat(delivery.next()).isEqualTo(2);
    assertThat(delivery.isWaiting()).isFalse();
    assertThat(delivery.gapSinceMs()).isEqualTo(-1);
  }

  @Test
  void theFirstIndexIsWhereDeliveryStarts() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(5);

    assertThat(delivery.offer(6, "r6", 100)).isEmpty();
    assertThat(delivery.offer(5, "r5", 200)).containsExactly("r5", "r6");
    assertThat(delivery.offer(4, "r4", 300)).as("below the first index").isNull();
  }

  @Test
  void outOfOrderOutcomesWaitForTheMissingOneThenGoOutInOrder() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);

    assertThat(delivery.offer(2, "r2", 100)).isEmpty();
    assertThat(delivery.offer(3, "r3", 110)).isEmpty();
    assertThat(delivery.offer(1, "r1", 120)).isEmpty();
    assertThat(delivery.isWaiting()).isTrue();
    assertThat(delivery.next()).isZero();

    assertThat(delivery.offer(0, "r0", 130)).containsExactly("r0", "r1", "r2", "r3");
    assertThat(delivery.next()).isEqualTo(4);
    assertThat(delivery.isWaiting()).isFalse();
  }

  @Test
  void aReleaseStopsAtTheNextMissingIndex() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);
    delivery.offer(1, "r1", 100);
    delivery.offer(3, "r3", 100);

    assertThat(delivery.offer(0, "r0", 200)).containsExactly("r0", "r1");
    assertThat(delivery.next()).isEqualTo(2);
    assertThat(delivery.isWaiting()).isTrue();
    assertThat(delivery.offer(2, "r2", 300)).containsExactly("r2", "r3");
  }

  @Test
  void repeatsAreRefused() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);
    delivery.offer(0, "r0", 100);
    delivery.offer(2, "r2", 100);

    assertThat(delivery.offer(0, "again", 200)).as("already released").isNull();
    assertThat(delivery.offer(2, "again", 200)).as("already waiting").isNull();
    assertThat(delivery.offer(1, "r1", 300)).as("the waiting one kept its first outcome").containsExactly("r1", "r2");
    assertThat(delivery.offer(2, "again", 400)).isNull();
  }

  @Test
  void gapSinceMsTracksWhenOutcomesStartedWaiting() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);

    delivery.offer(2, "r2", 1_000);
    assertThat(delivery.gapSinceMs()).isEqualTo(1_000);

    delivery.offer(3, "r3", 2_000);
    assertThat(delivery.gapSinceMs()).as("more waiting outcomes do not move the gap").isEqualTo(1_000);

    delivery.offer(9, "r9", 2_500);
    assertThat(delivery.offer(3, "r3", 2_600)).isNull();
    assertThat(delivery.gapSinceMs()).as("nor does a refused repeat").isEqualTo(1_000);

    // progress: index 1 is now the one missing, so the guard restarts from this release
    delivery.offer(0, "r0", 3_000);
    assertThat(delivery.gapSinceMs()).isEqualTo(3_000);

    delivery.offer(1, "r1", 4_000);
    assertThat(delivery.isWaiting()).as("index 9 still waits for 4 to 8").isTrue();
    assertThat(delivery.gapSinceMs()).isEqualTo(4_000);
  }

  @Test
  void noGapOnceEverythingWaitingIsReleased() {
    OrderedDelivery<String> delivery = new OrderedDelivery<>(0);
    delivery.offer(1, "r1", 1_000);

    delivery.offer(0, "r0", 2_000);

    assertThat(delivery.gapSinceMs()).isEqualTo(-1);
  }
}
