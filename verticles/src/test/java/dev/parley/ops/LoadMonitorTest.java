package dev.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LoadMonitorTest {
  @Test
  void aTickPastTheLimitOverloadsTheInstanceForTheHoldAndNoLonger() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop a = load.loop();
    LoadMonitor.Loop b = load.loop();
    a.tick(20, 1_000);
    assertThat(load.overloaded(1_000)).as("on time").isFalse();

    a.tick(700, 5_000);
    assertThat(load.overloaded(5_000)).isTrue();
    b.tick(10, 5_100); // one loop on time does not clear another's lateness
    assertThat(load.overloaded(5_000 + LoadMonitor.HOLD_MS - 1)).isTrue();
    assertThat(load.overloaded(5_000 + LoadMonitor.HOLD_MS)).isFalse();
  }

  @Test
  void aLaterLateTickExtendsTheHoldAndAnEarlierOneDoesNotShortenIt() {
    LoadMonitor load = new LoadMonitor(500);
    load.loop().tick(600, 10_000);
    load.loop().tick(600, 9_000); // a loop that reports late, about an earlier moment
    assertThat(load.overloaded(10_000 + LoadMonitor.HOLD_MS - 1)).isTrue();
  }

  @Test
  void aStoreRunningBehindOverloadsTheInstanceAndCutsTheShareThoughItsLoopsKeepTime() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop loop = load.loop();
    load.storeAnswered(3, 1_000);
    loop.tick(5, 1_000);
    assertThat(load.overloaded(1_000)).as("answered at once").isFalse();
    assertThat(load.admittedShare()).isEqualTo(1.0);

    load.storeAnswered(300, 2_000); // past half the limit: shed, not yet overloaded
    assertThat(load.admittedShare()).isCloseTo(Math.pow(LoadMonitor.SHED_CUT, 300 / 250.0), within(1e-9));
    assertThat(load.overloaded(2_000)).isFalse();

    load.storeAnswered(1_000, 3_000);
    loop.tick(5, 3_000 + LoadMonitor.ADJUST_EVERY_MS - 1); // a loop on time, in the interval of that cut
    assertThat(load.overloaded(3_000 + LoadMonitor.HOLD_MS - 1)).isTrue();
    double cut = Math.pow(LoadMonitor.SHED_CUT, 300 / 250.0) * Math.pow(LoadMonitor.SHED_CUT, 4);
    assertThat(load.admittedShare()).as("cut again, and not raised in the same interval").isCloseTo(cut, within(1e-9));

    loop.tick(5, 3_000 + LoadMonitor.ADJUST_EVERY_MS);
    assertThat(load.admittedShare()).as("ticks on time give it back").isCloseTo(cut + LoadMonitor.ADMIT_STEP,
        within(1e-9));
    assertThat(new LoadMonitor(0)).satisfies(off -> {
      off.storeAnswered(60_000, 1_000);
      assertThat(off.overloaded(1_000)).isFalse();
      assertThat(off.admittedShare()).isEqualTo(1.0);
    });
  }

  @Test
  void aLimitOfZeroIsOff() {
    LoadMonitor load = new LoadMonitor(0);
    load.loop().tick(60_000, 1_000);
    assertThat(load.overloaded(1_000)).isFalse();
    assertThat(load.admittedShare()).isEqualTo(1.0);
  }

  @Test
  void ticksPastTheLimitCutTheShareOfNewTurnsAdmittedOncePerIntervalDownToTheLeast() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop loop = load.loop();
    assertThat(load.admitsTurn(0.99)).as("keeping up: every turn").isTrue();

    loop.tick(500, 1_000);
    load.loop().tick(600, 1_000 + LoadMonitor.ADJUST_EVERY_MS - 1); // another loop in the same interval
    double twoHalves = LoadMonitor.SHED_CUT * LoadMonitor.SHED_CUT;
    assertThat(load.admittedShare()).as("twice half the limit late").isCloseTo(twoHalves, within(1e-9));
    assertThat(load.admitsTurn(twoHalves - 0.01)).isTrue();
    assertThat(load.admitsTurn(twoHalves)).isFalse();

    for (int i = 1; i <= 100; i++) {
      loop.tick(600, 1_000 + i * LoadMonitor.ADJUST_EVERY_MS);
    }
    assertThat(load.admittedShare()).isEqualTo(LoadMonitor.MIN_ADMITTED);
  }

  @Test
  void pastHalfTheLimitALoopFallingFurtherBehindShedsAndOneCatchingUpDoesNot() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop loop = load.loop();
    loop.tick(250, 1_000);
    assertThat(load.admittedShare()).as("later than its tick before").isCloseTo(LoadMonitor.SHED_CUT, within(1e-9));
    assertThat(load.overloaded(1_000)).as("new sessions are still taken").isFalse();

    loop.tick(375, 1_100);
    double after = LoadMonitor.SHED_CUT * Math.pow(LoadMonitor.SHED_CUT, 1.5);
    assertThat(load.admittedShare()).as("the later, the deeper the cut").isCloseTo(after, within(1e-9));
    loop.tick(300, 1_200);
    loop.tick(260, 1_300);
    assertThat(load.admittedShare()).as("catching up").isCloseTo(after, within(1e-9));
  }

  @Test
  void aLoopOnTimeDoesNotKeepAnotherThatRunsBehindFromCuttingTheShare() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop onTime = load.loop();
    LoadMonitor.Loop behind = load.loop();
    behind.tick(250, 900);
    onTime.tick(5, 950);
    assertThat(load.admittedShare()).as("no raise so soon after a cut").isCloseTo(LoadMonitor.SHED_CUT, within(1e-9));
    onTime.tick(5, 1_000); // an interval begins with a tick on time, which raises the share
    double raised = load.admittedShare();
    assertThat(raised).isCloseTo(LoadMonitor.SHED_CUT + LoadMonitor.ADMIT_STEP, within(1e-9));
    behind.tick(300, 1_010);
    assertThat(load.admittedShare()).as("the loop behind still cuts in that interval").isLessThan(raised);
  }

  @Test
  void ticksWellOnTimeGiveTheShareBackStepByStepAndTicksInBetweenHoldIt() {
    LoadMonitor load = new LoadMonitor(500);
    LoadMonitor.Loop loop = load.loop();
    loop.tick(250, 1_000);
    loop.tick(200, 1_100); // under half the limit, not under a quarter of it: no change
    assertThat(load.admittedShare()).isCloseTo(LoadMonitor.SHED_CUT, within(1e-9));

    loop.tick(5, 1_200);
    assertThat(load.admittedShare()).isCloseTo(LoadMonitor.SHED_CUT + LoadMonitor.ADMIT_STEP, within(1e-9));
    long at = 1_200;
    for (int i = 0; i < 100; i++) {
      at += LoadMonitor.ADJUST_EVERY_MS;
      loop.tick(5, at);
    }
    assertThat(load.admittedShare()).isEqualTo(1.0);
    assertThat(load.admitsTurn(0.999)).isTrue();
  }
}
