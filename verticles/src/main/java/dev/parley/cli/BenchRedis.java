package dev.parley.cli;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's own redis-server (no persistence, loopback only), and the command counts it reports, so a run can
 * say how many Redis commands each job cost.
 */
final class BenchRedis implements AutoCloseable {
  private volatile Process process;
  private final int port;
  /** Where the append-only file is kept; null for none. */
  private final File aofDir;

  private BenchRedis(int port, File aofDir) {
    this.port = port;
    this.aofDir = aofDir;
  }

  static BenchRedis start(int port) throws IOException, InterruptedException {
    return start(port, null);
  }

  /** With {@code aofDir}, Redis keeps an append-only file there, so that a restart keeps what it held. */
  static BenchRedis start(int port, File aofDir) throws IOException, InterruptedException {
    BenchRedis redis = new BenchRedis(port, aofDir);
    redis.launch();
    return redis;
  }

  /** Stops the redis-server (SIGTERM: it writes its append-only file out, as SHUTDOWN does) and starts it again. */
  void restart() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    launch();
  }

  private void launch() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", ""));
    if (aofDir == null) {
      cmd.addAll(List.of("--appendonly", "no"));
    } else {
      cmd.addAll(List.of("--appendonly", "yes", "--appendfsync", "everysec", "--dir", aofDir.getAbsolutePath()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(
            new File(System.getProperty("java.io.tmpdir"), "parley-bench-redis.log"))).start();
    process = p;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        command("PING");
        return;
      } catch (IOException e) {
        if (!p.isAlive() || System.nanoTime() > until) {
          p.destroyForcibly();
          throw new IOException("redis-server did not start on port " + port + " (is it installed?)", e);
        }
        Thread.sleep(50); // a process that is still starting: nothing to await but its port
      }
    }
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  void resetStats() throws IOException {
    command("CONFIG", "RESETSTAT");
  }

  /**
   * Commands served since the last reset by name, from {@code INFO commandstats}, leaving out the INFO calls
   * themselves. Commands a script runs count under their own names.
   */
  Map<String, Long> commands() throws IOException {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : command("INFO", "commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        int at = line.indexOf("calls=");
        calls.put(line.substring("cmdstat_".length(), line.indexOf(':')),
            Long.parseLong(line.substring(at + 6, line.indexOf(',', at))));
      }
    }
    return calls;
  }

  /** CPU time the server has used so far (user and system), in microseconds, from {@code INFO cpu}. */
  long cpuMicros() throws IOException {
    double seconds = 0;
    for (String line : command("INFO", "cpu").split("\r\n")) {
      if (line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:")) {
        seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
      }
    }
    return Math.round(seconds * 1e6);
  }

  /** One command in the Redis protocol; the reply as text (a status, an integer or a bulk string). */
  private String command(String... words) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      StringBuilder req = new StringBuilder("*").append(words.length).append("\r\n");
      for (String w : words) {
        req.append('$').append(w.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(w).append("\r\n");
      }
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String head = line(in);
      if (head.startsWith("-")) {
        throw new IOException("redis: " + head.substring(1));
      }
      if (!head.startsWith("$")) {
        return head.substring(1);
      }
      byte[] body = in.readNBytes(Integer.parseInt(head.substring(1)));
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new IOException("redis closed the connection");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    if (aofDir != null) {
      deleteTree(aofDir);
    }
  }

  private static void deleteTree(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteTree(c);
      }
    }
    f.delete();
  }
}
