package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.bus.BusCodecs;
import dev.parley.testing.Await;
import dev.parley.testing.JobFrames;
import dev.parley.testing.SchedulerPeer;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A real worker node told to stop (what its SIGTERM does), against a scheduler peer over a real socket. */
@ExtendWith(VertxExtension.class)
class NodeDrainEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void aStoppingNodeFinishesTheTurnItHoldsRefusesNewTurnsAndLeavesWithGoingAway(Vertx vertx) {
    BusCodecs.register(vertx.eventBus());
    try (SchedulerPeer peer = SchedulerPeer.start(vertx)) {
      // a reconnect, were there one, would come within 100 ms
      Worker node = TestNode.start(vertx, peer.url(), TestNode.engines(), Map.of("node.id", "stopping-node",
          "node.reconnectMinMs", "50", "node.reconnectMaxMs", "100"));
      peer.awaitCount("node_register", 1, WAIT);
      // the turn stays open (a max-duration cut), so its job is held until the turn's end comes
      peer.send(JobFrames.pcm("held", 0, 1, Speech.say("The weather is very nice today."), false));
      peer.await(f -> "job_ack".equals(f.getString("type")), WAIT, "the ack of the held job");

      Future<Void> drained = node.drain(WAIT.toMillis());
      peer.await(f -> "node_heartbeat".equals(f.getString("type")) && "draining".equals(f.getString("status")),
          WAIT, "a heartbeat saying draining");
      // a new turn that was already on its way is refused, so the scheduler moves it to another node
      peer.send(JobFrames.pcm("late", 0, 1, Speech.say("Please open the window."), true));
      JsonObject refused = peer.await(f -> "job_result".equals(f.getString("type"))
          && JobFrames.jobId("late", 0).equals(f.getString("job_id")), WAIT, "the late turn's answer");
      assertThat(refused.getBoolean("success")).isFalse();
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo(AggregatorVerticle.DRAINING);
      assertThat(drained.isComplete()).as("still holding the open turn's job").isFalse();

      // the held turn's end is still taken: the node finishes the turn, then leaves
      peer.send(JobFrames.job("held", 1, 1, new byte[0], "pcm16", 0, true));
      JsonObject finished = peer.await(f -> "job_result".equals(f.getString("type"))
          && JobFrames.jobId("held", 0).equals(f.getString("job_id")), WAIT, "the held job's result");
      assertThat(finished.getBoolean("success")).isTrue();
      assertThat(finished.getString("text_asr")).contains("weather");
      Await.result(drained);
      assertThat(peer.awaitClosed(WAIT)).isEqualTo((short) 1001);
      assertThat(peer.frames("job_result")).extracting(f -> f.getString("job_id"))
          .contains(JobFrames.jobId("held", 1));

      Await.result(vertx.timer(500)); // past any reconnect: absence has no event to await
      assertThat(peer.frames("node_register")).as("a stopped node does not come back").hasSize(1);
    }
  }
}
