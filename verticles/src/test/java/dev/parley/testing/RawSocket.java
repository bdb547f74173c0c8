package dev.parley.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A WebSocket client that writes its frames byte by byte over TCP, so a test can send what a client library refuses
 * to: text frames that are not UTF-8, messages cut into fragments. It hands each text message the server sends to a
 * handler (on the client's event loop) and notes the server's close.
 */
public final class RawSocket implements AutoCloseable {
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CONTINUATION = 0x0;
  private static final int CLOSE = 0x8;
  private static final int PING = 0x9;
  private static final int PONG = 0xA;

  private final NetSocket socket;
  private final Consumer<String> onText;
  private Buffer pending = Buffer.buffer();
  private Buffer message;
  private int messageOpcode;
  private volatile int closeStatus = -1;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private RawSocket(NetSocket socket, Consumer<String> onText) {
    this.socket = socket;
    this.onText = onText;
  }

  /** Opens {@code path} and completes once the server has answered the upgrade with 101. */
  public static Future<RawSocket> connect(NetClient client, int port, String path, Consumer<String> onText) {
    return client.connect(port, "127.0.0.1").compose(socket -> {
      RawSocket raw = new RawSocket(socket, onText);
      Promise<RawSocket> upgraded = Promise.promise();
      socket.closeHandler(v -> {
        upgraded.tryFail("closed before the upgrade");
        raw.closed.complete(null);
      });
      socket.handler(new Consumer<Buffer>() {
        private Buffer head = Buffer.buffer();

        @Override
        public void accept(Buffer data) {
          if (upgraded.future().isComplete()) {
            raw.read(data);
            return;
          }
          head.appendBuffer(data);
          String text = head.toString(StandardCharsets.ISO_8859_1);
          int end = text.indexOf("\r\n\r\n");
          if (end < 0) {
            return;
          }
          if (!text.startsWith("HTTP/1.1 101")) {
            upgraded.tryFail("upgrade refused: " + text.lines().findFirst().orElse(""));
            socket.close();
            return;
          }
          upgraded.tryComplete(raw);
          raw.read(head.getBuffer(end + 4, head.length()));
        }
      }::accept);
      byte[] key = new byte[16];
      ThreadLocalRandom.current().nextBytes(key);
      socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
          + Base64.getEncoder().encodeToString(key) + "\r\n\r\n");
      return upgraded.future();
    });
  }

  /** Writes one frame, masked as a client's must be. */
  public Future<Void> frame(int opcode, boolean fin, byte[] payload) {
    int n = payload.length;
    Buffer b = Buffer.buffer(n + 14);
    b.appendByte((byte) ((fin ? 0x80 : 0) | opcode));
    if (n < 126) {
      b.appendByte((byte) (0x80 | n));
    } else if (n < 65536) {
      b.appendByte((byte) (0x80 | 126)).appendUnsignedShort(n);
    } else {
      b.appendByte((byte) (0x80 | 127)).appendLong(n);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    b.appendBytes(mask);
    byte[] masked = new byte[n];
    for (int i = 0; i < n; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    return socket.write(b.appendBytes(masked));
  }

  /** Writes a whole message as one frame. */
  public Future<Void> message(int opcode, byte[] payload) {
    return frame(opcode, true, payload);
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  /** The status of the server's close frame; -1 when it sent none. */
  public int closeStatus() {
    return closeStatus;
  }

  /** Waits until the TCP connection has closed; false when it is still open after {@code within}. */
  public boolean awaitClosed(Duration within) {
    try {
      closed.get(within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Closes the connection without a close frame, as a client that vanishes does. */
  @Override
  public void close() {
    socket.close();
  }

  /** Server frames are not masked. */
  private void read(Buffer data) {
    pending.appendBuffer(data);
    while (pending.length() >= 2) {
      int b0 = pending.getUnsignedByte(0);
      long length = pending.getUnsignedByte(1) & 0x7f;
      int header = 2;
      if (length == 126) {
        if (pending.length() < 4) {
          return;
        }
        length = pending.getUnsignedShort(2);
        header = 4;
      } else if (length == 127) {
        if (pending.length() < 10) {
          return;
        }
        length = pending.getLong(2);
        header = 10;
      }
      if (pending.length() < header + length) {
        return;
      }
      Buffer payload = pending.getBuffer(header, header + (int) length);
      pending = pending.getBuffer(header + (int) length, pending.length());
      onFrame((b0 & 0x80) != 0, b0 & 0x0f, payload);
    }
  }

  private void onFrame(boolean fin, int opcode, Buffer payload) {
    switch (opcode) {
      case CLOSE -> {
        closeStatus = payload.length() >= 2 ? payload.getUnsignedShort(0) : 1005;
        socket.close();
      }
      case PING -> frame(PONG, true, payload.getBytes());
      case PONG -> { }
      default -> {
        if (opcode != CONTINUATION) {
          message = Buffer.buffer();
          messageOpcode = opcode;
        }
        if (message == null) {
          return;
        }
        message.appendBuffer(payload);
        if (fin) {
          if (messageOpcode == TEXT) {
            onText.accept(message.toString(StandardCharsets.UTF_8));
          }
          message = null;
        }
      }
    }
  }
}
