package io.busbar.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A secret taken from the configuration: a JWT signing key, an API key, a key-store password. {@link #toString()}
 * never shows it ({@code ***}, or {@code <none>} when empty), so a config record that holds one, or a log line or an
 * error message that prints one, cannot leak it. Only the code that uses the secret calls {@link #reveal()}.
 */
public final class Secret {

  /** No secret (an empty value). */
  public static final Secret NONE = new Secret("");

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps {@code value}; null and empty give {@link #NONE}. */
  public static Secret of(String value) {
    return value == null || value.isEmpty() ? NONE : new Secret(value);
  }

  /** The secret itself, for the code that signs, compares or decrypts with it. Never log it. */
  public String reveal() {
    return value;
  }

  /** True when no secret was given. */
  public boolean isEmpty() {
    return value.isEmpty();
  }

  /** Compares in constant time, so that timing says nothing about how close two secrets are. */
  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
        s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return value.isEmpty() ? "<none>" : "***";
  }
}
