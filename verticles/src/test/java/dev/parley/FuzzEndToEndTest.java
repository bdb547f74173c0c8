package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.codecs.ErrorCode;
import dev.parley.testing.Await;
import dev.parley.testing.Browser;
import dev.parley.testing.FakeNode;
import dev.parley.testing.FrameFuzzer;
import dev.parley.testing.FrameFuzzer.Endpoint;
import dev.parley.testing.FrameFuzzer.Expect;
import dev.parley.testing.FrameFuzzer.Frame;
import dev.parley.testing.LogTap;
import dev.parley.testing.Peer;
import dev.parley.testing.RawSocket;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generated and mutated frames on both endpoints, from several sockets at once, while a good session is served: the
 * server answers with the protocol's error codes, never an internal error, never blocks an event loop, logs no
 * error, and the good session gets every result once, in order, during the fuzzing and after it.
 */
@ExtendWith(VertxExtension.class)
class FuzzEndToEndTest {
  private static final int MAX_FRAME_BYTES = 65_536;
  private static final int FRAMES_PER_WORKER = 30_000;
  /** A turn of the server's event loop past this is reported by Vert.x: a quarter of its default, 2 s. */
  private static final long BLOCKED_LIMIT_MS = 500;
  private static final long GOOD_UTTERANCE_MS = 200;
  private static final Set<String> SESSION_REPLIES = Set.of("session_init_ack", "translation_result", "asr_partial",
      "missing_result", "ui_event", "server_heartbeat", "session_close_ack", "error");
  private static final Set<String> NODE_REPLIES = Set.of("node_register_ack", "job_assign", "job_cancel",
      "node_control", "error");
  private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(Enum::name)
      .collect(Collectors.toSet());

  /** What one fuzzing thread sent, and what it saw. */
  private static final class Report {
    final Map<String, Integer> frames = new TreeMap<>();
    final Map<String, Integer> codes = new ConcurrentHashMap<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    int sent;
    int sockets;
    int probed;
    int closedByServer;
    int closedForUtf8;
  }

  /** The replies on one socket. */
  private static final class Replies {
    final Map<String, Integer> codes = new ConcurrentHashMap<>();
    final CompletableFuture<Void> probeAnswered = new CompletableFuture<>();
    volatile String probe;
    volatile boolean sessionClosed;
  }

