package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpanTest {

  @Test
  void lengthIsTheNumberOfSamplesWithTheEndExcluded() {
    assertThat(new Span(16_000, 49_600).length()).isEqualTo(33_600);
    assertThat(new Span(5, 5).length()).isZero();
  }

  @Test
  void aNegativeStartIsRefused() {
    assertThatThrownBy(() -> new Span(-1, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEndBeforeTheStartIsRefused() {
    assertThatThrownBy(() -> new Span(10, 9)).isInstanceOf(IllegalArgumentException.class);
  }
}
