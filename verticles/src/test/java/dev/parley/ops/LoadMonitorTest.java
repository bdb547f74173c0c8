package dev.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoadMonitorTest {
  @Test
  void aTickPastTheLimitOverloadsTheInstanceForTheHoldAndNoLonger() {
    LoadMonitor load = new LoadMonitor(500);
    load.tick(20, 1_000);
    assertThat(load.overloaded(1_000)).as("on time").isFalse();

    load.tick(700, 5_000);
    assertThat(load.overloaded(5_000)).isTrue();
    load.tick(10, 5_100); // one loop on time does not clear another's lateness
    assertThat(load.overloaded(5_000 + LoadMonitor.HOLD_MS - 1)).isTrue();
    assertThat(load.overloaded(5_000 + LoadMonitor.HOLD_MS)).isFalse();
  }

  @Test
  void aLaterLateTickExtendsTheHoldAndAnEarlierOneDoesNotShortenIt() {
    LoadMonitor load = new LoadMonitor(500);
    load.tick(600, 10_000);
    load.tick(600, 9_000); // a loop that reports late, about an earlier moment
    assertThat(load.overloaded(10_000 + LoadMonitor.HOLD_MS - 1)).isTrue();
  }

  @Test
  void aLimitOfZeroIsOff() {
    LoadMonitor load = new LoadMonitor(0);
    load.tick(60_000, 1_000);
    assertThat(load.overloaded(1_000)).isFalse();
  }
}
