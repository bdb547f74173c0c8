package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testing.Await;
import dev.parley.testing.FakeNode;
import dev.parley.testing.TestScheduler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The scheduler's plain HTTP side for browsers: the client's files and {@code /api/languages}. */
@ExtendWith(VertxExtension.class)
class WebClientEndpointsTest {
  private record Response(int status, MultiMap headers, String body) {}

  private static Response request(HttpClient http, int port, HttpMethod method, String path, String ifNoneMatch) {
    return Await.result(http.request(method, port, "127.0.0.1", path).compose(req -> {
      if (ifNoneMatch != null) {
        req.putHeader("If-None-Match", ifNoneMatch);
      }
      return req.send().compose(res -> res.body().map(b -> new Response(res.statusCode(), res.headers(),
          b.toString())));
    }));
  }

  private static Response get(HttpClient http, int port, String path) {
    return request(http, port, HttpMethod.GET, path, null);
  }

  @Test
  void theClientIsServedWithItsTypesAndNothingOutsideItsFolder(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    HttpClient http = vertx.createHttpClient();
    Response index = get(http, s.port(), "/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.headers().get("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(index.headers().get("content-security-policy")).contains("default-src 'self'");
    assertThat(index.body()).contains("id=\"start\"").contains("id=\"results\"");
    assertThat(get(http, s.port(), "/session.js").headers().get("content-type"))
        .isEqualTo("text/javascript; charset=utf-8");
    assertThat(get(http, s.port(), "/style.css").headers().get("content-type")).isEqualTo("text/css; charset=utf-8");
    assertThat(get(http, s.port(), "/style.css").headers().get("x-content-type-options")).isEqualTo("nosniff");

    String etag = get(http, s.port(), "/app.js").headers().get("etag");
    assertThat(request(http, s.port(), HttpMethod.GET, "/app.js", etag).status()).isEqualTo(304);
    assertThat(request(http, s.port(), HttpMethod.POST, "/app.js", null).status()).isEqualTo(405);
    assertThat(request(http, s.port(), HttpMethod.HEAD, "/app.js", null).body()).isEmpty();

    for (String path : new String[] {"/../pom.xml", "/%2e%2e/pom.xml", "/..%2f..%2fpom.xml", "//etc/passwd",
        "/webroot/index.html", "/parley.json", "/nope.js", "/dev/parley/Main.class"}) {
      assertThat(get(http, s.port(), path).status()).as(path).isEqualTo(404);
    }
    assertThat(get(http, s.port(), "/health").status()).isEqualTo(200);
    Response ready = get(http, s.port(), "/ready");
    assertThat(ready.status()).isEqualTo(200);
    assertThat(new io.vertx.core.json.JsonObject(ready.body()).getString("status")).isEqualTo("READY");
  }

  @Test
  void languagesAreThePairsOfReadyNodes(Vertx vertx) {
    Scheduler s = TestScheduler.start(vertx, Map.of());
    HttpClient http = vertx.createHttpClient();
    Response none = get(http, s.port(), "/api/languages");
    assertThat(none.headers().get("content-type")).isEqualTo("application/json");
    assertThat(new JsonObject(none.body()).getJsonArray("pairs")).isEmpty();
    try (FakeNode a = FakeNode.register(vertx, s.port(), "a", 2, "en>fr", "en>es");
        FakeNode b = FakeNode.register(vertx, s.port(), "b", 2, "es>en", "en>es");
        FakeNode draining = FakeNode.register(vertx, s.port(), "c", 2, "de>en")) {
      draining.write(new JsonObject().put("type", "node_heartbeat").put("node_id", "c")
          .put("timestamp", System.currentTimeMillis()).put("status", "draining"));
      String expected = "{\"pairs\":[{\"src\":\"en\",\"tgt\":\"es\"},{\"src\":\"en\",\"tgt\":\"fr\"},"
          + "{\"src\":\"es\",\"tgt\":\"en\"}]}";
      long deadline = System.currentTimeMillis() + 5_000;
      String body = get(http, s.port(), "/api/languages").body();
      // the draining heartbeat is applied a moment after it is written
      while (!body.equals(expected) && System.currentTimeMillis() < deadline) {
        Await.result(vertx.timer(20));
        body = get(http, s.port(), "/api/languages").body();
      }
      assertThat(body).isEqualTo(expected);
    }
  }
}
