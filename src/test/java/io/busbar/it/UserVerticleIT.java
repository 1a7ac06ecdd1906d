package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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

  /** Compiles the example against the fat jar and packages it as {@code hello.jar} in {@code tmp}. */
  private static Path helloJar(Path tmp) throws Exception {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled = javac.run(null, null, null, "--release", "17", "-cp", JarProcess.jar().toString(), "-d",
        classes.toString(), "examples/hello-verticle/src/com/example/HelloVerticle.java");
    assertThat(compiled).isZero();
    return jar(classes, tmp.resolve("hello.jar"));
  }

  @Test
  void userVerticleFromItsOwnJarIsDeployedByItsDescriptor(@TempDir Path tmp) throws Exception {
    Path userJar = helloJar(tmp);

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

  /**
   * The README's cluster variant: the user's jar runs on a worker node of its own (the cluster service and the
   * user's descriptor, nothing else), joined to a plain Busbar gateway node; clients reach it through the gateway.
   */
  @Test
  void userVerticleOnAWorkerNodeIsReachedThroughAnotherNodesGateway(@TempDir Path tmp) throws Exception {
    Path userJar = helloJar(tmp);
    Path deploy = Files.createDirectories(tmp.resolve("verticles"));
    Files.copy(Path.of("verticles/cluster.json"), deploy.resolve("cluster.json"));
    Files.copy(Path.of("examples/hello-verticle/hello.json"), deploy.resolve("hello.json"));
    TestCluster cluster = TestCluster.create("user");
    Map<String, String> gatewayEnv = new HashMap<>(ClusterIT.env(cluster));
    gatewayEnv.putAll(Map.of("BUSBAR_ROLES", "gateway", "BUSBAR_NODE_NAME", "edge",
        "BUSBAR_BRIDGE_INBOUND", "[{\"address\":\"hello.greet\"}]"));
    Map<String, String> workerEnv = new HashMap<>(ClusterIT.env(cluster));
    workerEnv.putAll(Map.of("BUSBAR_ROLES", "worker", "BUSBAR_NODE_NAME", "hello-worker",
        "BUSBAR_DEPLOY_DIR", deploy.toString()));
    Vertx vertx = Vertx.vertx();
    try (JarProcess gateway = JarProcess.startLight(gatewayEnv, "-cluster");
         JarProcess worker = JarProcess.startWithClasspath(workerEnv, userJar, "-cluster")) {
      int port = gateway.awaitReady(Duration.ofSeconds(90));
      worker.awaitLine("Busbar node ready", Duration.ofSeconds(90));
      WebClient http = WebClient.create(vertx);

      Poll.until("hello.greet reached through the gateway node:\n" + worker.output(), Duration.ofSeconds(30), () ->
          Await.result(http.post(port, "127.0.0.1", "/api/request/hello.greet?timeout=2000")
              .sendJsonObject(new JsonObject().put("name", "Ada"))).statusCode() == 200);
      JsonObject reply = Await.result(http.post(port, "127.0.0.1", "/api/request/hello.greet")
          .sendJsonObject(new JsonObject().put("name", "Grace"))).bodyAsJsonObject();
      assertThat(reply).isEqualTo(new JsonObject().put("message", "Hello from my own verticle, Grace!"));
      assertThat(worker.output()).doesNotContain("Busbar gateway listening");
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
