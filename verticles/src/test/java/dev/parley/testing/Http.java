package dev.parley.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/** Plain HTTP GETs against an instance on loopback, each bounded by the await deadline. */
public final class Http {
  private Http() {}

  public record Answer(int status, String location, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** GET {@code path}, with this {@code Authorization} header unless it is null. */
  public static Answer get(Vertx vertx, int port, String path, String authorization) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    HttpClient client = vertx.createHttpClient();
    return Await.result(client.request(options).compose(req -> req.send()
        .compose(res -> res.body().map(b -> new Answer(res.statusCode(), res.getHeader("location"), b.toString()))))
        .eventually(client::close));
  }
}
