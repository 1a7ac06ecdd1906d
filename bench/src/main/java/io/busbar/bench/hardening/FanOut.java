package io.busbar.bench.hardening;

import io.busbar.bench.common.BridgeSocket;
import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Publishes numbered messages to every subscriber of one address, {@code window} messages at a time: message
 * {@code k + window} is published once every subscriber has received message {@code k}. So the server is always
 * busy, but never further ahead of its slowest subscriber than the window, and nothing is dropped for being slow.
 *
 * <p>Subscribers are counted per event-loop context, each context's counters touched by its own thread only; a
 * message is complete when every context has seen it as often as it has subscribers.
 */
final class FanOut {

  private static final long MAX_MICROS = 600_000_000L;

  private final String address;
  private final String payload;
  private final int messages;
  private final int warmup;
  private final int window;
  private final int[][] received;
  private final int[] expected;
  private final int busyContexts;
  private final AtomicIntegerArray contextsDone;
  private final LongAdder delivered = new LongAdder();
  private final LongAdder unexpected = new LongAdder();
  private final long[] publishedAt;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Histogram completionMicros = new Histogram(MAX_MICROS, 3);
  private volatile String firstUnexpected;
  private long measuredStart;
  private long lastCompletion;
  private int nextSeq;
  private int completed;
  private BridgeSocket publisher;
  private Context publisherContext;

  /**
   * @param subscribersPerContext how many subscribers each context (by index) has
   * @param messages messages in all, the first {@code warmup} of them not measured
   */
  FanOut(String address, int payloadBytes, int[] subscribersPerContext, int messages, int warmup, int window) {
    this.address = address;
    this.payload = "x".repeat(payloadBytes);
    this.messages = messages;
    this.warmup = warmup;
    this.window = window;
    this.expected = subscribersPerContext.clone();
    this.received = new int[expected.length][messages];
    int busy = 0;
    for (int n : expected) {
      busy += n > 0 ? 1 : 0;
    }
    this.busyContexts = busy;
    this.contextsDone = new AtomicIntegerArray(messages);
    this.publishedAt = new long[messages];
  }

  /** Handles one frame received by a subscriber on context {@code contextIndex}; call on that context. */
  void onFrame(int contextIndex, String frame) {
    int at = frame.indexOf("\"seq\":");
    if (!frame.startsWith("{\"type\":\"rec\"") || at < 0) {
      if (!frame.contains("\"type\":\"pong\"")) {
        unexpected.increment();
        if (firstUnexpected == null) {
          firstUnexpected = frame.length() > 300 ? frame.substring(0, 300) : frame;
        }
      }
      return;
    }
    int seq = parseInt(frame, at + 6);
    delivered.increment();
    if (seq < 0 || seq >= messages) {
      return;
    }
    if (++received[contextIndex][seq] == expected[contextIndex]
        && contextsDone.incrementAndGet(seq) == busyContexts) {
      long now = System.nanoTime();
      publisherContext.runOnContext(v -> complete(seq, now));
    }
  }

  /**
   * Publishes through {@code socket} (not a subscriber) and blocks until every message is complete or
   * {@code timeout} passes; returns what was measured.
   */
  Result run(BridgeSocket socket, Duration timeout) throws InterruptedException {
    publisher = socket;
    publisherContext = socket.context();
    publisherContext.runOnContext(v -> {
      for (int i = 0; i < Math.min(window, messages); i++) {
        publishNext();
      }
    });
    boolean done = finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    // Read the publisher's state on its own thread: after a timeout it may still be completing messages.
    CompletableFuture<Result> result = new CompletableFuture<>();
    publisherContext.runOnContext(v -> {
      long measuredMessages = Math.max(0, Math.min(completed, messages) - warmup);
      double seconds = (lastCompletion - measuredStart) / 1e9;
      result.complete(new Result(done, measuredMessages, seconds, delivered.sum(), unexpected.sum(), firstUnexpected,
          completionMicros.copy()));
    });
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("fan-out: cannot read the publisher's state", e);
    }
  }

  private void publishNext() {
    if (nextSeq >= messages) {
      return;
    }
    int seq = nextSeq++;
    long now = System.nanoTime();
    publishedAt[seq] = now;
    if (seq == warmup) {
      measuredStart = now;
    }
    publisher.send("{\"type\":\"publish\",\"address\":\"" + address + "\",\"body\":{\"seq\":" + seq
        + ",\"payload\":\"" + payload + "\"}}");
  }

  private void complete(int seq, long at) {
    completed++;
    if (seq >= warmup) {
      completionMicros.recordValue(Math.min(MAX_MICROS, (at - publishedAt[seq]) / 1000));
    }
    lastCompletion = at;
    if (completed == messages) {
      finished.countDown();
    } else {
      publishNext();
    }
  }

  private static int parseInt(String text, int from) {
    int value = 0;
    int i = from;
    if (i >= text.length() || !Character.isDigit(text.charAt(i))) {
      return -1;
    }
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      value = value * 10 + (text.charAt(i++) - '0');
    }
    return value;
  }

  /**
   * What a fan-out run measured.
   *
   * @param complete every message reached every subscriber before the deadline
   * @param measuredMessages messages after the warm-up ones
   * @param seconds from publishing the first measured message to the last message's completion
   * @param delivered frames received by subscribers, warm-up included
   * @param unexpected frames that were not fan-out messages (err frames, …)
   * @param firstUnexpected the first of those, or null
   * @param completionMicros per measured message: publish to its last delivery
   */
  record Result(boolean complete, long measuredMessages, double seconds, long delivered, long unexpected,
      String firstUnexpected, Histogram completionMicros) {

    /** Deliveries per second over the measured messages. */
    double deliveriesPerSecond(int subscribers) {
      return seconds > 0 ? measuredMessages * (double) subscribers / seconds : Double.NaN;
    }

    JsonObject toJson(int subscribers) {
      return new JsonObject().put("complete", complete).put("measuredMessages", measuredMessages)
          .put("subscribers", subscribers).put("seconds", Report.round(seconds, 3))
          .put("deliveriesPerSecond", Report.round(deliveriesPerSecond(subscribers), 0))
          .put("messagesPerSecond", Report.round(seconds > 0 ? measuredMessages / seconds : Double.NaN, 1))
          .put("completionMs", Report.percentilesMs(completionMicros))
          .put("deliveredFrames", delivered).put("unexpectedFrames", unexpected).put("firstUnexpected", firstUnexpected);
    }
  }
}
