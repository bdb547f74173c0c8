package dev.parley.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.store.NodeInfo;
import dev.parley.store.NodeInfo.NodeStatus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServedPairsTest {
  private static NodeInfo node(String id, NodeStatus status, String... pairs) {
    return new NodeInfo(id, "c1", "i1", 4, Set.of(pairs), status, 0, 0, 0);
  }

  @Test
  void thePairsOfReadyNodesDistinctAndSortedBySourceThenTarget() {
    JsonObject json = ServedPairs.of(List.of(
        node("a", NodeStatus.READY, "en>fr", "en>es"),
        node("b", NodeStatus.READY, "es>en", "en>es", "en-GB>es"),
        node("c", NodeStatus.DRAINING, "de>en"),
        node("d", NodeStatus.DEGRADED, "fr>en")));
    assertThat(json.encode()).isEqualTo("{\"pairs\":[{\"src\":\"en\",\"tgt\":\"es\"},{\"src\":\"en\",\"tgt\":\"fr\"},"
        + "{\"src\":\"en-GB\",\"tgt\":\"es\"},{\"src\":\"es\",\"tgt\":\"en\"}]}");
  }

  @Test
  void noNodesNoPairs() {
    assertThat(ServedPairs.of(List.of()).encode()).isEqualTo("{\"pairs\":[]}");
  }
}
