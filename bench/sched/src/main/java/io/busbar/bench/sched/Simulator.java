package io.busbar.bench.sched;

import java.util.PriorityQueue;

/**
 * An ideal non-preemptive scheduler with {@code c} servers, replaying given arrival and service times: whenever a
 * server is free it starts the waiting job with the smallest key (ties by arrival order) at once, with no dispatch
 * delay. Running it on the arrival times and measured service times of a Busbar run gives what a perfect
 * implementation of the same policy would have done on the very same sample path.
 */
final class Simulator {

  private Simulator() {
  }

  /**
   * @param arrival arrival times, non-decreasing
   * @param service service times
   * @param key the policy's order: smaller first (FCFS: all equal)
   * @param servers c
   * @return the wait of each job, in the unit of the inputs
   */
  static double[] waits(double[] arrival, double[] service, double[] key, int servers) {
    int n = arrival.length;
    double[] wait = new double[n];
    PriorityQueue<Integer> pending = new PriorityQueue<>((a, b) -> {
      int byKey = Double.compare(key[a], key[b]);
      return byKey != 0 ? byKey : Integer.compare(a, b);
    });
    PriorityQueue<Double> busyUntil = new PriorityQueue<>();
    int next = 0;
    int started = 0;
    double now = 0;
    while (started < n) {
      if (next < n && arrival[next] <= now) {
        pending.add(next++);
      } else if (!busyUntil.isEmpty() && busyUntil.peek() <= now) {
        busyUntil.poll();
      } else if (busyUntil.size() < servers && !pending.isEmpty()) {
        int job = pending.poll();
        wait[job] = now - arrival[job];
        busyUntil.add(now + service[job]);
        started++;
      } else {
        double nextArrival = next < n ? arrival[next] : Double.POSITIVE_INFINITY;
        double nextFree = busyUntil.isEmpty() ? Double.POSITIVE_INFINITY : busyUntil.peek();
        now = Math.min(nextArrival, nextFree);
      }
    }
    return wait;
  }
}
