package io.busbar.bench.sched;

import io.busbar.bench.sched.Schedule.Arrival;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * Plays a {@link Schedule} in real time: each arrival is submitted at its offset from the start, to every queue of
 * the run (in an order that rotates per arrival, so no queue is always first). The calling thread parks until each
 * arrival is due and submits late arrivals at once; how late they went is reported.
 */
final class Replayer {

  /**
   * What a replay did.
   *
   * @param startEpochMs when offset 0 was, epoch ms
   * @param keys the job key of each (arrival, queue), in submission order
   * @param meanLateMicros mean delay of a submission behind its schedule, µs
   * @param p99LateMicros 99th percentile of that delay, µs
   */
  record Result(long startEpochMs, List<String> keys, double meanLateMicros, double p99LateMicros) {
  }

  private Replayer() {
  }

  /**
   * Submits every arrival to every queue.
   *
   * @param schedule the arrivals
   * @param queues the queues that each get every arrival
   * @param tag the key tag of this replay
   * @param specOf the job spec of an arrival on a queue (without notify and key fields)
   * @param socket where to submit
   * @param stillOk throws when the server died, checked about once a second
   */
  static Result play(Schedule schedule, List<String> queues, String tag, BiFunction<Arrival, String, JsonObject> specOf,
      JobsSocket socket, Runnable stillOk) {
    List<String> keys = new ArrayList<>(schedule.arrivals().size() * queues.size());
    double[] late = new double[schedule.arrivals().size()];
    long startNanos = System.nanoTime() + 100_000_000L;
    long startEpochMs = System.currentTimeMillis() + 100;
    long nextCheck = startNanos;
    for (Arrival arrival : schedule.arrivals()) {
      long due = startNanos + arrival.offsetNanos();
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(due - now);
      }
      late[arrival.index()] = (now - due) / 1e3;
      for (int q = 0; q < queues.size(); q++) {
        String queue = queues.get((arrival.index() + q) % queues.size());
        keys.add(socket.submit(specOf.apply(arrival, queue), tag, arrival.index()));
      }
      if (now > nextCheck) {
        stillOk.run();
        nextCheck = now + 1_000_000_000L;
      }
    }
    return new Result(startEpochMs, keys, Stats.mean(late), Stats.quantile(late, 0.99));
  }
}
