package dev.parley.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BenchPercentilesTest {

  @Test
  void nearestRankOfOneToAHundredIsTheRankItself() {
    BenchPercentiles p = BenchPercentiles.of(IntStream.rangeClosed(1, 100).boxed().toList());
    assertThat(p.at(50)).isEqualTo(50.0);
    assertThat(p.at(99)).isEqualTo(99.0);
    assertThat(p.at(100)).isEqualTo(100.0);
    assertThat(p.max()).isEqualTo(100.0);
    assertThat(p.count()).isEqualTo(100);
  }

  @Test
  void valuesNeedNotBeSorted() {
    BenchPercentiles p = new BenchPercentiles(new double[] {9, 1, 5, 3, 7});
    assertThat(p.at(50)).isEqualTo(5.0);
    assertThat(p.at(20)).isEqualTo(1.0);
    assertThat(p.at(21)).isEqualTo(3.0);
    assertThat(p.max()).isEqualTo(9.0);
  }

  @Test
  void withFewValuesTheHighPercentilesAreTheMaximum() {
    BenchPercentiles p = BenchPercentiles.of(List.of(120.0, 80.0, 100.0));
    assertThat(p.at(99)).isEqualTo(120.0);
    assertThat(p.at(50)).isEqualTo(100.0);
  }

  @Test
  void aSingleValueIsEveryPercentile() {
    BenchPercentiles p = BenchPercentiles.of(List.of(4.2));
    assertThat(p.at(1)).isEqualTo(4.2);
    assertThat(p.at(50)).isEqualTo(4.2);
    assertThat(p.at(99)).isEqualTo(4.2);
  }

  @Test
  void noValuesGiveNullsInTheJson() {
    BenchPercentiles p = BenchPercentiles.of(List.<Double>of());
    assertThat(p.at(50)).isNaN();
    assertThat(p.toJson()).isEqualTo(new JsonObject().putNull("p50").putNull("p99").putNull("max").put("count", 0));
  }

  @Test
  void theJsonIsRoundedToThreeDecimals() {
    JsonObject json = BenchPercentiles.of(List.of(1.23456, 2.0)).toJson();
    assertThat(json.getDouble("p50")).isEqualTo(1.235);
    assertThat(json.getDouble("max")).isEqualTo(2.0);
  }

  @Test
  void aPercentileOutsideZeroToAHundredIsRefused() {
    BenchPercentiles p = BenchPercentiles.of(List.of(1.0));
    assertThatThrownBy(() -> p.at(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> p.at(101)).isInstanceOf(IllegalArgumentException.class);
  }
}
