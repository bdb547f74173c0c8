package dev.parley.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalStoreTest extends SchedulerStoreContract {
  private final AtomicLong clock = new AtomicLong(1_000_000);

  @Override
  protected SchedulerStore newStore() {
    return new LocalStore(clock::get);
  }

  @Override
  protected void advanceClock(long ms) {
    clock.addAndGet(ms);
  }

  // --- bounds of what an in-process store keeps, whatever the job rate ----------------------------------------------

  @Test
  void pastTheirLimitTheOldestJobKeysAreForgottenFirst() {
    for (int i = 0; i <= LocalStore.MAX_JOB_KEYS; i++) {
      await(store.claimJobKey("k" + i, "j" + i, 120_000));
    }

    assertThat(await(store.claimJobKey("k0", "again", 120_000))).as("the oldest was forgotten").isEqualTo("again");
    assertThat(await(store.claimJobKey("k" + LocalStore.MAX_JOB_KEYS, "again", 120_000)))
        .as("the newest is kept").isEqualTo("j" + LocalStore.MAX_JOB_KEYS);
  }

  @Test
  void pastTheirLimitTheOldestFinishedTurnsAreForgottenFirst() {
    for (int i = 0; i <= LocalStore.MAX_FINISHED_TURNS; i++) {
      finishTurn("t" + i, "j" + i, i);
    }
    await(store.addJob(job("next", "s1", "t-next", LocalStore.MAX_FINISHED_TURNS + 1, 0), true));

    assertThat(await(store.job("j0"))).as("the oldest finished turn's job").isNull();
    assertThat(await(store.job("j" + LocalStore.MAX_FINISHED_TURNS))).isNotNull();
  }

  @Test
  void aSessionKeepsAtMostItsLimitOfOutcomes() {
    await(store.putSession(session("s1", "token-1")));
    long now = clock.get();
    for (int i = 0; i < LocalStore.MAX_RETAINED_PER_SESSION + 10; i++) {
      await(store.appendOutcome("s1", i, "frame-" + i, now, 10_000));
    }

    assertThat(await(store.outcomesAfter("s1", -1))).hasSize(LocalStore.MAX_RETAINED_PER_SESSION)
        .startsWith("frame-10").endsWith("frame-" + (LocalStore.MAX_RETAINED_PER_SESSION + 9));
  }

  private void finishTurn(String turnId, String jobId, long index) {
    await(store.addJob(job(jobId, "s1", turnId, index, 0), true));
    await(store.transition(jobId, 1, null, Set.of(JobState.CREATED), JobState.COMPLETED));
  }
}
