package io.busbar.config;

/**
 * A configuration value that Busbar cannot accept. The message always starts with the offending key (a dotted
 * path such as {@code http.port}, or a descriptor file name) so that an operator can find and fix it.
 */
public final class ConfigException extends RuntimeException {

  private final String key;

  public ConfigException(String key, String reason) {
    super(key + ": " + reason, null, false, false);
    this.key = key;
  }

  /** The dotted path (or descriptor name) of the value that was rejected. */
  public String key() {
    return key;
  }
}
