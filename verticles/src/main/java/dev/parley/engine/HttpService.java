package dev.parley.engine;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The external HTTP service behind one engine entry of {@code engines.json}: its base {@code url}, an optional API
 * key ({@code apiKey}, or the environment variable named by {@code apiKeyEnv}), and the connect and per-request
 * timeouts ({@code connectTimeoutMs}, {@code timeoutMs}). Calls block; every failure is an {@link EngineException}
 * that names the engine, the address and what went wrong.
 */
final class HttpService {
  static final long DEFAULT_TIMEOUT_MS = 30_000;
  static final long DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
  /** How much of an error body goes into a message: enough for the service's reason, not a whole page. */
  private static final int EXCERPT_CHARS = 200;

  private final String engine;
  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final HttpClient client;

  private HttpService(String engine, String baseUrl, String apiKey, Duration connectTimeout, Duration timeout) {
    this.engine = engine;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.timeout = timeout;
    // HTTP/1.1: the services these adapters talk to speak it, and it avoids the h2c upgrade on plain http
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  static HttpService open(String engine, JsonObject config) throws EngineException {
    return open(engine, config, System::getenv);
  }

  /** {@code env} looks up environment variables. */
  static HttpService open(String engine, JsonObject config, UnaryOperator<String> env) throws EngineException {
    String url = string(engine, config, "url");
    if (url == null || url.isBlank()) {
      throw new EngineException(engine + " needs a \"url\", such as \"http://localhost:9000\"");
    }
    try {
      URI uri = new URI(url.strip());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new EngineException(engine + ": \"url\" must be an http:// or https:// address, got " + url);
      }
    } catch (URISyntaxException e) {
      throw new EngineException(engine + ": \"url\" is not an address: " + url, e);
    }
    String apiKey = string(engine, config, "apiKey");
    String apiKeyEnv = string(engine, config, "apiKeyEnv");
    if ((apiKey == null || apiKey.isEmpty()) && apiKeyEnv != null && !apiKeyEnv.isEmpty()) {
      apiKey = env.apply(apiKeyEnv);
      if (apiKey == null || apiKey.isEmpty()) {
        throw new EngineException(engine + ": the environment variable " + apiKeyEnv + " (\"apiKeyEnv\") is not set");
      }
    }
    return new HttpService(engine, url.strip().replaceAll("/+$", ""), apiKey == null || apiKey.isEmpty() ? null
        : apiKey, Duration.ofMillis(millis(engine, config, "connectTimeoutMs", DEFAULT_CONNECT_TIMEOUT_MS)),
        Duration.ofMillis(millis(engine, config, "timeoutMs", DEFAULT_TIMEOUT_MS)));
  }

  /** The entry's required {@code languages}: a non-empty array of short codes. */
  static Set<String> languages(String engine, JsonObject config) throws EngineException {
    Object value = config.getValue("languages");
    if (!(value instanceof JsonArray list) || list.isEmpty()) {
      throw new EngineException(engine + " needs \"languages\", the short codes it serves, such as [\"en\"]");
    }
    Set<String> out = new LinkedHashSet<>();
    for (Object code : list) {
      if (!(code instanceof String s) || s.isBlank()) {
        throw new EngineException(engine + ": \"languages\" must hold language codes, got " + code);
      }
      out.add(s.strip());
    }
    return Set.copyOf(out);
  }

  /** The entry's string {@code key}, or {@code fallback} when it is absent or blank. */
  static String string(String engine, JsonObject config, String key, String fallback) throws EngineException {
    String value = string(engine, config, key);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static String string(String engine, JsonObject config, String key) throws EngineException {
    Object value = config.getValue(key);
    if (value != null && !(value instanceof String)) {
      throw new EngineException(engine + ": \"" + key + "\" must be a string, got " + value);
    }
    return (String) value;
  }

  private static long millis(String engine, JsonObject config, String key, long fallback) throws EngineException {
    Object value = config.getValue(key, fallback);
    if (!(value instanceof Number n) || n.longValue() <= 0) {
      throw new EngineException(engine + ": \"" + key + "\" must be a positive number of milliseconds, got " + value);
    }
    return n.longValue();
  }

  /** The key for the service, or null when none is configured. */
  String apiKey() {
    return apiKey;
  }

  /** A request to {@code path} under the base URL, with the per-request timeout. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
  }

  /** {@link #request} with {@code Authorization: Bearer} when a key is configured. */
  HttpRequest.Builder authorisedRequest(String path) {
    HttpRequest.Builder b = request(path);
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b;
  }

  /** Sends the request and returns the body of a 2xx answer. */
  byte[] send(HttpRequest request) throws EngineException {
    HttpResponse<byte[]> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      throw new EngineException(engine + ": cannot connect to " + request.uri() + " (connect timeout)", e);
    } catch (HttpTimeoutException e) {
      throw new EngineException(engine + ": no answer from " + request.uri() + " within " + timeout.toMillis()
          + " ms (timeoutMs)", e);
    } catch (IOException e) {
      throw new EngineException(engine + ": cannot reach " + request.uri() + ": " + reason(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException(engine + ": interrupted while waiting for " + request.uri());
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      throw new EngineException(engine + ": HTTP " + status + " from " + request.method() + " " + request.uri()
          + ": " + excerpt(response.body()));
    }
    return response.body();
  }

  /** A JSON object answer; anything else is a malformed response. */
  JsonObject jsonObject(byte[] body, String path) throws EngineException {
    try {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw malformed(path, "not a JSON object", body);
    }
  }

  /** A JSON array answer; anything else is a malformed response. */
  JsonArray jsonArray(byte[] body, String path) throws EngineException {
    try {
      return new JsonArray(new String(body, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw malformed(path, "not a JSON array", body);
    }
  }

  /** The string {@code field} of an answer from {@code path}. */
  String stringField(JsonObject answer, String field, String path) throws EngineException {
    if (!(answer.getValue(field) instanceof String s)) {
      throw malformed(path, "no string \"" + field + "\"",
          answer.encode().getBytes(StandardCharsets.UTF_8));
    }
    return s;
  }

  EngineException malformed(String path, String what, byte[] body) {
    return new EngineException(engine + ": malformed answer from " + baseUrl + path + " (" + what + "): "
        + excerpt(body));
  }

  private static String reason(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** The start of a body on one line, for a message. */
  static String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    String text = new String(body, 0, Math.min(body.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8)
        .replaceAll("[\\p{Cntrl}\\s]+", " ").strip();
    return text.length() > EXCERPT_CHARS ? text.substring(0, EXCERPT_CHARS) + "..." : text;
  }
}
