package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.bus.BusCodecs;
import dev.parley.testing.JobFrames;
import dev.parley.testing.SchedulerPeer;
import dev.parley.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real worker node given several scheduler URLs, against scheduler peers over real sockets. */
@ExtendWith(VertxExtension.class)
class NodeLinkFailoverEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static void startNode(Vertx vertx, String schedulers) {
    BusCodecs.register(vertx.eventBus());
    TestNode.start(vertx, schedulers, TestNode.engines(), Map.of("node.id", "test-node", "node.maxJobs", "1",
        "node.reconnectMinMs", "50", "node.reconnectMaxMs", "200"));
  }

  private static JsonObject awaitRegister(SchedulerPeer peer, int count) {
    return peer.awaitCount("node_register", count, WAIT).get(count - 1);
  }

  /** The link works: an empty closing job (no audio to recognise) is acknowledged and answered. */
  private static void assertServes(SchedulerPeer peer, String turnId) {
    peer.send(JobFrames.job(turnId, 0, 1, new byte[0], "pcm16", 0, true));
    JsonObject result = peer.await(f -> "job_result".equals(f.getString("type"))
        && JobFrames.jobId(turnId, 0).equals(f.getString("job_id")), WAIT, "the result of turn " + turnId);
    assertThat(result.getString("node_id")).isEqualTo("test-node");
    assertThat(result.getJsonObject("extra").getString("reason")).isEqualTo("NO_TEXT_ASSIGNED");
  }

  @Test
  void aNodeWhoseFirstSchedulerRefusesRegistersOnTheSecond(Vertx vertx) {
    try (SchedulerPeer second = SchedulerPeer.start(vertx)) {
      startNode(vertx, JobFrames.refusingUrl() + ", " + second.url());

      assertThat(awaitRegister(second, 1).getString("node_id")).isEqualTo("test-node");
      assertServes(second, "a");
    }
  }

  @Test
  void aNodeWhoseSchedulerClosesTheLinkMovesToTheNextAndKeepsItsId(Vertx vertx) {
    try (SchedulerPeer first = SchedulerPeer.start(vertx); SchedulerPeer second = SchedulerPeer.start(vertx)) {
      startNode(vertx, first.url() + "," + second.url());
      assertThat(awaitRegister(first, 1).getString("node_id")).isEqualTo("test-node");
      assertThat(second.frames("node_register")).as("the node starts with the first URL").isEmpty();

      first.dropNode();

      assertThat(awaitRegister(second, 1).getString("node_id")).isEqualTo("test-node");
      assertThat(first.frames("node_register")).as("the first scheduler is not retried first").hasSize(1);
      assertServes(second, "b");

      second.dropNode();

      assertThat(awaitRegister(first, 2).getString("node_id")).as("round robin: back to the first")
          .isEqualTo("test-node");
      assertThat(second.frames("node_register")).hasSize(1);
      assertServes(first, "c");
    }
  }
}
