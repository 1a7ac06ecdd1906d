package io.busbar.bench.hardening;

import io.busbar.bench.common.BridgeSocket;
import io.vertx.core.Context;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes numbered messages through one bridge socket at a fixed rate: every 5 ms it sends the messages that are
 * due ({@code rate × elapsed − sent}), at most one second's worth at once (the rest is counted as skipped), so a stall is
 * caught up without an unbounded burst. Each body is {@code {"pub":<id>,"seq":<n>,"payload":"…"}}, {@code seq} counting from 0 per publisher.
 */
final class Publisher {

  private static final long TICK_MS = 5;

  private final BridgeSocket socket;
  private final Context context;
  private final String prefix;
  private final String suffix;
  private final double ratePerSecond;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private long accounted;
  private long startedAt;
  private long timer = -1;

  Publisher(BridgeSocket socket, String address, int id, double ratePerSecond, int payloadBytes) {
    this.socket = socket;
    this.context = socket.context();
    this.prefix = "{\"type\":\"publish\",\"address\":\"" + address + "\",\"body\":{\"pub\":" + id + ",\"seq\":";
    this.suffix = ",\"payload\":\"" + "x".repeat(payloadBytes) + "\"}}";
    this.ratePerSecond = ratePerSecond;
  }

  void start() {
    context.runOnContext(v -> {
      startedAt = System.nanoTime();
      timer = context.owner().setPeriodic(TICK_MS, t -> tick());
    });
  }

  void stop() {
    context.runOnContext(v -> context.owner().cancelTimer(timer));
  }

  /** Messages sent so far; any thread. */
  long sent() {
    return sent.get();
  }

  /** Messages that were due but not sent because the publisher itself fell more than a second behind; any thread. */
  long skipped() {
    return skipped.get();
  }

  private void tick() {
    long due = (long) ((System.nanoTime() - startedAt) / 1e9 * ratePerSecond) - accounted;
    accounted += due;
    long burst = Math.min(due, (long) ratePerSecond);
    for (long i = 0; i < burst && !socket.isClosed(); i++) {
      socket.send(prefix + sent.getAndIncrement() + suffix);
    }
    skipped.addAndGet(due - burst);
  }
}
