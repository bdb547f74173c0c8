package dev.parley.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The browser client: the files of the classpath folder {@code webroot/}, read once into memory and served by exact
 * name. A request names a file only by matching one of those names, so no path can reach outside the folder.
 */
final class WebRoot {
  static final String FOLDER = "webroot";
  private static final String INDEX = "index.html";
  private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("wav", "audio/wav"),
      Map.entry("wasm", "application/wasm"));
  /** The page loads only its own scripts, styles and sockets; TTS audio is decoded from the socket's frames. */
  private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
      + "img-src 'self' data:; media-src 'self' blob: data:; connect-src 'self' ws: wss:; object-src 'none'; "
      + "base-uri 'none'; frame-ancestors 'none'";

  record StaticFile(Buffer body, String contentType, String etag) {}

  private final Map<String, StaticFile> files;

  private WebRoot(Map<String, StaticFile> files) {
    this.files = Map.copyOf(files);
  }

  /** The client in this process's classpath, read on first use (it blocks: call it off the event loop). */
  static WebRoot classpath() {
    return Classpath.ROOT;
  }

  private static final class Classpath {
    static final WebRoot ROOT = load(WebRoot.class.getClassLoader());
  }

  /** Reads every file of a known type under {@code webroot/}, from a directory or a jar; empty when there is none. */
  static WebRoot load(ClassLoader loader) {
    URL index = loader.getResource(FOLDER + "/" + INDEX);
    if (index == null) {
      return new WebRoot(Map.of());
    }
    try {
      URI uri = index.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return new WebRoot(readTree(Path.of(uri).getParent()));
      }
      try {
        return new WebRoot(readTree(FileSystems.getFileSystem(uri).getPath("/" + FOLDER)));
      } catch (FileSystemNotFoundException notOpen) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return new WebRoot(readTree(jar.getPath("/" + FOLDER)));
        }
      }
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read the browser client from " + index, e);
    }
  }

  private static Map<String, StaticFile> readTree(Path folder) throws IOException {
    Map<String, StaticFile> out = new HashMap<>();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(folder)) {
      paths = walk.filter(Files::isRegularFile).toList();
    }
    for (Path p : paths) {
      String name = folder.relativize(p).toString().replace('\\', '/');
      String type = contentType(name);
      if (type != null) {
        byte[] bytes = Files.readAllBytes(p);
        out.put(name, new StaticFile(Buffer.buffer(bytes), type, etag(bytes)));
      }
    }
    return out;
  }

  static String contentType(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The file a request path names ({@code /} is the index page), or null. */
  StaticFile find(String requestPath) {
    if (requestPath == null || !requestPath.startsWith("/")) {
      return null;
    }
    String name = requestPath.substring(1);
    return files.get(name.isEmpty() ? INDEX : name);
  }

  /** True when the request was for a file of the client, and it was answered. */
  boolean serve(HttpServerRequest request) {
    StaticFile file = find(request.path());
    if (file == null) {
      return false;
    }
    HttpServerResponse response = request.response();
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      response.setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return true;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, file.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader(HttpHeaders.ETAG, file.etag())
        .putHeader("X-Content-Type-Options", "nosniff");
    if (file.contentType().startsWith("text/html")) {
      response.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
          .putHeader("Referrer-Policy", "no-referrer");
    }
    if (file.etag().equals(request.getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
    } else {
      response.end(file.body());
    }
    return true;
  }

  int size() {
    return files.size();
  }
}
