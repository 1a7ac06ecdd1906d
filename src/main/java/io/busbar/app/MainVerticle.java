package io.busbar.app;

import io.busbar.bus.Addresses;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ConfigException;
import io.busbar.config.ConfigLoader;
import io.busbar.deploy.Descriptor;
import io.busbar.deploy.Descriptors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a node: loads and validates the configuration, reads the deployment descriptors and deploys them one by
 * one in order. Any bad configuration value or any descriptor that fails to deploy fails the start with a message
 * naming the key or the descriptor (the launcher then exits non-zero). Answers the node-status request that
 * {@code /ready} asks.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final List<JsonObject> deployed = new ArrayList<>();
  private boolean ready;

  @Override
  public Future<?> start() {
    vertx.eventBus().<Object>localConsumer(Addresses.Node.STATUS, this::status);
    return ConfigLoader.load(vertx, config())
        .compose(tree -> vertx.executeBlocking(() -> plan(tree)))
        .compose(this::deployAll)
        .onSuccess(v -> {
          ready = true;
          LOG.info("Busbar node ready: {} deployments", deployed.size());
        });
  }

  private record Plan(JsonObject tree, List<Descriptor> descriptors) {
  }

  /** Validates the configuration (TLS files included) and reads the descriptors; blocking (file reads). */
  private Plan plan(JsonObject tree) {
    BusbarConfig config = BusbarConfig.from(tree);
    if (config.http().tls().enabled()) {
      config.http().tls().keyCertOptions(vertx);
    }
    return new Plan(tree, Descriptors.load(config.deployDir(), config.pools()));
  }

  private Future<Void> deployAll(Plan plan) {
    Future<Void> chain = Future.succeededFuture();
    for (Descriptor descriptor : plan.descriptors()) {
      chain = chain.compose(v -> deploy(descriptor, plan.tree()));
    }
    return chain;
  }

  private Future<Void> deploy(Descriptor d, JsonObject tree) {
    return vertx.deployVerticle(d.verticle(), d.deploymentOptions(tree))
        .recover(e -> Future.failedFuture(new ConfigException(d.source(),
            "deployment \"" + d.name() + "\" (" + d.verticle() + ") failed: " + describe(e))))
        .map(id -> {
          deployed.add(new JsonObject().put("name", d.name()).put("verticle", d.verticle())
              .put("instances", d.instances()).put("threading", d.threading().name().toLowerCase().replace('_', '-'))
              .put("pool", d.pool() == null ? null : d.pool().name()));
          LOG.info("deployed {} ({} x {})", d.name(), d.instances(), d.verticle());
          return null;
        });
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e instanceof ClassNotFoundException ? "class not found: " + message
        : e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private void status(Message<Object> request) {
    request.reply(new JsonObject().put("ready", ready).put("deployments", new JsonArray(new ArrayList<>(deployed))));
  }
}
