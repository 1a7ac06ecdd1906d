package io.busbar.bench;

/**
 * Shared clock of one run, written by the driver thread and read by every connection's event loop.
 * Replies completing in {@code [start, end)} (System.nanoTime) are measured; once {@link #stop()} is
 * called, connections send no new requests.
 */
final class RunWindow {

  private volatile long start = Long.MAX_VALUE;
  private volatile long end = Long.MAX_VALUE;
  private volatile boolean stopping;

  void open(long startNanos, long endNanos) {
    end = endNanos;
    start = startNanos;
  }

  boolean measures(long nanos) {
    return nanos >= start && nanos < end;
  }

  void stop() {
    stopping = true;
  }

  boolean stopping() {
    return stopping;
  }

  long measuredNanos() {
    return end - start;
  }
}
