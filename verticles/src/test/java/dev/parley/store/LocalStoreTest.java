package dev.parley.store;

import java.util.concurrent.atomic.AtomicLong;

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
}
