package io.busbar.jobs;

import io.busbar.config.Conf;
import io.busbar.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers job handlers on its node, from its descriptor's config: {@code {"jobHandlers": {"<type>": "<class>"}}},
 * each class implementing {@link JobHandler} with a public no-argument constructor. Undeploying it removes them.
 * Deploy it before the jobs verticle (a lower {@code order}) so that recovered jobs find their handlers.
 */
public final class JobHandlerVerticle extends VerticleBase {

  private final Map<String, JobHandler> registered = new LinkedHashMap<>();

  @Override
  public Future<?> start() {
    Conf handlers = Conf.of(config(), "").section("jobHandlers");
    if (handlers.json().isEmpty()) {
      throw new ConfigException(handlers.key(""), "required: {\"<job type>\": \"<JobHandler class>\"}");
    }
    JobHandlers registry = JobHandlers.of(vertx);
    for (String type : handlers.json().fieldNames()) {
      JobHandler handler = instantiate(handlers.key(type), handlers.string(type, null));
      registry.register(type, handler);
      registered.put(type, handler);
    }
    return Future.succeededFuture();
  }

  private static JobHandler instantiate(String key, String className) {
    try {
      Class<?> type = Class.forName(className, true, Thread.currentThread().getContextClassLoader());
      if (!JobHandler.class.isAssignableFrom(type)) {
        throw new ConfigException(key, className + " does not implement " + JobHandler.class.getName());
      }
      return (JobHandler) type.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new ConfigException(key, "class not found: " + className);
    } catch (ReflectiveOperationException e) {
      throw new ConfigException(key, "cannot create " + className + ": " + e);
    }
  }

  @Override
  public Future<?> stop() {
    JobHandlers registry = JobHandlers.of(vertx);
    registered.forEach(registry::unregister);
    return Future.succeededFuture();
  }
}
