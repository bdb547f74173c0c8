package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayGuardTest {

  @Test
  void checksNothingWhenNothingWasReplayed() {
    ReplayGuard guard = new ReplayGuard();
    assertThat(guard.checking()).isFalse();
  }

  @Test
  void anOutcomeTheReplayWroteIsARepeat() {
    ReplayGuard guard = new ReplayGuard();
    guard.replayed(1);
    guard.replayed(3);
    assertThat(guard.checking()).isTrue();
    assertThat(guard.isRepeat(1)).isTrue();
    assertThat(guard.isRepeat(3)).isTrue();
    assertThat(guard.checking()).isTrue();
  }

  @Test
  void anOutcomeTheReplayDidNotWriteIsNoRepeatEvenBeforeTheLastReplayed() {
    ReplayGuard guard = new ReplayGuard();
    guard.replayed(1);
    guard.replayed(3);
    assertThat(guard.isRepeat(2)).isFalse(); // never kept by the store, so never replayed
    assertThat(guard.checking()).isTrue();
  }

  @Test
  void theFirstOutcomePastTheReplayEndsTheCheck() {
    ReplayGuard guard = new ReplayGuard();
    guard.replayed(0);
    assertThat(guard.isRepeat(1)).isFalse();
    assertThat(guard.checking()).isFalse();
  }

  @Test
  void replaysKeepTheHighestIndexWhateverTheirOrder() {
    ReplayGuard guard = new ReplayGuard();
    guard.replayed(5);
    guard.replayed(2);
    assertThat(guard.isRepeat(2)).isTrue();
    assertThat(guard.isRepeat(6)).isFalse();
    assertThat(guard.isRepeat(5)).isFalse(); // the check ended
  }
}
