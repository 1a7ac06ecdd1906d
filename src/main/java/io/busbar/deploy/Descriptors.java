package io.busbar.deploy;

import io.busbar.config.ConfigException;
import io.busbar.config.PoolConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the deployment descriptors of a node: every {@code *.json} file of a directory, or, when that directory
 * does not exist, the descriptors embedded in the jar under {@code busbar/verticles/}. Descriptors are returned in
 * deployment order (by {@code order}, then by name); disabled ones are left out. Names must be unique.
 * Reading files is blocking: call this from a worker thread or at start-up.
 */
public final class Descriptors {

  /** Classpath folder of the descriptors embedded in the jar. */
  public static final String EMBEDDED = "busbar/verticles";

  private Descriptors() {
  }

  /** The enabled descriptors of {@code dir} (or the embedded ones), in deployment order. */
  public static List<Descriptor> load(String dir, Map<String, PoolConfig> pools) {
    Path path = Path.of(dir);
    if (Files.isDirectory(path)) {
      return parseAll(path, dir, pools);
    }
    URL embedded = Descriptors.class.getClassLoader().getResource(EMBEDDED);
    if (embedded == null) {
      throw new ConfigException("deploy.dir", "directory not found: " + path.toAbsolutePath()
          + ", and no descriptors are embedded in the jar");
    }
    try {
      URI uri = embedded.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = openJar(uri)) {
          return parseAll(jar.getPath(EMBEDDED), "classpath:" + EMBEDDED, pools);
        }
      }
      return parseAll(Path.of(uri), "classpath:" + EMBEDDED, pools);
    } catch (URISyntaxException | IOException e) {
      throw new ConfigException("deploy.dir", "cannot read the embedded descriptors: " + e.getMessage());
    }
  }

  /** A private file system over the jar that holds {@code uri}, so closing it affects no one else. */
  private static FileSystem openJar(URI uri) throws IOException {
    String jar = uri.getRawSchemeSpecificPart().replaceAll("!.*$", "");
    return FileSystems.newFileSystem(Path.of(URI.create(jar)), (ClassLoader) null);
  }

  /** Parses every {@code *.json} file of {@code dir}; {@code label} prefixes the file names in errors. */
  static List<Descriptor> parseAll(Path dir, String label, Map<String, PoolConfig> pools) {
    List<Descriptor> parsed = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        String source = label + "/" + file.getFileName();
        parsed.add(Descriptor.parse(source, read(file, source), pools));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> names = new ArrayList<>();
    for (Descriptor d : parsed) {
      if (names.contains(d.name())) {
        throw new ConfigException(d.source(), "duplicate descriptor name \"" + d.name() + "\"");
      }
      names.add(d.name());
    }
    return parsed.stream().filter(Descriptor::enabled)
        .sorted(Comparator.comparingInt(Descriptor::order).thenComparing(Descriptor::name)).toList();
  }

  private static JsonObject read(Path file, String source) throws IOException {
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (DecodeException e) {
      throw new ConfigException(source, "not a JSON object: " + e.getMessage());
    }
  }
}
