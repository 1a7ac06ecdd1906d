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

/**
 * A self-signed certificate for {@code localhost}, made at test time: as PEM files (certificate and PKCS#8 key),
 * and on request as a PKCS#12 file built from them with {@link KeyStore}. Closing deletes the PEM files.
 */
public final class TestCertificates implements AutoCloseable {

  /** The host name the certificate is for; clients must connect to it for host verification to pass. */
  public static final String HOST = "localhost";

  private final SelfSignedCertificate certificate = SelfSignedCertificate.create(HOST);

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

  /** Writes the key and certificate as a PKCS#12 file under {@code dir}, protected by {@code password}. */
  public Path pkcs12(Path dir, String password) {
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
  }
}
