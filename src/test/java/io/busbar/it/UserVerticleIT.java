package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's worked example: a user's verticle, compiled against the fat jar, packaged in a jar of its own, put
 * on the classpath and deployed by adding a descriptor.
 */
class UserVerticleIT {

  @Test
  void userVerticleFromItsOwnJarIsDeployedByItsDescriptor(@TempDir Path tmp) throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "--release", "17", "-cp", JarProcess.jar().toString(), "-d",
        classes.toString(), "examples/hello-verticle/src/com/example/HelloVerticle.java");
    assertThat(compiled).isZero();
    Path userJar = jar(classes, tmp.resolve("hello.jar"));

    Path deploy = Files.createDirectories(tmp.resolve("verticles"));
    try (Stream<Path> defaults = Files.list(Path.of("verticles"))) {
      for (Path descriptor : defaults.toList()) {
        Files.copy(descriptor, deploy.resolve(descriptor.getFileName()));
      }
    }
    Files.copy(Path.of("examples/hello-verticle/hello.json"), deploy.resolve("hello.json"));

    Map<String, String> env = Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1",
        "BUSBAR_DEPLOY_DIR", deploy.toString(), "BUSBAR_BRIDGE_INBOUND", "[{\"address\":\"hello.greet\"}]");
    Vertx vertx = Vertx.vertx();
    try (JarProcess node = JarProcess.startWithClasspath(env, userJar)) {
      int port = node.awaitReady(Duration.ofSeconds(60));

      JsonObject reply = Await.result(WebClient.create(vertx).post(port, "127.0.0.1", "/api/request/hello.greet")
          .sendJsonObject(new JsonObject().put("name", "Ada"))).bodyAsJsonObject();

      assertThat(reply).as(node.output()).isEqualTo(new JsonObject().put("message", "Hello from my own verticle, Ada!"));
    } finally {
      Await.result(vertx.close());
    }
  }

  private static Path jar(Path classes, Path target) throws Exception {
    try (OutputStream out = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(out);
         Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        jar.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
        jar.write(Files.readAllBytes(file));
        jar.closeEntry();
      }
    }
    return target;
  }
}
