package io.busbar.config;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a node joins a cluster ({@code cluster.*}; used when the launcher is given {@code -cluster}). Every Hazelcast
 * setting left empty (or 0) keeps the value of the Hazelcast XML ({@code conf/cluster.xml}, embedded in the jar).
 *
 * @param configFile the Hazelcast XML to start from; empty: {@code -Dvertx.hazelcast.config}, else
 *     {@code conf/cluster.xml} in the working directory when it exists, else the one embedded in the jar
 * @param name the cluster name: only members with the same name form a cluster ({@code BUSBAR_CLUSTER_NAME})
 * @param port the first Hazelcast member port; the next ones are tried when it is taken
 *     ({@code BUSBAR_CLUSTER_PORT}; the XML's default is 5701)
 * @param members where to look for other members: {@code host}, {@code host:port} or {@code host:port-port}, as a
 *     JSON array or a comma list ({@code BUSBAR_CLUSTER_MEMBERS=10.0.0.5,10.0.0.6:5701}); a member without a port is
 *     looked for on its first three ports only, so list ports when more than three nodes share a host
 * @param networkInterface the address (or wildcard like {@code 10.0.*.*}) Hazelcast uses on a host with several;
 *     when empty and every member is a loopback address, {@code 127.0.0.1}
 * @param publicAddress the {@code host[:port]} other members reach this one at, when it differs from the local
 *     address (NAT, containers)
 * @param eventBus where the event bus (Vert.x's own TCP connections between nodes) listens and is reached
 * @param kubernetes join through Kubernetes' API instead of a member list
 * @param refreshMs how often the node refreshes its entry in the cluster's node registry (load figures)
 * @param sweepMs how often the node removes event-bus registrations left by members that are gone
 */
public record ClusterConfig(String configFile, String name, int port, List<String> members, String networkInterface,
    String publicAddress, EventBusConfig eventBus, KubernetesConfig kubernetes, long refreshMs, long sweepMs) {

  private static final Pattern MEMBER = Pattern.compile("([^\\s:,\\[\\]]+)(?::(\\d{1,5})(?:-(\\d{1,5}))?)?");
  private static final int MAX_PORT_RANGE = 100;

  /**
   * The event bus between nodes ({@code cluster.eventBus.*}), as Vert.x's {@code EventBusOptions}; the launcher's
   * {@code -cluster-host}, {@code -cluster-port}, {@code -cluster-public-host} and {@code -cluster-public-port} win.
   *
   * @param host interface to listen on; empty: the address Hazelcast chose
   * @param port port to listen on; 0: a free one
   * @param publicHost the address other nodes connect to, when it differs (containers); empty: {@code host}
   * @param publicPort the port other nodes connect to, when it differs (a mapped container port); 0: {@code port}
   */
  public record EventBusConfig(String host, int port, String publicHost, int publicPort) {

    static EventBusConfig from(Conf c) {
      c.onlyKeys("host", "port", "publicHost", "publicPort");
      return new EventBusConfig(c.optionalString("host"), c.intIn("port", 0, 0, 65535),
          c.optionalString("publicHost"), c.intIn("publicPort", 0, 0, 65535));
    }
  }

  /**
   * Discovery through the Kubernetes API ({@code cluster.kubernetes.*}), Hazelcast's {@code kubernetes} join.
   *
   * @param serviceName the (headless) service whose endpoints are the members; empty: not used
   * @param namespace the service's namespace; empty: the pod's own
   */
  public record KubernetesConfig(String serviceName, String namespace) {

    static KubernetesConfig from(Conf c) {
      c.onlyKeys("serviceName", "namespace");
      return new KubernetesConfig(c.optionalString("serviceName"), c.optionalString("namespace"));
    }

    public boolean enabled() {
      return !serviceName.isEmpty();
    }
  }

  static ClusterConfig from(Conf c) {
    c.onlyKeys("configFile", "name", "port", "members", "interface", "publicAddress", "eventBus", "kubernetes",
        "refreshMs", "sweepMs");
    String name = c.optionalString("name");
    if (!name.isEmpty() && !name.matches("[A-Za-z0-9._-]{1,100}")) {
      throw new ConfigException(c.key("name"), "must be 1 to 100 letters, digits or . _ -, got " + Conf.describe(name));
    }
    int port = c.intIn("port", 0, 0, 65535);
    List<String> members = members(c);
    String publicAddress = c.optionalString("publicAddress");
    if (!publicAddress.isEmpty() && !publicAddress.matches("[^\\s:,]+(:\\d{1,5})?")) {
      throw new ConfigException(c.key("publicAddress"), "must be host or host:port, got " + Conf.describe(publicAddress));
    }
    KubernetesConfig kubernetes = KubernetesConfig.from(c.section("kubernetes"));
    if (kubernetes.enabled() && !members.isEmpty()) {
      throw new ConfigException(c.key("members"), "cannot be combined with cluster.kubernetes.serviceName:"
          + " give one way to find members");
    }
    return new ClusterConfig(c.optionalString("configFile"), name, port, members, c.optionalString("interface"),
        publicAddress, EventBusConfig.from(c.section("eventBus")), kubernetes,
        c.longIn("refreshMs", 2_000, 100, 600_000), c.longIn("sweepMs", 5_000, 100, 600_000));
  }

  /** The members, a {@code host:a-b} range written out as one {@code host:port} entry per port. */
  private static List<String> members(Conf c) {
    Object value = c.json().getValue("members");
    JsonArray list;
    if (value instanceof String s) {
      list = new JsonArray();
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          list.add(part.trim());
        }
      }
    } else {
      list = c.array("members");
    }
    List<String> members = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String key = c.key("members") + "[" + i + "]";
      Matcher m = list.getValue(i) instanceof String s ? MEMBER.matcher(s.trim()) : null;
      if (m == null || !m.matches()) {
        throw new ConfigException(key, "must be host, host:port or host:port-port, got " + Conf.describe(list.getValue(i)));
      }
      if (m.group(2) == null) {
        members.add(m.group(1));
        continue;
      }
      int first = port(key, m.group(2));
      int last = m.group(3) == null ? first : port(key, m.group(3));
      if (last < first || last - first >= MAX_PORT_RANGE) {
        throw new ConfigException(key, "a port range goes up and spans at most " + MAX_PORT_RANGE + " ports, got "
            + Conf.describe(m.group()));
      }
      for (int p = first; p <= last; p++) {
        members.add(m.group(1) + ":" + p);
      }
    }
    return List.copyOf(members);
  }

  private static int port(String key, String text) {
    int port = Integer.parseInt(text);
    if (port < 1 || port > 65535) {
      throw new ConfigException(key, "ports go from 1 to 65535, got " + port);
    }
    return port;
  }
}
