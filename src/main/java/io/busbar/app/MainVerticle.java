package io.busbar.app;

import io.busbar.bus.Addresses;
import io.busbar.cluster.ClusterView;
import io.busbar.config.BusbarConfig;
import io.busbar.config.ConfigException;
import io.busbar.config.ConfigLoader;
import io.busbar.config.NodeConfig;
import io.busbar.deploy.Descriptor;
import io.busbar.deploy.Descriptors;
import io.busbar.web.GatewayVerticle;
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
 * Starts a node: loads and validates the configuration, reads the deployment descriptors and deploys, one by one in
 * order, those meant for this node's roles ({@code node.roles}; a descriptor without {@code roles} is meant for
 * every node). Any bad configuration value or any descriptor that fails to deploy fails the start with a message
 * naming the key or the descriptor (the launcher then exits non-zero). Answers the node-status request that
 * {@code /ready} asks: ready once every descriptor is deployed and, in a cluster, while the node is a member.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final List<JsonObject> deployed = new ArrayList<>();
  private NodeConfig node;
  private List<String> skipped = List.of();
  private boolean ready;

  @Override
  public Future<?> start() {
    vertx.eventBus().<Object>localConsumer(Addresses.Node.STATUS, this::status);
    return ConfigLoader.load(vertx, config())
        .compose(tree -> vertx.executeBlocking(() -> plan(tree)))
        .compose(plan -> {
          node = plan.node();
          skipped = plan.skipped();
          skipped.forEach(name -> LOG.info("not deployed here: {} (not for this node's roles {})", name,
              plan.node().rolesJson()));
          return deployAll(plan);
        })
        .onSuccess(v -> {
          ready = true;
          LOG.info("Busbar node ready: {} deployments", deployed.size());
        });
  }

  private record Plan(JsonObject tree, NodeConfig node, List<Descriptor> descriptors, List<String> skipped) {
  }

  /**
   * Validates the configuration (and the TLS files when this node serves the gateway) and reads the descriptors,
   * keeping this node's; blocking (file reads).
   */
  private Plan plan(JsonObject tree) {
    BusbarConfig config = BusbarConfig.from(tree);
    List<Descriptor> mine = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Descriptor d : Descriptors.load(config.deployDir(), config.pools())) {
      if (d.runsOn(config.node().roles())) {
        mine.add(d);
      } else {
        skipped.add(d.name());
      }
    }
    boolean gateway = mine.stream().anyMatch(d -> d.verticle().equals(GatewayVerticle.class.getName()));
    if (gateway && config.http().tls().enabled()) {
      config.http().tls().keyCertOptions(vertx);
    }
    return new Plan(tree, config.node(), mine, List.copyOf(skipped));
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

  /**
   * Ready once every descriptor is deployed and, when clustered, while the node is a working member (joined, its
   * Hazelcast member running).
   */
  private void status(Message<Object> request) {
    ClusterView cluster = ClusterView.of(vertx);
    boolean member = cluster.active();
    JsonObject status = new JsonObject().put("ready", ready && member)
        .put("cluster", new JsonObject().put("clustered", cluster.clustered()).put("nodeId", cluster.nodeId())
            .put("active", member).put("members", cluster.memberIds().size()));
    if (node != null) {
      status.put("node", new JsonObject().put("name", node.name()).put("roles", node.rolesJson()));
    }
    request.reply(status.put("deployments", new JsonArray(new ArrayList<>(deployed)))
        .put("skipped", new JsonArray(new ArrayList<>(skipped))));
  }
}
