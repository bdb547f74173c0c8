package dev.parley.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} for tests, on a free port of 127.0.0.1, without persistence or, with {@link #withAof},
 * with an append-only file in a temporary directory so a {@link #restart()} keeps the data. Talks RESP over a plain
 * socket for the few commands tests need, so it depends on nothing but the server binary.
 */
public final class RedisServer implements AutoCloseable {
  private static final String BINARY = "redis-server";
  private static final long START_TIMEOUT_MS = 10_000;

  private final boolean aof;
  private Path dir;
  private int port;
  private Process process;
  private Path log;

  private RedisServer(boolean aof) {
    this.aof = aof;
  }

  /** A server that keeps its data in memory only. */
  public static RedisServer inMemory() {
    return new RedisServer(false);
  }

  /** A server that logs every write to an append-only file, as production runs it. */
  public static RedisServer withAof() {
    return new RedisServer(true);
  }

  /** Starts the server, on a new free port the first time and on the same port after {@link #stop()}. */
  public synchronized RedisServer start() {
    if (process != null) {
      return this;
    }
    try {
      if (dir == null) {
        dir = Files.createTempDirectory("parley-redis");
        log = dir.resolve("redis.log");
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop)); // never leave a server behind
      }
      if (port != 0) {
        launch();
        return this;
      }
      for (int attempt = 1; ; attempt++) {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
          port = free.getLocalPort();
        }
        try {
          launch();
          return this;
        } catch (IOException portTakenMeanwhile) {
          if (attempt == 3) {
            throw portTakenMeanwhile;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY + " (is it installed?)", e);
    }
  }

  private void launch() throws IOException {
    launch(List.of(), false);
  }

  /** {@code loading}: returns once the server answers at all, LOADING too, rather than once it answers PING. */
  private void launch(List<String> extra, boolean loading) throws IOException {
    List<String> command = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--dir", dir.toString(), "--logfile", log.toString()));
    command.addAll(aof ? List.of("--appendonly", "yes") : List.of("--appendonly", "no"));
    command.addAll(extra);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      awaitPing(loading);
    } catch (IOException e) {
      stop();
      throw e;
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Empties every database (scripts stay loaded). */
  public void flushAll() {
    call("FLUSHALL");
  }

  /** Stops the server as an operator would (SIGTERM: the append-only file is flushed) and starts it again. */
  public void restart() {
    stop();
    start();
  }

  /**
   * Restarts the server (see {@link #restart()}) so that it reads its data back slowly, {@code keyLoadDelayMicros} per
   * key, and returns while it still answers every command with LOADING.
   */
  public synchronized void restartLoadingSlowly(int keyLoadDelayMicros) {
    stop();
    try {
      launch(List.of("--key-load-delay", String.valueOf(keyLoadDelayMicros)), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + BINARY, e);
    }
  }

  /** Stops the server and starts it again with nothing: as if every write since it started were lost. */
  public void restartEmpty() {
    stop();
    try (var files = Files.list(dir)) {
      files.filter(p -> !p.equals(log)).forEach(RedisServer::deleteTree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  private static void deleteTree(Path path) {
    try (var files = Files.walk(path)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server; {@link #start()} brings it back on the same port with the same directory. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
    if (dir != null) {
      try {
        deleteTree(dir);
      } catch (UncheckedIOException ignored) {
        // a leftover temporary directory harms nothing
      }
    }
  }

  /**
   * Sends one command and returns its reply: a String for simple and bulk strings, a Long for integers, a List for
   * arrays, null for nil; an error reply throws.
   */
  public Object call(String... args) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readReply(new BufferedInputStream(socket.getInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer " + args[0], e);
    }
  }

  private static Object readReply(InputStream in) throws IOException {
    String line = readLine(in);
    String body = line.substring(1);
    switch (line.charAt(0)) {
      case '+':
        return body;
      case '-':
        throw new IllegalStateException("redis error: " + body);
      case ':':
        return Long.parseLong(body);
      case '$': {
        int length = Integer.parseInt(body);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(body);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(readReply(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected reply " + line);
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed mid-reply");
      }
      line.append((char) c);
    }
    in.read(); // '\n'
    return line.toString();
  }

  private void awaitPing(boolean loading) throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(BINARY + " exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      try {
        if ("PONG".equals(call("PING"))) {
          return;
        }
      } catch (IllegalStateException stillLoading) {
        if (loading && stillLoading.getMessage().contains("LOADING")) {
          return;
        }
      } catch (UncheckedIOException notListeningYet) {
        // try again
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IOException(BINARY + " did not answer PING within " + START_TIMEOUT_MS + " ms: "
            + Files.readString(log));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting " + BINARY, e);
      }
    }
  }
}
