package dev.parley;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.codecs.audio.Pcm16;
import dev.parley.store.LocalStore;
import dev.parley.testing.Await;
import dev.parley.testing.Registry;
import dev.parley.testing.Speech;
import dev.parley.testing.TestNode;
import dev.parley.testing.TestScheduler;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files: the scheduler serves WSS only, a real node with its engines connects over WSS trusting the
 * scheduler's certificate, and a client that trusts it is served speech to translation.
 */
@ExtendWith(VertxExtension.class)
class TlsEndToEndTest {

  /** A self-signed certificate for localhost and 127.0.0.1, made by openssl for this run. */
  private static Path[] certificate(Path dir) throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
    assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----");
    return new Path[] {cert, key};
  }

  private static WebSocket connect(Vertx vertx, int port, Path trusted, LinkedBlockingQueue<JsonObject> inbox) {
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxFrameSize(16 << 20)
        .setMaxMessageSize(16 << 20);
    if (trusted != null) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(trusted.toString()));
    }
    WebSocketClient client = vertx.createWebSocketClient(options);
    return Await.result(client.connect(new WebSocketConnectOptions()
        .setHost("localhost").setPort(port).setURI("/ws/session").setSsl(trusted != null))
        .onSuccess(ws -> {
          ws.textMessageHandler(t -> inbox.add(new JsonObject(t)));
          ws.closeHandler(v -> client.close()); // the client goes with its one socket
        })
        .onFailure(e -> client.close()));
  }

  private static JsonObject await(LinkedBlockingQueue<JsonObject> inbox, String type) throws InterruptedException {
    long until = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < until) {
      JsonObject f = inbox.poll(until - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (f != null && type.equals(f.getString("type"))) {
        return f;
      }
    }
    throw new AssertionError("no " + type + " within 60 s");
  }

  @Test
  void overTlsANodeRegistersAndAClientThatTrustsTheCertificateIsServed(Vertx vertx, @TempDir Path dir)
      throws Exception {
    Path[] pem = certificate(dir);
    LocalStore store = new LocalStore();
    Scheduler s = TestScheduler.start(vertx, Map.of("server.tlsCertPath", pem[0].toString(),
        "server.tlsKeyPath", pem[1].toString()), store);
    TestNode.start(vertx, "wss://localhost:" + s.port() + "/ws/node", TestNode.engines(),
        Map.of("node.tlsTrustPath", pem[0].toString()));
    Registry.awaitCount(store, 1);

    assertThatThrownBy(() -> connect(vertx, s.port(), null, new LinkedBlockingQueue<>()))
        .as("plain ws:// to a TLS port").isInstanceOf(Exception.class);
    Path stranger = certificate(Files.createDirectory(dir.resolve("other")))[0];
    assertThatThrownBy(() -> connect(vertx, s.port(), stranger, new LinkedBlockingQueue<>()))
        .as("a client that trusts another certificate").isInstanceOf(Exception.class);

    LinkedBlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    WebSocket ws = connect(vertx, s.port(), pem[0], inbox);
    Await.result(ws.writeTextMessage(new JsonObject().put("type", "session_init").put("src_lang", "en")
        .put("tgt_lang", "es").put("audio_format", "pcm16").put("sample_rate", Speech.SAMPLE_RATE).encode()));
    String sessionId = await(inbox, "session_init_ack").getString("session_id");
    byte[] speech = Pcm16.toBytes(Speech.say("Please open the window in the kitchen."));
    Await.result(ws.writeTextMessage(new JsonObject().put("type", "utterance").put("session_id", sessionId)
        .put("utterance_index", 0).put("audio", Base64.getEncoder().encodeToString(speech)).encode()));
    JsonObject result = await(inbox, "translation_result");
    assertThat(result.getString("text_asr")).containsIgnoringCase("window");
    assertThat(result.getString("text_translated")).isNotBlank();
    ws.close();
  }
}
