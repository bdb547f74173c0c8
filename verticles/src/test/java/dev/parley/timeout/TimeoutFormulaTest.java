package dev.parley.timeout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.config.ParleyConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimeoutFormulaTest {

  @ParameterizedTest(name = "expected {1} ms, base {2}, factor {3}, min {4}, max {5} -> {0} ms")
  @CsvSource({
      // timeout, expected duration, base, factor, min, max
      "15000,     0, 10000, 1.0, 15000, 60000", // an empty job: raised to the minimum
      "15000,  2000, 10000, 1.0, 15000, 60000", // below the minimum
      "15000,  5000, 10000, 1.0, 15000, 60000", // exactly the minimum
      "18000,  8000, 10000, 1.0, 15000, 60000", // inside the bounds: base + duration
      "60000, 50000, 10000, 1.0, 15000, 60000", // exactly the maximum
      "60000, 70000, 10000, 1.0, 15000, 60000", // above the maximum
      "16000,  4000, 10000, 1.5, 15000, 60000", // the factor scales the duration
      "11667,  3333, 10000, 0.5,     0, 60000", // a fractional product is rounded
      "10000,     0, 10000, 2.0,     0, 60000", // no minimum: the base alone
      " 1000,   100,     0, 2.0,  1000,  5000", // no base: raised to the minimum
      " 5000,  9000,     0, 2.0,  1000,  5000", // no base: cut to the maximum
  })
  void clampsBasePlusScaledDuration(long timeout, long expected, long base, double factor, long min, long max) {
    ParleyConfig.Timeout config = new ParleyConfig.Timeout(base, factor, min, max, 50);

    assertThat(TimeoutFormula.timeoutMs(expected, config)).isEqualTo(timeout);
  }
}
