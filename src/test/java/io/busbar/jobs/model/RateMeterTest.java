package io.busbar.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateMeterTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MS = 1_000_000L;

  /** Starts at an arbitrary, negative nanoTime origin, as System.nanoTime may. */
  private final AtomicLong nanos = new AtomicLong(-123_456_789_000L);

  private void advance(long deltaNanos) {
    nanos.addAndGet(deltaNanos);
  }

  @Test
  void emptyMeterReadsZero() {
    RateMeter meter = new RateMeter(5, nanos::get);
    assertThat(meter.ratePerSecond()).isZero();
    advance(30 * SECOND);
    assertThat(meter.ratePerSecond()).isZero();
    assertThat(meter.windowSeconds()).isEqualTo(5);
  }

  @Test
  void youngMeterDividesByTheSecondsStartedSoFar() {
    RateMeter meter = new RateMeter(10, nanos::get);
    meter.mark(5);
    advance(500 * MS);
    assertThat(meter.ratePerSecond()).isEqualTo(5.0);
    advance(1000 * MS);
    meter.mark(5);
    assertThat(meter.ratePerSecond()).isEqualTo(5.0);
  }

  @Test
  void steadyStreamReadsItsRate() {
    RateMeter meter = new RateMeter(5, nanos::get);
    for (int i = 0; i < 100; i++) {
      meter.mark(); // 10 events per second, one every 100 ms, for 10 s
      advance(100 * MS);
    }
    advance(-50 * MS); // t = 9.95 s: seconds 5..9 each hold 10 events
    assertThat(meter.windowCount()).isEqualTo(50);
    assertThat(meter.ratePerSecond()).isEqualTo(10.0);
  }

  @Test
  void oldSecondsRollOutOfTheWindow() {
    RateMeter meter = new RateMeter(3, nanos::get);
    meter.mark(30); // second 0
    advance(SECOND);
    meter.mark(3); // second 1
    advance(SECOND);
    assertThat(meter.windowCount()).isEqualTo(33); // seconds 0..2
    advance(SECOND);
    assertThat(meter.windowCount()).isEqualTo(3); // seconds 1..3
    assertThat(meter.ratePerSecond()).isEqualTo(1.0);
  }

  @Test
  void reusedBucketForgetsItsOldSecond() {
    RateMeter meter = new RateMeter(2, nanos::get);
    meter.mark(100); // second 0, bucket 0
    advance(2 * SECOND);
    meter.mark(1); // second 2, bucket 0 again
    assertThat(meter.windowCount()).isEqualTo(1);
    assertThat(meter.ratePerSecond()).isEqualTo(0.5);
  }

  @Test
  void idleMeterDecaysToZero() {
    RateMeter meter = new RateMeter(4, nanos::get);
    advance(10 * SECOND);
    meter.mark(40);
    assertThat(meter.ratePerSecond()).isEqualTo(10.0);
    advance(2 * SECOND);
    assertThat(meter.ratePerSecond()).isEqualTo(10.0);
    advance(SECOND + 999 * MS);
    assertThat(meter.ratePerSecond()).isEqualTo(10.0);
    advance(MS);
    assertThat(meter.ratePerSecond()).isZero();
    advance(1000 * SECOND);
    assertThat(meter.ratePerSecond()).isZero();
  }

  @Test
  void clockSteppingBackDoesNotLoseCounts() {
    RateMeter meter = new RateMeter(3, nanos::get);
    advance(5 * SECOND);
    meter.mark(6);
    advance(-2 * SECOND);
    meter.mark(3);
    assertThat(meter.windowCount()).isEqualTo(9);
  }

  @Test
  void markZeroIsANoOpAndNegativeIsRejected() {
    RateMeter meter = new RateMeter(1, nanos::get);
    meter.mark(0);
    assertThat(meter.windowCount()).isZero();
    assertThatThrownBy(() -> meter.mark(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("n ");
  }

  @Test
  void rejectsInvalidConstruction() {
    assertThatThrownBy(() -> new RateMeter(0, nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("windowSeconds");
    assertThatThrownBy(() -> new RateMeter(1, null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void concurrentMarksAreAllCounted() throws InterruptedException {
    RateMeter meter = new RateMeter(60, nanos::get);
    int threads = 4;
    int marksPerThread = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        awaitQuietly(start);
        for (int i = 0; i < marksPerThread; i++) {
          meter.mark();
        }
      });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(meter.windowCount()).isEqualTo((long) threads * marksPerThread);
  }

  @Test
  void systemClockMeterCounts() {
    RateMeter meter = RateMeter.ofSystemClock(60);
    meter.mark(3);
    assertThat(meter.windowCount()).isEqualTo(3);
    assertThat(meter.ratePerSecond()).isPositive();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
