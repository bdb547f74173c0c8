package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  @Test
  void theCeilingDoublesUpToTheMaximum() {
    ReconnectBackoff highest = new ReconnectBackoff(500, 10_000, () -> 0.999_999);

    assertThat(new long[] {highest.nextDelayMs(), highest.nextDelayMs(), highest.nextDelayMs(),
        highest.nextDelayMs(), highest.nextDelayMs(), highest.nextDelayMs()})
        .containsExactly(500, 1000, 2000, 4000, 8000, 10_000);
  }

  @Test
  void everyDelayLiesBetweenHalfTheMinimumAndTheMaximum() {
    ReconnectBackoff lowest = new ReconnectBackoff(500, 10_000, () -> 0.0);
    ReconnectBackoff random = new ReconnectBackoff(500, 10_000, Math::random);

    for (int i = 0; i < 40; i++) {
      assertThat(lowest.nextDelayMs()).isEqualTo(250);
      assertThat(random.nextDelayMs()).isBetween(250L, 10_000L);
    }
  }

  @Test
  void aResetStartsAgainFromTheMinimum() {
    ReconnectBackoff backoff = new ReconnectBackoff(100, 5_000, () -> 0.999_999);
    for (int i = 0; i < 10; i++) {
      backoff.nextDelayMs();
    }
    assertThat(backoff.nextDelayMs()).isEqualTo(5_000);

    backoff.reset();

    assertThat(backoff.nextDelayMs()).isEqualTo(100);
  }

  @Test
  void delaysOutOfOrderAreClampedRatherThanRefused() {
    assertThat(new ReconnectBackoff(0, 0, () -> 0.999_999).nextDelayMs()).isEqualTo(1);
    ReconnectBackoff inverted = new ReconnectBackoff(200, 100, () -> 0.999_999);
    assertThat(inverted.nextDelayMs()).isEqualTo(200);
    assertThat(inverted.nextDelayMs()).isEqualTo(200);
  }
}
