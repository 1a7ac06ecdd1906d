package io.busbar.config;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole validated configuration of a Busbar node. Built once at start-up from the merged JSON (see
 * {@code ConfigLoader} for the lookup order); any bad value throws a {@link ConfigException} naming its key.
 * Top-level keys other than the ones below are left alone: a user's own verticles may read them.
 *
 * @param http the gateway's HTTP server
 * @param bridge the WebSocket bridge and the permission rules
 * @param api the HTTP API
 * @param deployDir directory of deployment descriptors ({@code deploy.dir}); when it does not exist, the descriptors
 *     embedded in the jar are used
 * @param pools worker pools by name
 * @param jobs the job platform
 * @param auth who clients are
 * @param node this node's name and roles
 * @param cluster how the node joins a cluster (with the launcher's {@code -cluster})
 */
public record BusbarConfig(HttpConfig http, BridgeConfig bridge, ApiConfig api, String deployDir,
    Map<String, PoolConfig> pools, JobsConfig jobs, AuthConfig auth, NodeConfig node, ClusterConfig cluster) {

  public static BusbarConfig from(JsonObject json) {
    Conf root = Conf.of(json, "");
    Conf deploy = root.section("deploy").onlyKeys("dir");
    Conf poolsConf = root.section("pools");
    Map<String, PoolConfig> pools = new LinkedHashMap<>();
    for (String name : poolsConf.json().fieldNames()) {
      pools.put(name, PoolConfig.from(name, poolsConf.section(name)));
    }
    return new BusbarConfig(HttpConfig.from(root.section("http")), BridgeConfig.from(root.section("bridge")),
        ApiConfig.from(root.section("api")), deploy.string("dir", "verticles"), Map.copyOf(pools),
        JobsConfig.from(root.section("jobs")), AuthConfig.from(root.section("auth")),
        NodeConfig.from(root.section("node")), ClusterConfig.from(root.section("cluster")));
  }
}
