package io.busbar.bench.sched;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Polls Busbar's own view of its queues ({@code GET /api/queues}: measured λ and μ, ρ, the Erlang C wait) every
 * {@code periodMs} while a schedule plays, so the report can set Busbar's model beside the measured waits. A failed
 * poll is skipped (the run itself checks the server).
 */
final class QueuePoller implements AutoCloseable {

  /** Numeric fields of a queue's stats that are averaged. */
  static final List<String> FIELDS = List.of("arrivalRate", "meanServiceMs", "utilisation", "predictedWaitMs",
      "meanWaitMs", "length");

  /** One poll: seconds since the replay started, and the parsed answer. */
  record Poll(double offsetSeconds, JsonObject stats) {
  }

  private final List<Poll> polls = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  QueuePoller(ServerProcess server, long periodMs) {
    long start = System.nanoTime();
    thread = new Thread(() -> {
      while (running) {
        try {
          TimeUnit.MILLISECONDS.sleep(periodMs);
          JsonObject stats = new JsonObject(server.get("/api/queues"));
          polls.add(new Poll((System.nanoTime() - start) / 1e9, stats));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (Exception e) {
          // A missed poll only thins the average.
        }
      }
    }, "queue-poller");
    thread.setDaemon(true);
    thread.start();
  }

  List<Poll> polls() {
    return List.copyOf(polls);
  }

  /**
   * The mean of each of {@link #FIELDS} for one queue over the polls taken between {@code from} and {@code to}
   * seconds; a field that was null (no data yet) in a poll is left out of that field's mean.
   */
  static JsonObject average(List<Poll> polls, String queue, double from, double to) {
    JsonObject out = new JsonObject();
    int used = 0;
    for (String field : FIELDS) {
      List<Double> values = new ArrayList<>();
      for (Poll poll : polls) {
        if (poll.offsetSeconds() < from || poll.offsetSeconds() > to) {
          continue;
        }
        JsonArray queues = poll.stats().getJsonArray("queues", new JsonArray());
        for (int i = 0; i < queues.size(); i++) {
          JsonObject q = queues.getJsonObject(i);
          if (queue.equals(q.getString("name")) && q.getValue(field) instanceof Number n) {
            values.add(n.doubleValue());
          }
        }
      }
      used = Math.max(used, values.size());
      out.put(field, RunInfo.num(values.stream().mapToDouble(x -> x).average().orElse(Double.NaN), 3));
    }
    return out.put("polls", used);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
