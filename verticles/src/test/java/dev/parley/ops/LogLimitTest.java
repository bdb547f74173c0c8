package dev.parley.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLimitTest {
  @Test
  void linesPastTheLimitAreHeldBackAndCountedInTheNextOneWritten() {
    LogLimit limit = new LogLimit(2, 1_000);
    assertThat(limit.admit(0)).isZero();
    assertThat(limit.admit(10)).isZero();
    assertThat(limit.admit(20)).as("third in the interval").isEqualTo(-1);
    assertThat(limit.admit(999)).isEqualTo(-1);

    assertThat(limit.admit(1_000)).as("a new interval: says how many were held back").isEqualTo(2);
    assertThat(limit.admit(1_001)).isZero();
  }

  @Test
  void aLineIsWrittenOnlyWhenTheLimitLetsItThrough() {
    LogLimit limit = new LogLimit(1, 60_000);
    List<Long> written = new ArrayList<>();
    limit.log(written::add);
    limit.log(written::add);
    assertThat(written).as("the second held back within the minute").containsExactly(0L);
  }
}
