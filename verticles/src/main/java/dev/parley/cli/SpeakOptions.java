package dev.parley.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The options of {@code parley.jar speak}, as parsed from the command line. */
record SpeakOptions(Path file, String src, String tgt, URI url, boolean fast, Path out, String codec, int chunkMs) {

  static final String USAGE = """
      usage: parley.jar speak FILE.wav --src LANG --tgt LANG [--url ws://host:port/ws/session] [--fast] [--out DIR]
                              [--codec opus|pcm16] [--chunk-ms MS]
        Streams a 16-bit PCM WAV file (any rate, mono or stereo) to a scheduler as a browser does, in real time
        (--fast: as fast as the scheduler's rate limit allows), and prints each result as it arrives, one line per
        utterance. --out writes each result's speech to DIR/utterance-<index>.wav. --url defaults to
        ws://localhost:8080/ws/session, --codec to opus, --chunk-ms (a multiple of 20) to 200.
        Exit code: 0 every outcome arrived, 1 some utterance is missing, 2 bad arguments or an unreadable file,
        3 the server cannot be reached or the session ended abnormally.""";

  static final String DEFAULT_URL = "ws://localhost:8080/ws/session";
  private static final String SESSION_PATH = "/ws/session";
  /** Larger chunks would come near the scheduler's frame limit and its rate limit's burst. */
  private static final int MAX_CHUNK_MS = 5_000;

  static SpeakOptions parse(List<String> args) {
    Path file = null;
    String src = null;
    String tgt = null;
    String url = DEFAULT_URL;
    boolean fast = false;
    Path out = null;
    String codec = "opus";
    int chunkMs = 200;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (arg.equals("--fast")) {
        fast = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        if (file != null) {
          throw new IllegalArgumentException("one FILE only: " + file + " and " + arg);
        }
        file = Path.of(arg);
        continue;
      }
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      String v = args.get(++i);
      switch (arg) {
        case "--src" -> src = v;
        case "--tgt" -> tgt = v;
        case "--url" -> url = v;
        case "--out" -> out = Path.of(v);
        case "--codec" -> codec = v;
        case "--chunk-ms" -> chunkMs = integer(arg, v);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (file == null) {
      throw new IllegalArgumentException("no FILE.wav given");
    }
    if (src == null || tgt == null || src.isBlank() || tgt.isBlank()) {
      throw new IllegalArgumentException("--src and --tgt are required, e.g. --src en --tgt es");
    }
    if (!codec.equals("opus") && !codec.equals("pcm16")) {
      throw new IllegalArgumentException("--codec is opus or pcm16");
    }
    if (chunkMs <= 0 || chunkMs % 20 != 0 || chunkMs > MAX_CHUNK_MS) {
      throw new IllegalArgumentException("--chunk-ms is a positive multiple of 20, at most " + MAX_CHUNK_MS);
    }
    return new SpeakOptions(file, src, tgt, sessionUrl(url), fast, out, codec, chunkMs);
  }

  boolean secure() {
    return url.getScheme().equals("wss");
  }

  int port() {
    return url.getPort() != -1 ? url.getPort() : secure() ? 443 : 80;
  }

  /** The request target: the path (the session endpoint when the URL names none) and any query, such as a token. */
  String requestUri() {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? SESSION_PATH : url.getRawPath();
    return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
  }

  private static URI sessionUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--url is not a URL: " + url);
    }
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--url is ws://host:port/ws/session or wss://..., not " + url);
    }
    return uri;
  }

  private static int integer(String flag, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " needs a number, not " + value);
    }
  }
}
