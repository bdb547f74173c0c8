package dev.parley.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** {@code java -jar parley.jar ...} as a child process, its output kept to wait on and to show when a test fails. */
public final class ParleyProcess implements AutoCloseable {
  private static final int FIRST_FIXED_PORT = 20_000;
  private static final int FIXED_PORTS = 12_000;
  private static final Random PORTS = new Random();
  /** Ports handed out already: two processes of a test must not be given the same one. */
  private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();

  private ParleyProcess(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader = new Thread(this::readOutput, "output of " + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts the jar named by the {@code parley.jar} system property (set by the build) with these arguments. */
  public static ParleyProcess start(String name, String... args) {
    Path jar = Path.of(System.getProperty("parley.jar", "target/parley.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build the fat jar first (mvn package)");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    try {
      return new ParleyProcess(name, new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A port free now, below the kernel's ephemeral range (32768 and up): a port the kernel hands out could meanwhile be
   * taken by any outgoing connection, another member's included, before the process binds it.
   */
  public static int freePort() {
    IOException last = null;
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = FIRST_FIXED_PORT + PORTS.nextInt(FIXED_PORTS);
      if (GIVEN.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port)) {
        GIVEN.add(port);
        return s.getLocalPort();
      } catch (IOException taken) {
        last = taken;
      }
    }
    throw new UncheckedIOException("no free port below the ephemeral range", last);
  }

  private void readOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process died: its output ends here
    }
  }

  /** Waits for an output line containing {@code text}. */
  public synchronized String awaitLine(String text, Duration within) {
    long deadline = System.currentTimeMillis() + within.toMillis();
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        if (lines.get(seen).contains(text)) {
          return lines.get(seen);
        }
      }
      long left = deadline - System.currentTimeMillis();
      if (left <= 0 || !process.isAlive() && seen == lines.size()) {
        throw new AssertionError(name + " printed no line with '" + text + "' within " + within + "; output:\n"
            + String.join("\n", lines));
      }
      try {
        wait(Math.min(left, 200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }

  public synchronized String output() {
    return String.join("\n", lines);
  }

  /**
   * SIGTERM, as a service manager stops a process; returns at once. Through the process handle: Process.destroy would
   * also close the pipe this reads the process's output from, so nothing it says while it stops would arrive.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** The exit code, once the process ended within {@code within}. */
  public int awaitExit(Duration within) {
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(name + " still running after " + within + "; output:\n" + output());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** SIGKILL: the process gets no chance to say goodbye to anyone. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
      }
    }
  }
}