  @Test
  void fuzzedFramesOnBothEndpointsAreAnsweredWithErrorCodesWhileAGoodSessionIsServed(Vertx clients)
      throws Exception {
    Vertx server = Vertx.vertx(new VertxOptions()
        .setMaxEventLoopExecuteTime(BLOCKED_LIMIT_MS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setBlockedThreadCheckInterval(50).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (LogTap log = LogTap.attach()) {
      Scheduler s = TestScheduler.start(server, Map.of("server.maxFrameBytes", String.valueOf(MAX_FRAME_BYTES)));
      // the measure works: a turn of an event loop held past the limit is seen
      CompletableFuture<Void> held = new CompletableFuture<>();
      server.getOrCreateContext().runOnContext(v -> {
        sleep(BLOCKED_LIMIT_MS * 2);
        held.complete(null);
      });
      long until = System.currentTimeMillis() + Peer.WAIT.toMillis();
      while (log.blockedThreads().isEmpty() && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      assertThat(log.blockedThreads()).as("a blocked event loop is reported").isNotEmpty();
      held.get(Peer.WAIT.toMillis(), TimeUnit.MILLISECONDS); // the held turn has ended
      log.clear();

      try (FakeNode node = FakeNode.register(clients, s.port(), "steady-node", 4, "fr>de");
          Browser good = Browser.connect(clients, s.port())) {
        node.beatEvery(clients, 1000);
        good.start(new JsonObject().put("src_lang", "fr").put("tgt_lang", "de"));
        List<java.util.concurrent.Future<Report>> workers = new ArrayList<>();
        long seed = 20261202L;
        for (Endpoint e : List.of(Endpoint.SESSION, Endpoint.NODE, Endpoint.SESSION, Endpoint.NODE)) {
          long workerSeed = seed++;
          workers.add(pool.submit(() -> fuzz(clients, s.port(), e, workerSeed)));
        }
        int index = 0;
        long start = System.currentTimeMillis();
        while (workers.stream().anyMatch(w -> !w.isDone())) {
          // at real time or so: faster is refused as RATE_LIMITED
          sleep(start + index * GOOD_UTTERANCE_MS - System.currentTimeMillis());
          good.utterance(index, (int) GOOD_UTTERANCE_MS, true);
          assertThat(good.awaitResult(index).getString("text_asr")).isEqualTo("text " + index);
          index++;
        }
        List<Report> reports = new ArrayList<>();
        for (java.util.concurrent.Future<Report> w : workers) {
          reports.add(w.get(1, TimeUnit.MINUTES));
        }
        for (int after = 0; after < 3; after++, index++) {
          good.utterance(index, (int) GOOD_UTTERANCE_MS, true);
          assertThat(good.awaitResult(index).getString("text_asr")).isEqualTo("text " + index);
        }
        try (Browser late = Browser.connect(clients, s.port())) {
          late.start(new JsonObject().put("src_lang", "fr").put("tgt_lang", "de"));
          late.utterance(0, 300, true);
          assertThat(late.awaitResult(0).getString("text_asr")).isEqualTo("text 0");
        }

        Report all = merge(reports);
        System.out.printf("fuzzing: %d frames on %d sockets (%d probed, %d closed by the server, %d closed for bad "
            + "UTF-8); frames %s; answers %s; good session served %d utterances%n", all.sent, all.sockets, all.probed,
            all.closedByServer, all.closedForUtf8, all.frames, new TreeMap<>(all.codes), index);
        long answered = all.codes.values().stream().mapToLong(Integer::longValue).sum();
        assertThat(answered).as("frames answered with an error").isGreaterThan(all.sent / 2);
        assertThat(all.violations).isEmpty();
        assertThat(all.codes.keySet()).isSubsetOf(CODES).doesNotContain(ErrorCode.INTERNAL.name());
        assertThat(all.probed).as("most sockets answered their last frame").isGreaterThan(all.sockets / 2);
        assertThat(all.closedForUtf8).isPositive();
        assertThat(good.peer.received("translation_result")).hasSize(index)
            .extracting(r -> r.getInteger("utterance_index")).doesNotHaveDuplicates();
        assertThat(good.peer.received("missing_result")).isEmpty();
        assertThat(log.blockedThreads()).as("blocked-thread warnings").isEmpty();
        assertThat(log.errors()).as("errors logged").isEmpty();
      }
    } finally {
      pool.shutdownNow();
      Await.result(server.close());
    }
  }

  /** One thread's fuzzing: sockets one after another, each fed a few hundred frames, until its share is sent. */
  private static Report fuzz(Vertx vertx, int port, Endpoint endpoint, long seed) {
    Report report = new Report();
    FrameFuzzer fuzzer = new FrameFuzzer(endpoint, seed, MAX_FRAME_BYTES, "");
    Random random = new Random(seed);
    NetClient client = vertx.createNetClient();
    String path = endpoint == Endpoint.SESSION ? "/ws/session" : "/ws/node";
    Set<String> replyTypes = endpoint == Endpoint.SESSION ? SESSION_REPLIES : NODE_REPLIES;
    try {
      while (report.sent < FRAMES_PER_WORKER) {
        fuzzer.reset();
        Replies replies = new Replies();
        RawSocket ws = Await.result(RawSocket.connect(client, port, path,
            text -> heard(text, fuzzer, replies, replyTypes, report)));
        report.sockets++;
        Map<Expect, Integer> certain = new EnumMap<>(Expect.class);
        if (random.nextInt(10) < 8) {
          send(ws, fuzzer.opening(), report);
        }
        Future<Void> written = Future.succeededFuture();
        for (int budget = 20 + random.nextInt(600); budget > 0 && report.sent < FRAMES_PER_WORKER
            && !ws.isClosed(); budget--) {
          Frame f = fuzzer.next();
          certain.merge(f.expect(), 1, Integer::sum);
          written = send(ws, f, report);
          if (budget % 64 == 0) {
            awaitQuietly(written);
          }
        }
        awaitQuietly(written);
        if (random.nextInt(12) == 0 && !ws.isClosed()) {
          String unread = "x-unread-" + seed + "-" + report.sockets;
          replies.probe = unread;
          send(ws, fuzzer.notUtf8(unread), report);
          // unless the socket was already closing after a session_close it sent
          if (!ws.awaitClosed(Peer.WAIT) || ws.closeStatus() != 1007 && !replies.sessionClosed) {
            report.violations.add("a text frame that is not UTF-8 left socket " + report.sockets + " of " + endpoint
                + (ws.isClosed() ? " closed with " + ws.closeStatus() : " open"));
          }
          if (replies.probeAnswered.isDone()) {
            report.violations.add("a text frame that is not UTF-8 was read on socket " + report.sockets);
          } else if (ws.closeStatus() == 1007) {
            report.closedForUtf8++;
          }
          continue;
        }
        String marker = "x-probe-" + seed + "-" + report.sockets;
        replies.probe = marker;
        send(ws, FrameFuzzer.probe(marker), report);
        if (probeAnswered(replies, ws)) {
          report.probed++;
          certain.merge(Expect.UNKNOWN_TYPE, 1, Integer::sum);
          for (Expect e : List.of(Expect.BAD_JSON, Expect.UNKNOWN_TYPE, Expect.FRAME_TOO_LARGE)) {
            int got = replies.codes.getOrDefault(e.name(), 0);
            if (got < certain.getOrDefault(e, 0)) {
              report.violations.add("socket " + report.sockets + " of " + endpoint + ": " + certain.get(e) + " frames "
                  + "must be answered " + e + ", " + got + " were");
            }
          }
        } else if (ws.isClosed()) {
          report.closedByServer++;
        } else {
          report.violations.add("socket " + report.sockets + " of " + endpoint + " is open and did not answer");
        }
        ws.close();
      }
    } finally {
      client.close();
    }
    return report;
  }

  private static void heard(String text, FrameFuzzer fuzzer, Replies replies, Set<String> types, Report report) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      report.violations.add("a reply that is not a JSON object: " + text);
      return;
    }
    String type = frame.getString("type");
    if (!types.contains(type)) {
      report.violations.add("a reply of type " + type + ": " + text);
    }
    fuzzer.heard(frame);
    if ("session_close_ack".equals(type)) {
      replies.sessionClosed = true;
    }
    if ("error".equals(type)) {
      String code = frame.getString("code");
      replies.codes.merge(code, 1, Integer::sum);
      report.codes.merge(code, 1, Integer::sum);
      String probe = replies.probe;
      if (probe != null && String.valueOf(frame.getString("message")).contains(probe)) {
        replies.probeAnswered.complete(null);
      }
    }
  }

  private static boolean probeAnswered(Replies replies, RawSocket ws) {
    long until = System.currentTimeMillis() + Peer.WAIT.toMillis();
    while (System.currentTimeMillis() < until) {
      try {
        replies.probeAnswered.get(50, TimeUnit.MILLISECONDS);
        return true;
      } catch (TimeoutException e) {
        if (ws.isClosed()) {
          return replies.probeAnswered.isDone();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return false;
  }

  private static Future<Void> send(RawSocket ws, Frame f, Report report) {
    report.sent++;
    report.frames.merge(f.kind(), 1, Integer::sum);
    if (f.fragments() <= 1) {
      return ws.message(f.opcode(), f.payload());
    }
    byte[] p = f.payload();
    int n = f.fragments();
    Future<Void> last = null;
    for (int i = 0; i < n; i++) {
      last = ws.frame(i == 0 ? f.opcode() : RawSocket.CONTINUATION, i == n - 1,
          Arrays.copyOfRange(p, (int) ((long) p.length * i / n), (int) ((long) p.length * (i + 1) / n)));
    }
    return last;
  }

  /** A write to a socket the server closed fails; the loop sees the close itself. */
  private static void awaitQuietly(Future<Void> written) {
    try {
      written.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closed meanwhile
    }
  }

  private static Report merge(List<Report> reports) {
    Report all = new Report();
    for (Report r : reports) {
      all.sent += r.sent;
      all.sockets += r.sockets;
      all.probed += r.probed;
      all.closedByServer += r.closedByServer;
      all.closedForUtf8 += r.closedForUtf8;
      all.violations.addAll(r.violations);
      r.frames.forEach((k, v) -> all.frames.merge(k, v, Integer::sum));
      r.codes.forEach((k, v) -> all.codes.merge(k, v, Integer::sum));
    }
    return all;
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
