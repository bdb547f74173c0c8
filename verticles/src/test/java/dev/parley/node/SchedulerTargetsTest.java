package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SchedulerTargetsTest {

  @Test
  void oneUrlIsAlwaysTheCurrentOne() {
    SchedulerTargets targets = SchedulerTargets.parse("ws://10.0.0.1:8080/ws/node");

    assertThat(targets.current()).isEqualTo(URI.create("ws://10.0.0.1:8080/ws/node"));
    assertThat(targets.advance()).isEqualTo(URI.create("ws://10.0.0.1:8080/ws/node"));
  }

  @Test
  void aListStartsAtTheFirstAndGoesRoundRobin() {
    SchedulerTargets targets = SchedulerTargets.parse(" ws://a:1/ws/node, wss://b/ws/node ,,ws://c:3 ");

    assertThat(targets.all()).extracting(URI::getHost).containsExactly("a", "b", "c");
    assertThat(targets.current().getHost()).isEqualTo("a");
    assertThat(targets.advance().getHost()).isEqualTo("b");
    assertThat(targets.advance().getHost()).isEqualTo("c");
    assertThat(targets.advance().getHost()).isEqualTo("a");
    assertThat(targets.current().getHost()).isEqualTo("a");
  }

  @Test
  void portAndPathDefaultByScheme() {
    SchedulerTargets targets = SchedulerTargets.parse("ws://a/ws/node,wss://b,ws://c:9000/custom");

    URI a = targets.current();
    URI b = targets.advance();
    URI c = targets.advance();
    assertThat(SchedulerTargets.port(a)).isEqualTo(80);
    assertThat(SchedulerTargets.port(b)).isEqualTo(443);
    assertThat(SchedulerTargets.secure(b)).isTrue();
    assertThat(SchedulerTargets.path(b)).isEqualTo("/ws/node");
    assertThat(SchedulerTargets.port(c)).isEqualTo(9000);
    assertThat(SchedulerTargets.path(c)).isEqualTo("/custom");
  }

  @Test
  void anythingButWebSocketUrlsIsRefused() {
    assertThatThrownBy(() -> SchedulerTargets.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SchedulerTargets.parse(" , ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SchedulerTargets.parse("ws://a:1/ws/node,http://b:2/ws/node"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://b:2");
    assertThatThrownBy(() -> SchedulerTargets.parse("a:8080")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SchedulerTargets.parse("ws://a b")).isInstanceOf(IllegalArgumentException.class);
  }
}
