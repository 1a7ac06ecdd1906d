package io.busbar.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.HazelcastException;
import io.busbar.config.ClusterConfig;
import io.busbar.config.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a node's Hazelcast configuration and event-bus options from {@link ClusterConfig}.
 *
 * <p>The XML comes from, in this order: {@code cluster.configFile}; the {@code vertx.hazelcast.config} system
 * property (a path, or {@code classpath:<resource>}), as for any Vert.x application; {@code conf/cluster.xml} in the
 * working directory when it exists; the copy embedded in the jar. Then the {@code cluster.*} values that are set
 * replace the XML's: name, port, members, interface, public address, Kubernetes discovery. When no interface is set
 * and every member is a loopback address, Hazelcast and the event bus are pinned to {@code 127.0.0.1}, so that a
 * cluster on one machine does not depend on its network interfaces. Reading the XML is blocking.
 */
public final class HazelcastSetup {

  /** Classpath location of the Hazelcast XML embedded in the jar (a copy of the repository's conf/cluster.xml). */
  public static final String EMBEDDED = "busbar/cluster.xml";
  /** The Hazelcast XML used when present in the working directory and no other is named. */
  public static final String DEFAULT_FILE = "conf/cluster.xml";
  /** Vert.x's system property naming a Hazelcast XML. */
  public static final String VERTX_PROPERTY = "vertx.hazelcast.config";
  /** The structures Vert.x keeps its cluster state in; a configuration must declare them. */
  static final List<String> VERTX_MAPS = List.of("__vertx.haInfo", "__vertx.nodeInfo");
  static final String VERTX_SUBS = "__vertx.subs";

  private static final String LOOPBACK = "127.0.0.1";
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastSetup.class);

  private HazelcastSetup() {
  }

  /** The Hazelcast configuration of this node. */
  public static Config hazelcastConfig(ClusterConfig cluster) {
    String source = source(cluster);
    Config config = read(source);
    requireVertxStructures(config, source);
    if (!cluster.name().isEmpty()) {
      config.setClusterName(cluster.name());
    }
    NetworkConfig network = config.getNetworkConfig();
    if (cluster.port() > 0) {
      network.setPort(cluster.port());
    }
    if (!cluster.publicAddress().isEmpty()) {
      network.setPublicAddress(cluster.publicAddress());
    }
    JoinConfig join = network.getJoin();
    if (cluster.kubernetes().enabled()) {
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-name", cluster.kubernetes().serviceName());
      if (!cluster.kubernetes().namespace().isEmpty()) {
        join.getKubernetesConfig().setProperty("namespace", cluster.kubernetes().namespace());
      }
    } else if (!cluster.members().isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(cluster.members()));
    }
    if (!cluster.networkInterface().isEmpty()) {
      network.getInterfaces().setEnabled(true).setInterfaces(new ArrayList<>(List.of(cluster.networkInterface())));
    } else if (onLoopbackOnly(config)) {
      network.getInterfaces().setEnabled(true).setInterfaces(new ArrayList<>(List.of(LOOPBACK)));
    }
    LOG.info("Hazelcast configuration from {}: cluster \"{}\", port {}, join {}", source, config.getClusterName(),
        network.getPort(), describeJoin(join));
    return config;
  }

  /**
   * Sets the event bus's host, port, public host and public port that {@code cluster.eventBus} gives; with no host
   * given and Hazelcast pinned to loopback, the event bus listens on loopback too.
   */
  public static EventBusOptions applyTo(EventBusOptions options, ClusterConfig cluster, Config hazelcast) {
    ClusterConfig.EventBusConfig eventBus = cluster.eventBus();
    if (!eventBus.host().isEmpty()) {
      options.setHost(eventBus.host());
    } else if (pinnedToLoopback(hazelcast)) {
      options.setHost(LOOPBACK);
    }
    if (eventBus.port() > 0) {
      options.setPort(eventBus.port());
    }
    if (!eventBus.publicHost().isEmpty()) {
      options.setClusterPublicHost(eventBus.publicHost());
    }
    if (eventBus.publicPort() > 0) {
      options.setClusterPublicPort(eventBus.publicPort());
    }
    return options;
  }

  private static String source(ClusterConfig cluster) {
    if (!cluster.configFile().isEmpty()) {
      return cluster.configFile();
    }
    String property = System.getProperty(VERTX_PROPERTY);
    if (property != null && !property.isBlank()) {
      return property;
    }
    return Files.isRegularFile(Path.of(DEFAULT_FILE)) ? DEFAULT_FILE : "classpath:" + EMBEDDED;
  }

  private static Config read(String source) {
    String key = source.equals("classpath:" + EMBEDDED) ? "cluster.configFile" : source;
    try (InputStream in = open(source)) {
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read the Hazelcast configuration: " + e.getMessage());
    } catch (HazelcastException e) {
      throw new ConfigException(key, "not a valid Hazelcast configuration: " + e.getMessage());
    }
  }

  private static InputStream open(String source) throws IOException {
    if (source.startsWith("classpath:")) {
      String resource = source.substring("classpath:".length());
      InputStream in = HazelcastSetup.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) {
        throw new IOException("no " + resource + " on the classpath");
      }
      return in;
    }
    return Files.newInputStream(Path.of(source));
  }

  /** Vert.x keeps its subscriptions and node infos in these; a configuration without them breaks the bus. */
  private static void requireVertxStructures(Config config, String source) {
    List<String> missing = new ArrayList<>();
    if (!config.getMultiMapConfigs().containsKey(VERTX_SUBS)) {
      missing.add("<multimap name=\"" + VERTX_SUBS + "\">");
    }
    for (String map : VERTX_MAPS) {
      if (!config.getMapConfigs().containsKey(map)) {
        missing.add("<map name=\"" + map + "\">");
      }
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(source, "the Hazelcast configuration lacks " + String.join(", ", missing)
          + ", which Vert.x keeps its cluster state in (copy them from conf/cluster.xml)");
    }
  }

  /** TCP/IP join whose members are all loopback addresses, with no interface chosen. */
  private static boolean onLoopbackOnly(Config config) {
    NetworkConfig network = config.getNetworkConfig();
    List<String> members = network.getJoin().getTcpIpConfig().getMembers();
    return network.getJoin().getTcpIpConfig().isEnabled() && !network.getInterfaces().isEnabled()
        && !members.isEmpty() && members.stream().allMatch(HazelcastSetup::isLoopback);
  }

  private static boolean pinnedToLoopback(Config config) {
    var interfaces = config.getNetworkConfig().getInterfaces();
    return interfaces.isEnabled() && interfaces.getInterfaces().size() == 1
        && interfaces.getInterfaces().contains(LOOPBACK);
  }

  static boolean isLoopback(String member) {
    String host = member.trim().toLowerCase(Locale.ROOT).replaceAll(":\\d+(-\\d+)?$", "");
    return host.startsWith("127.") || host.equals("localhost");
  }

  private static String describeJoin(JoinConfig join) {
    if (join.getKubernetesConfig().isEnabled()) {
      return "kubernetes " + join.getKubernetesConfig().getProperties();
    }
    if (join.getTcpIpConfig().isEnabled()) {
      return "tcp-ip " + join.getTcpIpConfig().getMembers();
    }
    return join.getMulticastConfig().isEnabled() ? "multicast" : "other";
  }
}
