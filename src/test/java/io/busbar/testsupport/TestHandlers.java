package io.busbar.testsupport;

import io.busbar.jobs.JobContext;
import io.busbar.jobs.JobHandlers;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Job handlers for tests, registered on a node. Each test uses its own names, so tests sharing a node do not meet:
 * <ul>
 *   <li>{@code gate} {@code {"gate": name}}: blocks its worker until {@link #open(String)}, to line jobs up;</li>
 *   <li>{@code record} {@code {"key": name, "v": value}}: appends value to {@link #order(String)} and returns it;</li>
 *   <li>{@code block} {@code {"key": name}}: counts its start in {@link #entered(String)}, then blocks until
 *       interrupted, counting that in {@link #interrupted(String)}.</li>
 * </ul>
 */
public final class TestHandlers {

  private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> entered = new ConcurrentHashMap<>();
  private final Map<String, List<Object>> orders = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> interrupted = new ConcurrentHashMap<>();

  /** Registers the handlers on {@code vertx}'s node (once per node). */
  public static TestHandlers register(Vertx vertx) {
    TestHandlers handlers = new TestHandlers();
    JobHandlers registry = JobHandlers.of(vertx);
    registry.register("gate", handlers::gate);
    registry.register("record", handlers::record);
    registry.register("block", handlers::block);
    return handlers;
  }

  private Object gate(JobContext context) throws InterruptedException {
    String name = context.payloadObject().getString("gate");
    entered.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
    if (!latch(name).await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gate " + name + " was never opened");
    }
    return "opened";
  }

  private CountDownLatch latch(String name) {
    return gates.computeIfAbsent(name, k -> new CountDownLatch(1));
  }

  private Object record(JobContext context) {
    JsonObject payload = context.payloadObject();
    orders.computeIfAbsent(payload.getString("key"), k -> new CopyOnWriteArrayList<>()).add(payload.getValue("v"));
    return payload.getValue("v");
  }

  private Object block(JobContext context) {
    String key = context.payloadObject().getString("key");
    entered.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    try {
      Thread.sleep(60_000);
      return "not interrupted";
    } catch (InterruptedException e) {
      interrupted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  /** Lets gate jobs named {@code name} (now and later) finish. */
  public void open(String name) {
    latch(name).countDown();
  }

  /** Gate jobs named {@code name}, or block jobs with key {@code name}, whose handler has started. */
  public int entered(String name) {
    AtomicInteger count = entered.get(name);
    return count == null ? 0 : count.get();
  }

  /** Values of {@code record} jobs with {@code key}, in the order they ran. */
  public List<Object> order(String key) {
    return orders.getOrDefault(key, List.of());
  }

  /** {@code block} jobs with {@code key} whose thread was interrupted. */
  public int interrupted(String key) {
    AtomicInteger count = interrupted.get(key);
    return count == null ? 0 : count.get();
  }
}
