package dev.parley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void theDefaultsLoadWithTheDesignedValues() {
    ParleyConfig config = ConfigLoader.load(null, Map.of(), Map.of());

    assertThat(config.timeout()).isEqualTo(new ParleyConfig.Timeout(10_000, 1.0, 15_000, 60_000,
        config.timeout().sweepMs()));
    assertThat(config.session().pauseMs()).isEqualTo(3_000);
    assertThat(config.session().maxDurationMs()).isEqualTo(10_000);
    assertThat(config.session().maxTurnMs()).isEqualTo(60_000);
    assertThat(config.session().audioRateFactor()).isEqualTo(4.0);
    assertThat(config.session().audioBurstMs()).isEqualTo(30_000);
    assertThat(config.session().resumeWindowMs()).isEqualTo(60_000);
    assertThat(config.dispatch().maxAttempts()).isEqualTo(3);
    assertThat(config.dispatch().ackTimeoutMs()).isEqualTo(2_000);
    assertThat(config.dispatch().pendingTimeoutMs()).isEqualTo(10_000);
    assertThat(config.node().heartbeatTimeoutMs()).isEqualTo(15_000);
    assertThat(config.result().gapTimeoutMs()).isEqualTo(300_000);
    assertThat(config.group()).isEqualTo(new ParleyConfig.Group(2_000, 8, 800));
    assertThat(config.server().maxFrameBytes()).isEqualTo(1_048_576);
    assertThat(config.security().sessionTokens()).isEmpty();
  }

  @Test
  void anEnvironmentVariableOverridesItsKey() {
    ParleyConfig config = ConfigLoader.load(null, Map.of("PARLEY_TIMEOUT_MINMS", "20000"), Map.of());

    assertThat(config.timeout().minMs()).isEqualTo(20_000);
    assertThat(config.timeout().maxMs()).as("its neighbours keep their defaults").isEqualTo(60_000);
  }

  @Test
  void environmentValuesAreConvertedToTheKeysType() {
    ParleyConfig config = ConfigLoader.load(null, Map.of(
        "PARLEY_SESSION_AUDIORATEFACTOR", "2.5",
        "PARLEY_SERVER_PORT", " 9090 ",
        "PARLEY_SECURITY_ALLOWEDORIGINS", "https://a.example, https://b.example"), Map.of());

    assertThat(config.session().audioRateFactor()).isEqualTo(2.5);
    assertThat(config.server().port()).isEqualTo(9090);
    assertThat(config.security().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void unrelatedEnvironmentVariablesAreIgnored() {
    ParleyConfig config = ConfigLoader.load(null, Map.of("PATH", "/usr/bin", "PARLEY_NO_SUCH_KEY", "1"), Map.of());

    assertThat(config.timeout().minMs()).isEqualTo(15_000);
  }

  @Test
  void overridesWinOverTheEnvironment() {
    ParleyConfig config = ConfigLoader.load(null,
        Map.of("PARLEY_TIMEOUT_MINMS", "20000"),
        Map.of("timeout.minMs", "25000"));

    assertThat(config.timeout().minMs()).isEqualTo(25_000);
  }

  @Test
  void anUnknownOverrideKeyIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("timeout.minMS", "1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout.minMS");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("nosuchsection.minMs", "1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("timeout", "1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aValueThatIsNotANumberIsRefusedNamingItsKey() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("PARLEY_TIMEOUT_MINMS", "fifteen"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout.minMs")
        .hasMessageContaining("fifteen");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("session.audioRateFactor", "fast")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("session.audioRateFactor");
  }

  @Test
  void aFileOverridesOneNestedKeyAndKeepsItsNeighbours() throws IOException {
    Path file = dir.resolve("parley.json");
    Files.writeString(file, "{\"timeout\": {\"maxMs\": 90000}}");

    ParleyConfig config = ConfigLoader.load(file, Map.of(), Map.of());

    assertThat(config.timeout().maxMs()).isEqualTo(90_000);
    assertThat(config.timeout().minMs()).isEqualTo(15_000);
    assertThat(config.timeout().baseMs()).isEqualTo(10_000);
    assertThat(config.session().maxDurationMs()).isEqualTo(10_000);
  }

  @Test
  void theEnvironmentOverridesTheFile() throws IOException {
    Path file = dir.resolve("parley.json");
    Files.writeString(file, "{\"timeout\": {\"maxMs\": 90000, \"minMs\": 1000}}");

    ParleyConfig config = ConfigLoader.load(file, Map.of("PARLEY_TIMEOUT_MAXMS", "70000"), Map.of());

    assertThat(config.timeout().maxMs()).isEqualTo(70_000);
    assertThat(config.timeout().minMs()).isEqualTo(1_000);
  }

  @Test
  void anUnknownKeyInTheFileIsRefused() throws IOException {
    Path file = dir.resolve("parley.json");
    Files.writeString(file, "{\"timeout\": {\"maxMillis\": 90000}}");

    assertThatThrownBy(() -> ConfigLoader.load(file, Map.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout.maxMillis");
  }
}
