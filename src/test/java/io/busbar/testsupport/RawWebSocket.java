package io.busbar.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A bridge WebSocket ({@code /eventbus/websocket}) spoken by hand over TCP, for what a well-behaved client never
 * does: leave in the middle of a frame, or drop the connection without a close handshake. Only what tests need:
 * masked text frames out, the server's text frames read as text.
 */
public final class RawWebSocket implements AutoCloseable {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final NetClient client;
  private final NetSocket socket;
  private final StringBuffer received = new StringBuffer();
  private volatile boolean closed;

  private RawWebSocket(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.closeHandler(v -> closed = true);
  }

  /** Connects and completes the WebSocket handshake. */
  public static RawWebSocket connect(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient();
    NetSocket socket = Await.result(client.connect(port, "127.0.0.1"));
    RawWebSocket ws = new RawWebSocket(client, socket);
    socket.handler(ws::onData);
    socket.write("GET /eventbus/websocket HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    ws.awaitReceived("HTTP/1.1 101");
    return ws;
  }

  /** Server frames are unmasked text frames; reading them as ISO-8859-1 text is enough to look for a marker. */
  private void onData(Buffer data) {
    received.append(data.toString(StandardCharsets.ISO_8859_1));
  }

  /** Waits until {@code marker} has been received. */
  public void awaitReceived(String marker) {
    Poll.until("\"" + marker + "\" from the server", WAIT, () -> received.indexOf(marker) >= 0);
  }

  /** Sends {@code text} as one complete, masked text frame. */
  public RawWebSocket sendText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    Await.result(socket.write(frame(payload, payload.length)));
    return this;
  }

  /** Sends the start of a text frame that announces {@code announced} bytes but carries only {@code text}. */
  public RawWebSocket sendTruncated(String text, int announced) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    assertThat(announced).isGreaterThan(payload.length);
    Await.result(socket.write(frame(payload, announced)));
    return this;
  }

  private static Buffer frame(byte[] payload, int announced) {
    Buffer frame = Buffer.buffer().appendByte((byte) 0x81);   // FIN, text
    if (announced < 126) {
      frame.appendByte((byte) (0x80 | announced));
    } else if (announced <= 0xFFFF) {
      frame.appendByte((byte) (0x80 | 126)).appendShort((short) announced);
    } else {
      frame.appendByte((byte) (0x80 | 127)).appendLong(announced);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.appendBytes(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame.appendBytes(masked);
  }

  /** Drops the TCP connection at once: no close frame, whatever was half sent stays half sent. */
  public void abort() {
    Await.result(socket.close());
    client.close();
  }

  /** What the server sent so far, as ISO-8859-1 text. */
  public String received() {
    return received.toString();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      abort();
    }
    client.close();
  }
}
