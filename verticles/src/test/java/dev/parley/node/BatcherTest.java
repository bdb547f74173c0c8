package dev.parley.node;

import static dev.parley.node.TestSignal.RATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BatcherTest {

  @Test
  void piecesAreJoinedUntilTheNextWouldTakeTheBatchPastTheTarget() {
    // 2 s, 2 s, 2 s, 4 s.
    List<Span> pieces = List.of(
        new Span(0, 32_000), new Span(32_000, 64_000), new Span(64_000, 96_000), new Span(96_000, 160_000));

    assertThat(Batcher.batch(pieces, RATE))
        .containsExactly(new Span(0, 64_000), new Span(64_000, 96_000), new Span(96_000, 160_000));
  }

  @Test
  void aBatchMayReachTheTargetExactly() {
    // 2 s, 3 s, 1 s.
    List<Span> pieces = List.of(new Span(0, 32_000), new Span(32_000, 80_000), new Span(80_000, 96_000));

    assertThat(Batcher.batch(pieces, RATE)).containsExactly(new Span(0, 80_000), new Span(80_000, 96_000));
  }

  @Test
  void aPieceLongerThanTheTargetIsABatchOfItsOwn() {
    // 1 s, 7 s, 1 s.
    List<Span> pieces = List.of(new Span(0, 16_000), new Span(16_000, 128_000), new Span(128_000, 144_000));

    assertThat(Batcher.batch(pieces, RATE))
        .containsExactly(new Span(0, 16_000), new Span(16_000, 128_000), new Span(128_000, 144_000));
  }

  @Test
  void noPiecesGiveNoBatches() {
    assertThat(Batcher.batch(List.of(), RATE)).isEmpty();
  }

  @Test
  void theTargetCanBeGiven() {
    // Four pieces of 1 s with a target of 3 s.
    List<Span> pieces = List.of(
        new Span(0, 16_000), new Span(16_000, 32_000), new Span(32_000, 48_000), new Span(48_000, 64_000));

    assertThat(Batcher.batch(pieces, RATE, 3000)).containsExactly(new Span(0, 48_000), new Span(48_000, 64_000));
  }

  @Test
  void piecesWithAGapAreRefused() {
    List<Span> pieces = List.of(new Span(0, 16_000), new Span(16_001, 32_000));

    assertThatThrownBy(() -> Batcher.batch(pieces, RATE)).isInstanceOf(IllegalArgumentException.class);
  }
}
