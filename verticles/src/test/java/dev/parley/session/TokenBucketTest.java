package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final double FACTOR = 4.0;
  private static final long BURST_MS = 30_000;

  @Test
  void theWholeBurstIsAvailableAtOnce() {
    TokenBucket bucket = new TokenBucket(FACTOR, BURST_MS, 0);

    assertThat(bucket.tryTake(BURST_MS, 0)).isTrue();
    assertThat(bucket.tryTake(1, 0)).isFalse();
  }

  @Test
  void aRefusedTakeTakesNothing() {
    TokenBucket bucket = new TokenBucket(FACTOR, BURST_MS, 0);
    assertThat(bucket.tryTake(29_000, 0)).isTrue();

    assertThat(bucket.tryTake(2_000, 0)).isFalse();
    assertThat(bucket.tryTake(1_000, 0)).isTrue();
    assertThat(bucket.tryTake(0.5, 0)).isFalse();
  }

  @Test
  void tokensRefillAtTheFactorTimesWallTime() {
    TokenBucket bucket = new TokenBucket(FACTOR, BURST_MS, 1_000);
    assertThat(bucket.tryTake(BURST_MS, 1_000)).isTrue();

    // 250 ms of wall time earn 1000 ms of audio
    assertThat(bucket.tryTake(1_001, 1_250)).isFalse();
    assertThat(bucket.tryTake(1_000, 1_250)).isTrue();
    assertThat(bucket.tryTake(1, 1_250)).isFalse();
  }

  @Test
  void tokensNeverExceedTheBurst() {
    TokenBucket bucket = new TokenBucket(FACTOR, BURST_MS, 0);
    assertThat(bucket.tryTake(BURST_MS, 0)).isTrue();

    assertThat(bucket.tryTake(BURST_MS + 1, 3_600_000)).isFalse();
    assertThat(bucket.tryTake(BURST_MS, 3_600_000)).isTrue();
  }

  @Test
  void aClockGoingBackwardsEarnsNothing() {
    TokenBucket bucket = new TokenBucket(FACTOR, BURST_MS, 10_000);
    assertThat(bucket.tryTake(BURST_MS, 10_000)).isTrue();

    assertThat(bucket.tryTake(1, 5_000)).isFalse();
    assertThat(bucket.tryTake(1, 10_000)).isFalse();
    assertThat(bucket.tryTake(4, 10_001)).isTrue();
  }

  @Test
  void streamingAtTheAllowedRateIsNeverRefused() {
    TokenBucket bucket = new TokenBucket(FACTOR, 1_000, 0);
    assertThat(bucket.tryTake(1_000, 0)).isTrue();

    for (long now = 100; now <= 100_000; now += 100) {
      assertThat(bucket.tryTake(400, now)).as("at %d ms", now).isTrue();
    }
  }

  @Test
  void streamingFasterThanAllowedIsRefusedOnceTheBurstIsSpent() {
    TokenBucket bucket = new TokenBucket(FACTOR, 1_000, 0);
    int accepted = 0;

    // 500 ms of audio every 100 ms of wall time is 5x real time: 100 ms over budget per step, so the
    // 1000 ms burst covers the first chunk's 500 and five steps' overdraft
    for (long now = 0; now < 2_000; now += 100) {
      if (bucket.tryTake(500, now)) {
        accepted++;
      } else {
        break;
      }
    }

    assertThat(accepted).isEqualTo(6);
  }
}
