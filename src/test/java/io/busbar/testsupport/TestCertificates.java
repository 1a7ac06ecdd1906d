package io.busbar.testsupport;

import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A self-signed certificate for {@code localhost}, made at test time: as PEM files (certificate and PKCS#8 key), and
 * as a PKCS#12 file built from them with {@link KeyStore}. Register it as a JUnit extension
 * ({@code @RegisterExtension static final TestCertificates CERTS = new TestCertificates("password");}) and its
 * files are deleted after the test class; or close it.
 */
public final class TestCertificates implements AfterAllCallback, AutoCloseable {

  /** The host name the certificate is for; clients must connect to it for host verification to pass. */
  public static final String HOST = "localhost";

  private final SelfSignedCertificate certificate = SelfSignedCertificate.create(HOST);
  private final Path pkcs12;

  /** Makes the certificate, and a PKCS#12 file of it protected by {@code pkcs12Password}. */
  public TestCertificates(String pkcs12Password) {
    try {
      pkcs12 = writePkcs12(Files.createTempDirectory("busbar-tls"), pkcs12Password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String certPath() {
    return certificate.certificatePath();
  }

  public String keyPath() {
    return certificate.privateKeyPath();
  }

  /** Trust options that trust this certificate only. */
  public PemTrustOptions trustOptions() {
    return certificate.trustOptions();
  }

  /** The PKCS#12 file holding the key and certificate. */
  public Path pkcs12Path() {
    return pkcs12;
  }

  private Path writePkcs12(Path dir, String password) {
    try {
      String pem = Files.readString(Path.of(keyPath()));
      byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      Certificate cert;
      try (var in = Files.newInputStream(Path.of(certPath()))) {
        cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("busbar", key, password.toCharArray(), new Certificate[] {cert});
      Path file = dir.resolve("busbar.p12");
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    certificate.delete();
    try {
      Files.deleteIfExists(pkcs12);
      Files.deleteIfExists(pkcs12.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }
}
