package io.busbar.bench.hardening;

import io.busbar.bench.common.BridgeSocket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Many bridge sockets, each registered on one address, opened with a bounded number of handshakes in flight and
 * spread over the client's contexts. Frames go to a handler that is told the socket's context index.
 */
final class Fleet {

  private static final long MAX_MICROS = 120_000_000L;

  private final AtomicReferenceArray<BridgeSocket> sockets;
  private final AtomicIntegerArray perContext;
  private final LongAdder failures = new LongAdder();
  private final LongAdder unexpectedCloses = new LongAdder();
  private final SynchronizedHistogram handshakeMicros = new SynchronizedHistogram(MAX_MICROS, 3);
  private final AtomicLong lastOpened = new AtomicLong();
  private volatile String firstFailure;
  private long startedAt;

  private Fleet(int count, int contexts) {
    sockets = new AtomicReferenceArray<>(count);
    perContext = new AtomicIntegerArray(contexts);
  }

  /**
   * Opens {@code count} sockets to {@code port}, at most {@code concurrency} handshakes at once, each sending
   * {@code register} on {@code address} once open; blocks until all are open or failed, or the timeout passes.
   *
   * @param onFrame gets the socket's context index and each frame
   * @param pingMs each socket's ping interval
   */
  static Fleet open(Client client, int port, int count, int concurrency, String address, long pingMs,
      BiConsumer<Integer, String> onFrame, long timeoutMs) throws InterruptedException {
    Fleet fleet = new Fleet(count, client.contextCount());
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(count);
    fleet.startedAt = System.nanoTime();
    long deadline = fleet.startedAt + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    for (int i = 0; i < count; i++) {
      if (!slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException("opening " + count + " sockets: " + i + " started in " + timeoutMs + " ms");
      }
      int index = i;
      int contextIndex = Math.floorMod(i, client.contextCount());
      long t0 = System.nanoTime();
      BridgeSocket.connect(client.webSockets(), client.context(i), port, f -> onFrame.accept(contextIndex, f), pingMs)
          .compose(s -> s.register(address).map(s))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              long now = System.nanoTime();
              fleet.handshakeMicros.recordValue(Math.min(MAX_MICROS, (now - t0) / 1000));
              fleet.lastOpened.accumulateAndGet(now, Math::max);
              fleet.sockets.set(index, ar.result().onUnexpectedClose(s -> fleet.unexpectedCloses.increment()));
              fleet.perContext.incrementAndGet(contextIndex);
            } else {
              fleet.failures.increment();
              if (fleet.firstFailure == null) {
                fleet.firstFailure = String.valueOf(ar.cause());
              }
            }
            slots.release();
            done.countDown();
          });
    }
    if (!done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("opening " + count + " sockets: " + done.getCount() + " still pending after "
          + timeoutMs + " ms");
    }
    return fleet;
  }

  /** Sockets open per context index, for {@link FanOut}. */
  int[] perContext() {
    int[] out = new int[perContext.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = perContext.get(i);
    }
    return out;
  }

  int opened() {
    int n = 0;
    for (int i = 0; i < sockets.length(); i++) {
      n += sockets.get(i) != null ? 1 : 0;
    }
    return n;
  }

  long failures() {
    return failures.sum();
  }

  long unexpectedCloses() {
    return unexpectedCloses.sum();
  }

  /** Sockets opened per second, from the first connect to the last socket open. */
  double openRate() {
    double seconds = (lastOpened.get() - startedAt) / 1e9;
    return seconds > 0 ? opened() / seconds : Double.NaN;
  }

  /** Closes every socket (bounded); returns how long it took in seconds. */
  double closeAll(long timeoutMs) {
    long t0 = System.nanoTime();
    List<Future<Void>> closed = new ArrayList<>();
    for (int i = 0; i < sockets.length(); i++) {
      BridgeSocket s = sockets.get(i);
      if (s != null) {
        closed.add(s.close());
      }
    }
    try {
      Future.all(closed).await(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Report.progress("closing " + closed.size() + " sockets took over " + timeoutMs + " ms");
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  JsonObject toJson() {
    return new JsonObject().put("opened", opened()).put("failed", failures()).put("firstFailure", firstFailure)
        .put("unexpectedCloses", unexpectedCloses())
        .put("seconds", Report.round((lastOpened.get() - startedAt) / 1e9, 3))
        .put("connectionsPerSecond", Report.round(openRate(), 1))
        .put("handshakeMs", Report.percentilesMs(handshakeMicros.copy()));
  }
}
