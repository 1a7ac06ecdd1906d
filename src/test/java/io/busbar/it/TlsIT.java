package io.busbar.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.busbar.testsupport.Await;
import io.busbar.testsupport.JarProcess;
import io.busbar.testsupport.Poll;
import io.busbar.testsupport.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fat jar serving HTTPS from a PKCS#12 file whose password comes from the environment, as in production. */
@ExtendWith(VertxExtension.class)
class TlsIT {

  private static final String PASSWORD = "env-p12-password-4f1c";

  @RegisterExtension
  static final TestCertificates certs = new TestCertificates(PASSWORD);
  private static final Path pkcs12 = certs.pkcs12Path();

  private static Map<String, String> env(String password) {
    return Map.of("BUSBAR_HTTP_PORT", "0", "BUSBAR_HTTP_HOST", "127.0.0.1", "BUSBAR_HTTP_TLS_ENABLED", "true",
        "BUSBAR_HTTP_TLS_PKCS12_PATH", pkcs12.toString(), "BUSBAR_HTTP_TLS_PASSWORD", password);
  }

  @Test
  void pkcs12PasswordFromTheEnvironmentServesHttpsAndIsNeverPrinted(Vertx vertx) {
    try (JarProcess jar = JarProcess.start(env(PASSWORD))) {
      int port = jar.awaitPort(Duration.ofSeconds(60));
      WebClient https = WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(true)
          .setTrustOptions(certs.trustOptions()).setDefaultHost(TestCertificates.HOST).setDefaultPort(port));

      Poll.until("/ready over HTTPS to answer 200:\n" + jar.output(), Duration.ofSeconds(60),
          () -> Await.result(https.get("/ready").send()).statusCode() == 200);

      assertThat(jar.output()).contains("Busbar gateway listening on https://127.0.0.1:" + port)
          .doesNotContain(PASSWORD);
      https.close();
    }
  }

  @Test
  void wrongPasswordFromTheEnvironmentStopsStartUpNamingTheKeyButNotTheValue() {
    String wrong = "wrong-p12-password-9d2e";
    try (JarProcess jar = JarProcess.start(env(wrong))) {
      int exit = jar.awaitExit(Duration.ofSeconds(60));

      assertThat(exit).isNotZero();
      assertThat(jar.output()).contains("http.tls.password: does not open " + pkcs12).doesNotContain(wrong);
    }
  }
}
