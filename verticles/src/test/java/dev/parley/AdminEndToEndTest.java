package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Browser;
import dev.parley.testing.Chromium;
import dev.parley.testing.FakeNode;
import dev.parley.testing.Http;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.WebElement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The admin page and its data, over real HTTP with a node and a browser as protocol peers. */
@ExtendWith(VertxExtension.class)
class AdminEndToEndTest {
  private static final String TOKEN = "admin-secret-7f1c";

  @Test
  void withoutATokenSetThePageIsOff(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    assertThat(Http.get(vertx, s.port(), "/admin", null).status()).isEqualTo(404);
    Http.Answer state = Http.get(vertx, s.port(), "/admin/state", "Bearer ");
    assertThat(state.status()).isEqualTo(404);
    assertThat(state.body()).contains("security.adminToken");
  }

  @Test
  void theStateIsGivenOnlyForTheTokenAndShowsInstancesNodesAndJobs(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("security.adminToken", TOKEN));
    Http.Answer page = Http.get(vertx, s.port(), "/admin", null);
    assertThat(page.status()).isEqualTo(302);
    Http.Answer html = Http.get(vertx, s.port(), page.location(), null);
    assertThat(html.status()).isEqualTo(200);
    assertThat(html.body()).contains("Parley admin").contains("admin.js").doesNotContain(TOKEN);

    assertThat(Http.get(vertx, s.port(), "/admin/state", null).status()).isEqualTo(401);
    assertThat(Http.get(vertx, s.port(), "/admin/state", "Bearer wrong").status()).isEqualTo(401);
    assertThat(Http.get(vertx, s.port(), "/admin/state", "Bearer " + TOKEN.substring(1)).status()).isEqualTo(401);
    assertThat(Http.get(vertx, s.port(), "/admin/state", TOKEN).status()).as("no scheme").isEqualTo(401);

    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es", "en>it");
        Browser b = Browser.connect(vertx, s.port()).start()) {
      b.utterance(0, 400, true);
      b.awaitResult(0);
      Http.Answer answer = Http.get(vertx, s.port(), "/admin/state", "bearer " + TOKEN);
      assertThat(answer.status()).isEqualTo(200);
      JsonObject state = answer.json();

      assertThat(state.getJsonArray("instances")).hasSize(1);
      JsonObject instance = state.getJsonArray("instances").getJsonObject(0);
      assertThat(instance.getString("instance_id")).isEqualTo(state.getString("instance_id"));
      assertThat(instance.getInteger("sessions")).isEqualTo(1);
      assertThat(instance.getInteger("nodes")).isEqualTo(1);
      assertThat(instance.getBoolean("draining")).isFalse();
      assertThat(instance.getJsonObject("result_latency").getLong("count")).isEqualTo(1);
      assertThat(instance.getJsonObject("result_latency").getDouble("p99_ms"))
          .isGreaterThanOrEqualTo(instance.getJsonObject("result_latency").getDouble("p50_ms")).isNotNegative();
      assertThat(instance.getJsonObject("dispatch_latency").getLong("count")).isEqualTo(1);

      assertThat(state.getJsonArray("nodes")).hasSize(1);
      JsonObject n = state.getJsonArray("nodes").getJsonObject(0);
      assertThat(n.getString("node_id")).isEqualTo("n1");
      assertThat(n.getString("status")).isEqualTo("READY");
      assertThat(n.getJsonArray("pairs").getList()).containsExactly("en>es", "en>it");
      assertThat(n.getInteger("max_jobs")).isEqualTo(4);
      assertThat(n.getInteger("reserved")).isZero();
      assertThat(n.getString("instance_id")).isEqualTo(state.getString("instance_id"));
      assertThat(n.getLong("heartbeat_age_ms")).isBetween(0L, 10_000L);

      JsonObject jobs = state.getJsonObject("jobs");
      assertThat(jobs.getLong("created")).isEqualTo(1);
      assertThat(jobs.getLong("in_flight")).isZero();
      assertThat(jobs.getJsonObject("ended").getLong("COMPLETED")).isEqualTo(1);
      assertThat(jobs.getJsonObject("ended").getLong("FAILED")).isZero();
    }
  }

  @Test
  void thePageInChromiumShowsTheNodesJobsAndLatencyOnceGivenTheToken(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of("security.adminToken", TOKEN));
    try (FakeNode node = FakeNode.register(vertx, s.port(), "n1", 4, "en>es");
        Browser b = Browser.connect(vertx, s.port()).start();
        Chromium browser = Chromium.start(null)) {
      node.beatEvery(vertx, 1000);
      b.utterance(0, 400, true);
      b.awaitResult(0);
      browser.open("http://127.0.0.1:" + s.port() + "/admin");
      browser.find("#token").sendKeys("not-it");
      browser.find("#sign-in button").click();
      browser.waitUpTo(Duration.ofSeconds(10)).until(d -> browser.find("#status").getText().contains("refused"));

      browser.find("#token").sendKeys(TOKEN);
      browser.find("#sign-in button").click();
      browser.waitUpTo(Duration.ofSeconds(10)).until(d -> !browser.findAll("#nodes tr[data-node='n1']").isEmpty());
      List<String> cells = browser.findAll("#nodes tr[data-node='n1'] td").stream().map(WebElement::getText).toList();
      assertThat(cells.get(1)).isEqualTo("ready");
      assertThat(cells.get(2)).isEqualTo("en → es");
      assertThat(cells.get(3)).isEqualTo("0 / 4 turns");
      assertThat(browser.find("#jobs dd[data-figure='completed']").getText()).isEqualTo("1");
      assertThat(browser.find("#jobs dd[data-figure='made']").getText()).isEqualTo("1");
      assertThat(browser.findAll("#instances tbody tr")).hasSize(1);
      // a second sample draws each instance's p50 and p99 as lines
      browser.waitUpTo(Duration.ofSeconds(10)).until(d -> browser.findAll("#result-chart polyline").size() == 2
          && browser.find("#result-chart polyline").getAttribute("points").split(" ").length >= 2);
      assertThat(browser.screenshot("admin")).exists();
      assertThat(browser.console().lines().filter(l -> l.contains("SEVERE")))
          .as("script errors (the refused token's 401 aside)").allMatch(l -> l.contains("status of 401"));
    }
  }
}
