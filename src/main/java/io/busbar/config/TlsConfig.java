package io.busbar.config;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collections;

/**
 * TLS for the gateway's port: HTTPS, and WSS for the bridge ({@code http.tls.*}). When enabled, the key and
 * certificate come either from PEM files ({@code certPath}: the certificate chain, leaf first; {@code keyPath}: its
 * private key, unencrypted, PKCS#8 or PKCS#1/SEC1) or from a PKCS#12 file ({@code pkcs12Path}) with its
 * {@code password}. An empty string means "not given". The port then speaks TLS only: plain HTTP is refused.
 *
 * @param enabled serve the port over TLS
 * @param certPath PEM certificate chain file, or empty
 * @param keyPath PEM private key file, or empty
 * @param pkcs12Path PKCS#12 key store file, or empty
 * @param password password of the PKCS#12 file (and of its key); never shown
 */
public record TlsConfig(boolean enabled, String certPath, String keyPath, String pkcs12Path, Secret password) {

  private static final String KEY = "http.tls.";

  static TlsConfig from(Conf c) {
    c.onlyKeys("enabled", "certPath", "keyPath", "pkcs12Path", "password");
    TlsConfig tls = new TlsConfig(c.bool("enabled", false), c.optionalString("certPath"),
        c.optionalString("keyPath"), c.optionalString("pkcs12Path"), c.secret("password"));
    if (tls.enabled) {
      tls.checkShape();
    }
    return tls;
  }

  /** Exactly one of the two forms, complete, and a password only where it is used. */
  private void checkShape() {
    boolean pem = !certPath.isEmpty() || !keyPath.isEmpty();
    boolean pkcs12 = !pkcs12Path.isEmpty();
    if (pem && pkcs12) {
      throw new ConfigException(KEY + "pkcs12Path", "give either certPath and keyPath (PEM files) or pkcs12Path, not both");
    }
    if (!pem && !pkcs12) {
      throw new ConfigException(KEY + "certPath", "TLS is enabled: give certPath and keyPath (PEM files), or "
          + "pkcs12Path and password (a PKCS#12 file)");
    }
    if (pkcs12 && password.isEmpty()) {
      throw new ConfigException(KEY + "password", "required with pkcs12Path");
    }
    if (pem && certPath.isEmpty()) {
      throw new ConfigException(KEY + "certPath", "required with keyPath: the PEM certificate chain");
    }
    if (pem && keyPath.isEmpty()) {
      throw new ConfigException(KEY + "keyPath", "required with certPath: the PEM private key");
    }
    if (pem && !password.isEmpty()) {
      throw new ConfigException(KEY + "password", "only used with pkcs12Path (a PEM private key must be unencrypted)");
    }
  }

  /**
   * Reads the files and checks that they hold a usable key and certificate; blocking (start-up only). Any problem
   * throws a {@link ConfigException} naming the key of the file (or of the password) at fault.
   */
  public KeyCertOptions keyCertOptions(Vertx vertx) {
    if (!enabled) {
      throw new IllegalStateException("TLS is not enabled");
    }
    return pkcs12Path.isEmpty() ? pem(vertx) : pkcs12();
  }

  private KeyCertOptions pem(Vertx vertx) {
    Buffer cert = read("certPath", certPath);
    Buffer key = read("keyPath", keyPath);
    try {
      if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(cert.getBytes()))
          .isEmpty()) {
        throw new ConfigException(KEY + "certPath", certPath + " holds no PEM certificate");
      }
    } catch (CertificateException e) {
      throw new ConfigException(KEY + "certPath", certPath + " is not a PEM certificate: " + e.getMessage());
    }
    PemKeyCertOptions options = new PemKeyCertOptions().setCertValue(cert).setKeyValue(key);
    try {
      options.getKeyManagerFactory(vertx);
    } catch (Exception e) {
      throw new ConfigException(KEY + "keyPath", keyPath + " is not an unencrypted PEM private key: " + e.getMessage());
    }
    return options;
  }

  private KeyCertOptions pkcs12() {
    Buffer file = read("pkcs12Path", pkcs12Path);
    char[] chars = password.reveal().toCharArray();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(file.getBytes()), chars);
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          store.getKey(alias, chars);
          hasKey = true;
        }
      }
      if (!hasKey) {
        throw new ConfigException(KEY + "pkcs12Path", pkcs12Path + " holds no private key");
      }
    } catch (UnrecoverableKeyException e) {
      throw wrongPassword();
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException) {
        throw wrongPassword();
      }
      throw new ConfigException(KEY + "pkcs12Path", pkcs12Path + " is not a PKCS#12 file: " + e);
    } catch (GeneralSecurityException e) {
      throw new ConfigException(KEY + "pkcs12Path", pkcs12Path + " cannot be loaded: " + e.getMessage());
    }
    return new PfxOptions().setValue(file).setPassword(password.reveal());
  }

  private ConfigException wrongPassword() {
    return new ConfigException(KEY + "password", "does not open " + pkcs12Path + " and its key");
  }

  private static Buffer read(String name, String path) {
    try {
      return Buffer.buffer(Files.readAllBytes(Path.of(path)));
    } catch (NoSuchFileException e) {
      throw new ConfigException(KEY + name, "no such file: " + Path.of(path).toAbsolutePath());
    } catch (AccessDeniedException e) {
      throw new ConfigException(KEY + name, "cannot read " + Path.of(path).toAbsolutePath() + ": permission denied");
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(KEY + name, "cannot read " + path + ": " + e.getMessage());
    }
  }
}
