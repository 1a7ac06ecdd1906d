package io.busbar.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Loads the configuration of a node. Later layers win over earlier ones:
 * <ol>
 *   <li>the defaults embedded in the jar (a copy of the repository's {@code conf/busbar.json});</li>
 *   <li>the configuration file: {@code -Dbusbar.config=<path>}, else {@code BUSBAR_CONFIG}, else
 *       {@code conf/busbar.json} in the working directory when it exists;</li>
 *   <li>the JSON given to the launcher with {@code -conf};</li>
 *   <li>environment variables {@code BUSBAR_*} and then system properties {@code busbar.*} (see
 *       {@link ConfigOverrides}).</li>
 * </ol>
 * vertx-config's {@link ConfigRetriever} merges the layers; {@link ConfigOverrides} maps the variable names to keys.
 * The launcher needs the configuration before Vert.x exists (the cluster settings and the node's name go into the
 * Vert.x instance it builds); {@link #loadNow} reads the same layers without Vert.x, with the same result.
 */
public final class ConfigLoader {

  /** Classpath location of the embedded defaults. */
  public static final String EMBEDDED_DEFAULTS = "busbar/busbar.json";
  /** The configuration file used when none is named and it exists. */
  public static final String DEFAULT_FILE = "conf/busbar.json";

  private ConfigLoader() {
  }

  /** The merged configuration tree, not yet validated (see {@link BusbarConfig#from}). */
  public static Future<JsonObject> load(Vertx vertx, JsonObject cliConfig) {
    Map<String, String> env = System.getenv();
    Map<String, String> sys = systemProperties();
    String file;
    try {
      file = configFile(env, sys);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false)
        .addStore(json(embeddedDefaults()));
    if (file != null) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", file)));
    }
    options.addStore(json(cliConfig == null ? new JsonObject() : cliConfig));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException(file == null ? "-conf" : file,
            "cannot be read: " + ConfigException.unreadable(e))))
        .map(tree -> ConfigOverrides.apply(tree, env, sys))
        .andThen(ar -> retriever.close());
  }

  /**
   * The same tree as {@link #load}, read on the calling thread without Vert.x (deep merges, as vertx-config does);
   * blocking, for the launcher's main thread.
   *
   * @throws ConfigException when the named configuration file is missing or is not a JSON object
   */
  public static JsonObject loadNow(JsonObject cliConfig) {
    Map<String, String> env = System.getenv();
    Map<String, String> sys = systemProperties();
    JsonObject tree = embeddedDefaults();
    String file = configFile(env, sys);
    if (file != null) {
      try {
        tree.mergeIn(new JsonObject(Files.readString(Path.of(file), StandardCharsets.UTF_8)), true);
      } catch (IOException | DecodeException e) {
        throw new ConfigException(file, "cannot be read: " + ConfigException.unreadable(e));
      }
    }
    if (cliConfig != null) {
      tree.mergeIn(cliConfig.copy(), true);
    }
    return ConfigOverrides.apply(tree, env, sys);
  }

  private static String configFile(Map<String, String> env, Map<String, String> sys) {
    String named = sys.getOrDefault("busbar.config", env.get("BUSBAR_CONFIG"));
    if (named != null) {
      if (!Files.isRegularFile(Path.of(named))) {
        throw new ConfigException("busbar.config", "file not found: " + Path.of(named).toAbsolutePath());
      }
      return named;
    }
    return Files.isRegularFile(Path.of(DEFAULT_FILE)) ? DEFAULT_FILE : null;
  }

  /** The defaults embedded in the jar. */
  public static JsonObject embeddedDefaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(EMBEDDED_DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException("the embedded defaults " + EMBEDDED_DEFAULTS + " are missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ConfigStoreOptions json(JsonObject json) {
    return new ConfigStoreOptions().setType("json").setConfig(json);
  }

  private static Map<String, String> systemProperties() {
    Map<String, String> sys = new HashMap<>();
    System.getProperties().stringPropertyNames().forEach(name -> sys.put(name, System.getProperty(name)));
    return sys;
  }
}
