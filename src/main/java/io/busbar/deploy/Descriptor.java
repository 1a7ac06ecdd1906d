package io.busbar.deploy;

import io.busbar.config.Conf;
import io.busbar.config.ConfigException;
import io.busbar.config.PoolConfig;
import io.busbar.config.Role;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One deployment, read from a JSON file in {@code verticles/}:
 *
 * <pre>{@code
 * {
 *   "verticle": "io.busbar.demo.HashVerticle",   // class name, required
 *   "name": "demo-hash",                          // default: the file name without .json
 *   "instances": 2,                               // default 1
 *   "threading": "worker",                        // event-loop (default) | worker | virtual-thread (Java 21+)
 *   "pool": { "name": "cpu", "size": 2, "maxExecuteTimeMs": 60000 },  // worker only; size and time default
 *                                                 //   to pools.<name> in the configuration
 *   "order": 100,                                 // deployment order, low first (default 100), then by name
 *   "enabled": true,                              // default true
 *   "roles": ["worker"],                          // nodes that deploy it: those with one of these roles
 *                                                 //   (gateway, scheduler, worker); absent or empty: every node
 *   "config": { }                                 // merged over the node configuration for this verticle
 * }
 * }</pre>
 */
public record Descriptor(String source, String name, String verticle, int instances, ThreadingModel threading,
    PoolConfig pool, int order, boolean enabled, Set<Role> roles, JsonObject config) {

  /** Parses and validates a descriptor; errors name the {@code source} file and the key. */
  public static Descriptor parse(String source, JsonObject json, Map<String, PoolConfig> pools) {
    Conf c = Conf.of(json, source);
    c.onlyKeys("name", "verticle", "instances", "threading", "pool", "order", "enabled", "roles", "config");
    String defaultName = source.replaceAll("^.*/", "").replaceAll("\\.json$", "");
    String verticle = c.string("verticle", null);
    if (verticle == null) {
      throw new ConfigException(c.key("verticle"), "required: the verticle's class name");
    }
    ThreadingModel threading = threading(c);
    PoolConfig pool = pool(c, threading, pools);
    JsonObject config = c.has("config") ? c.section("config").json() : new JsonObject();
    return new Descriptor(source, c.string("name", defaultName), verticle, c.intIn("instances", 1, 1, 1024),
        threading, pool, c.intIn("order", 100, Integer.MIN_VALUE, Integer.MAX_VALUE), c.bool("enabled", true),
        Role.parseAll(c.key("roles"), c.array("roles")), config);
  }

  /** True when a node with {@code nodeRoles} deploys this descriptor: it names no role, or shares one. */
  public boolean runsOn(Set<Role> nodeRoles) {
    return roles.isEmpty() || roles.stream().anyMatch(nodeRoles::contains);
  }

  private static ThreadingModel threading(Conf c) {
    String value = c.string("threading", "event-loop");
    switch (value) {
      case "event-loop":
        return ThreadingModel.EVENT_LOOP;
      case "worker":
        return ThreadingModel.WORKER;
      case "virtual-thread":
        if (Runtime.version().feature() < 21) {
          throw new ConfigException(c.key("threading"),
              "\"virtual-thread\" needs a Java 21+ runtime, this is Java " + Runtime.version().feature());
        }
        return ThreadingModel.VIRTUAL_THREAD;
      default:
        throw new ConfigException(c.key("threading"),
            "must be one of event-loop, worker, virtual-thread, got " + Conf.describe(value));
    }
  }

  private static PoolConfig pool(Conf c, ThreadingModel threading, Map<String, PoolConfig> pools) {
    if (!c.has("pool")) {
      if (threading == ThreadingModel.WORKER) {
        throw new ConfigException(c.key("pool"), "required for a worker: name the pool it runs on");
      }
      return null;
    }
    if (threading != ThreadingModel.WORKER) {
      throw new ConfigException(c.key("pool"), "only a \"worker\" deployment runs on a named pool");
    }
    Conf p = c.section("pool").onlyKeys("name", "size", "maxExecuteTimeMs");
    String name = p.string("name", null);
    if (name == null) {
      throw new ConfigException(p.key("name"), "required: the worker pool's name");
    }
    PoolConfig declared = pools.get(name);
    if (declared == null && !p.has("size")) {
      throw new ConfigException(p.key("size"), "required: pool \"" + name + "\" is not declared under pools."
          + " (declared: " + String.join(", ", pools.keySet()) + ")");
    }
    int size = p.intIn("size", declared == null ? 1 : declared.size(), 1, 1024);
    long max = p.longIn("maxExecuteTimeMs", declared == null ? 60_000 : declared.maxExecuteTimeMs(), 1, 86_400_000);
    return new PoolConfig(name, size, max);
  }

  /** The Vert.x deployment options this descriptor stands for, with {@code config} as the verticle's config. */
  public DeploymentOptions deploymentOptions(JsonObject nodeConfig) {
    DeploymentOptions options = new DeploymentOptions().setInstances(instances).setThreadingModel(threading)
        .setConfig(nodeConfig.copy().mergeIn(config, true));
    if (pool != null) {
      options.setWorkerPoolName(pool.name()).setWorkerPoolSize(pool.size())
          .setMaxWorkerExecuteTime(pool.maxExecuteTimeMs()).setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS);
    }
    return options;
  }
}
