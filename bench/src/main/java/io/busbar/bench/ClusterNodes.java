package io.busbar.bench;

import io.busbar.bench.common.ServerProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * The Busbar fat-jar nodes of the cluster benchmark: launched through bench/common's {@link ServerProcess} from the
 * Busbar directory, each cluster with a random name and a block of ten Hazelcast ports of its own, and the HTTP
 * probes every phase needs ({@code /api/cluster}, {@code /api/queues}, {@code /metrics}). Every node started here
 * is stopped by {@link #stopAll()} (and by ServerProcess's shutdown hook if the driver is stopped).
 */
final class ClusterNodes {

  private static final Duration POLL = Duration.ofMillis(50);

  private final BenchConfig config;
  private final List<ServerProcess> started = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();

  ClusterNodes(BenchConfig config) {
    this.config = config;
  }

  /** The settings of one cluster: a random name, a random block of ten Hazelcast ports below the ephemeral range. */
  static Map<String, String> clusterEnv(String label) {
    int base = 20_000 + ThreadLocalRandom.current().nextInt(1_200) * 10;
    Map<String, String> env = new HashMap<>();
    env.put("BUSBAR_CLUSTER_NAME", "bench-" + label + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()));
    env.put("BUSBAR_CLUSTER_PORT", Integer.toString(base));
    env.put("BUSBAR_CLUSTER_MEMBERS", "127.0.0.1:" + base + "-" + (base + 9));
    return env;
  }

  /** {@code env} with {@code BUSBAR_NODE_NAME} and, unless empty, {@code BUSBAR_ROLES}. */
  static Map<String, String> node(Map<String, String> env, String name, String roles) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put("BUSBAR_NODE_NAME", name);
    if (!roles.isEmpty()) {
      copy.put("BUSBAR_ROLES", roles);
    }
    return copy;
  }

  /**
   * Launches a node (returns once the JVM is started, not ready). Jobs are kept in memory when not clustered (a
   * clustered node keeps them in Hazelcast), and one benchmark connection's frames are not rate-limited.
   */
  ServerProcess start(String label, Map<String, String> env, boolean clustered) throws IOException {
    ServerProcess.Builder builder = ServerProcess.busbar(config.busbarDir(), config.busbarJar()).label(label)
        .logsDir(config.logsDir()).jvmFlags(config.jvmFlags()).env("BUSBAR_BRIDGE_RATE_PER_SECOND", "0")
        .env("BUSBAR_JOBS_STORE", "memory").env(env);
    ServerProcess node = (clustered ? builder.jarArgs("-cluster") : builder).start();
    started.add(node);
    return node;
  }

  /** Stops every node started so far (SIGTERM, bounded), newest first. */
  void stopAll() {
    List<ServerProcess> all = new ArrayList<>(started);
    started.clear();
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).close();
    }
  }

  /** Stops one node (SIGTERM, bounded). */
  void stop(ServerProcess node) {
    started.remove(node);
    node.close();
  }

  Duration readyTimeout() {
    return config.readyTimeout();
  }

  /** Waits until {@code node} counts {@code members} cluster members. */
  void awaitMembers(ServerProcess node, int members) throws InterruptedException {
    await(node.label() + " to see " + members + " members", node,
        () -> json(node, "/api/cluster").getInteger("members", 0) >= members);
  }

  /** Waits until the scheduler behind {@code gateway} lists {@code count} worker nodes in {@code /api/queues}. */
  void awaitWorkers(ServerProcess gateway, int count) throws InterruptedException {
    await(count + " worker nodes in " + gateway.label() + "'s /api/queues", gateway,
        () -> workers(gateway).size() == count);
  }

  /** The worker nodes the scheduler knows ({@code name}, {@code running}, …), or none while it cannot say. */
  JsonArray workers(ServerProcess gateway) {
    return json(gateway, "/api/queues").getJsonArray("workers", new JsonArray());
  }

  /** Polls {@code condition} every 50 ms until true; fails at the ready timeout or when {@code node} exits. */
  void await(String what, ServerProcess node, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + config.readyTimeout().toNanos();
    while (!condition.getAsBoolean()) {
      node.checkAlive();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("waited " + config.readyTimeout() + " for " + what + "; log " + node.log());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /** {@code GET path} as JSON, or an empty object on any failure (the probes retry). */
  JsonObject json(ServerProcess node, String path) {
    HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node, path)).GET());
    return response != null && response.statusCode() == 200 ? new JsonObject(response.body()) : new JsonObject();
  }

  /** {@code GET path} as text, or empty on any failure. */
  String text(ServerProcess node, String path) {
    HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node, path)).GET());
    return response != null && response.statusCode() == 200 ? response.body() : "";
  }

  /** {@code POST path} with a JSON body; the answer's JSON body, or an error description. */
  JsonObject postJson(ServerProcess node, String path, String body) {
    HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node, path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
    if (response == null) {
      return new JsonObject().put("error", "no answer");
    }
    return response.statusCode() / 100 == 2 ? new JsonObject(response.body())
        : new JsonObject().put("error", response.statusCode() + " " + response.body());
  }

  /** {@code DELETE path}; its status, or -1 when it failed. */
  int delete(ServerProcess node, String path) {
    HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node, path)).DELETE());
    return response == null ? -1 : response.statusCode();
  }

  private HttpResponse<String> send(ServerProcess node, HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static URI uri(ServerProcess node, String path) {
    return URI.create("http://127.0.0.1:" + node.port() + path);
  }
}
