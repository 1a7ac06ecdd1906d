package io.busbar.bench.hardening;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one subscriber socket receives from {@link Publisher}s: messages, and messages missing from each
 * publisher's sequence (a gap in {@code seq}). {@link #onFrame} runs on the socket's context; the counters may be read
 * from any thread.
 */
final class Subscriber {

  private final long[] lastSeq;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong missing = new AtomicLong();
  private final AtomicLong other = new AtomicLong();
  private volatile String firstOther;

  Subscriber(int publishers) {
    lastSeq = new long[publishers];
    java.util.Arrays.fill(lastSeq, -1);
  }

  void onFrame(String frame) {
    int pubAt = frame.indexOf("\"pub\":");
    int seqAt = frame.indexOf("\"seq\":");
    if (!frame.startsWith("{\"type\":\"rec\"") || pubAt < 0 || seqAt < 0) {
      other.incrementAndGet();
      if (firstOther == null) {
        firstOther = frame.length() > 300 ? frame.substring(0, 300) : frame;
      }
      return;
    }
    int pub = (int) number(frame, pubAt + 6);
    long seq = number(frame, seqAt + 6);
    received.incrementAndGet();
    if (pub >= 0 && pub < lastSeq.length) {
      if (lastSeq[pub] >= 0 && seq > lastSeq[pub] + 1) {
        missing.addAndGet(seq - lastSeq[pub] - 1);
      }
      lastSeq[pub] = Math.max(lastSeq[pub], seq);
    }
  }

  long received() {
    return received.get();
  }

  long missing() {
    return missing.get();
  }

  /** Frames that were not published messages (err frames such as {@code slow_consumer}, …). */
  long other() {
    return other.get();
  }

  String firstOther() {
    return firstOther;
  }

  private static long number(String text, int from) {
    long value = 0;
    int i = from;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      value = value * 10 + (text.charAt(i++) - '0');
    }
    return i == from ? -1 : value;
  }
}
