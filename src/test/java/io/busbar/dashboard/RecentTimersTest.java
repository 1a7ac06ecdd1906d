package io.busbar.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Percentiles are reported only while the timer has samples in the last two minutes. */
class RecentTimersTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Timer timer = Timer.builder("t").publishPercentiles(0.5, 0.95, 0.99).register(registry);
  private final RecentTimers timers = new RecentTimers();

  @Test
  void aTimerWithoutSamplesHasNoPercentiles() {
    JsonObject json = timers.read("t", timer, 0).toJson();

    assertThat(json.getLong("count")).isZero();
    assertThat(json.getLong("recent")).isZero();
    assertThat(json.containsKey("p50")).isFalse();
  }

  @Test
  void recentSamplesGivePercentilesInMilliseconds() {
    for (int i = 1; i <= 100; i++) {
      timer.record(i, TimeUnit.MILLISECONDS);
    }
    RecentTimers.Reading reading = timers.read("t", timer, 1_000);

    assertThat(reading.count()).isEqualTo(100);
    assertThat(reading.recent()).isEqualTo(100);
    assertThat(reading.meanMs()).isEqualTo(50.5);
    assertThat(reading.p50()).isBetween(45.0, 55.0);
    assertThat(reading.p99()).isBetween(95.0, 105.0);
    assertThat(reading.toJson().getDouble("p95")).isBetween(90.0, 100.0);
  }

  @Test
  void samplesOlderThanTheWindowAreNotRecent() {
    timer.record(5, TimeUnit.MILLISECONDS);
    timers.read("t", timer, 0);
    timers.read("t", timer, 60_000);
    assertThat(timers.read("t", timer, 100_000).recent()).isEqualTo(1);

    RecentTimers.Reading later = timers.read("t", timer, RecentTimers.WINDOW_MS + 1);

    assertThat(later.recent()).as("nothing new within the window").isZero();
    assertThat(later.toJson().containsKey("p50")).isFalse();
    assertThat(later.toJson().getLong("count")).isEqualTo(1);

    timer.record(7, TimeUnit.MILLISECONDS);
    assertThat(timers.read("t", timer, RecentTimers.WINDOW_MS + 1_000).recent()).isEqualTo(1);
  }
}
