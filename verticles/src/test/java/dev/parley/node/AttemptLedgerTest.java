package dev.parley.node;

import static dev.parley.node.AttemptLedger.Assignment.NEW;
import static dev.parley.node.AttemptLedger.Assignment.REPEAT;
import static dev.parley.node.AttemptLedger.Assignment.STALE;
import static dev.parley.node.AttemptLedger.Assignment.SUPERSEDES;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttemptLedgerTest {

  @Test
  void aRepeatedAttemptIsIgnoredWhetherHeldOrAnswered() {
    AttemptLedger ledger = new AttemptLedger();

    assertThat(ledger.assign("j1", 1, "t/es")).isEqualTo(NEW);
    assertThat(ledger.assign("j1", 1, "t/es")).isEqualTo(REPEAT);
    assertThat(ledger.heldCount()).isEqualTo(1);
    assertThat(ledger.answer("j1", 1)).isTrue();
    assertThat(ledger.assign("j1", 1, "t/es")).isEqualTo(REPEAT);
    assertThat(ledger.heldCount()).isZero();
  }

  @Test
  void aHigherAttemptReplacesTheHeldOneAndItsTurn() {
    AttemptLedger ledger = new AttemptLedger();
    ledger.assign("j0", 1, "t/es");
    ledger.assign("j1", 1, "t/es");
    ledger.assign("other", 1, "u/es");

    assertThat(ledger.assign("j0", 2, "t/es")).isEqualTo(SUPERSEDES);

    assertThat(ledger.latestAttempt("j0")).hasValue(2);
    assertThat(ledger.answer("j1", 1)).as("the replaced attempt's turn is released").isFalse();
    assertThat(ledger.heldCount()).as("j0 attempt 2 and the other turn").isEqualTo(2);
    assertThat(ledger.assign("j1", 2, "t/es")).as("nothing of j1 is held any more").isEqualTo(NEW);
    assertThat(ledger.answer("j0", 1)).isFalse();
    assertThat(ledger.answer("j0", 2)).isTrue();
    assertThat(ledger.answer("other", 1)).isTrue();
  }

  @Test
  void anOlderAttemptIsStale() {
    AttemptLedger ledger = new AttemptLedger();
    ledger.assign("j1", 3, "t/es");

    assertThat(ledger.assign("j1", 2, "t/es")).isEqualTo(STALE);
    assertThat(ledger.latestAttempt("j1")).hasValue(3);
    assertThat(ledger.heldCount()).isEqualTo(1);
  }

  @Test
  void aCancelCountsOnlyForTheAttemptHeldAndReleasesItsWholeTurn() {
    AttemptLedger ledger = new AttemptLedger();
    ledger.assign("j0", 2, "t/es");
    ledger.assign("j1", 2, "t/es");
    ledger.assign("k0", 1, "u/es");

    assertThat(ledger.cancel("j1", 1)).as("an older attempt").isFalse();
    assertThat(ledger.cancel("j1", 3)).as("an attempt never sent").isFalse();
    assertThat(ledger.cancel("missing", 1)).isFalse();
    assertThat(ledger.heldCount()).isEqualTo(3);

    assertThat(ledger.cancel("j1", 2)).isTrue();

    assertThat(ledger.heldCount()).isEqualTo(1);
    assertThat(ledger.answer("j0", 2)).isFalse();
    assertThat(ledger.answer("k0", 1)).isTrue();
    assertThat(ledger.cancel("k0", 1)).as("already answered").isFalse();
  }

  @Test
  void aResetReleasesEverythingButRemembersTheAttempts() {
    AttemptLedger ledger = new AttemptLedger();
    ledger.assign("j0", 1, "t/es");
    ledger.assign("k0", 1, "u/es");

    ledger.releaseAll();

    assertThat(ledger.heldCount()).isZero();
    assertThat(ledger.answer("j0", 1)).isFalse();
    assertThat(ledger.assign("j0", 1, "t/es")).isEqualTo(REPEAT);
    assertThat(ledger.assign("j0", 2, "t/es")).as("nothing held to replace").isEqualTo(NEW);
  }

  @Test
  void onlyJobsNoLongerHeldAreForgottenOldestFirst() {
    AttemptLedger ledger = new AttemptLedger(2);
    ledger.assign("held", 1, "t/es");
    ledger.assign("a", 1, "a/es");
    ledger.answer("a", 1);
    ledger.assign("b", 1, "b/es");
    ledger.answer("b", 1);

    ledger.assign("c", 1, "c/es");

    assertThat(ledger.latestAttempt("held")).as("held jobs are never forgotten").hasValue(1);
    assertThat(ledger.latestAttempt("a")).isEmpty();
    assertThat(ledger.latestAttempt("b")).isEmpty();
    assertThat(ledger.latestAttempt("c")).hasValue(1);
    assertThat(ledger.answer("held", 1)).isTrue();
  }
}
