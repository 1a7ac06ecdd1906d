package io.busbar.config;

import io.vertx.core.json.DecodeException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration value that Busbar cannot accept. The message always starts with the offending key (a dotted
 * path such as {@code http.port}, or a descriptor file name) so that an operator can find and fix it.
 */
public final class ConfigException extends RuntimeException {

  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");

  private final String key;

  public ConfigException(String key, String reason) {
    super(key + ": " + reason, null, false, false);
    this.key = key;
  }

  /**
   * Why a JSON file (configuration, JWKS) could not be read, without quoting any of it: the parser's own message
   * quotes the token it stopped at, and that may be a secret. A parse error gives its line and column; any other
   * failure (a missing file) its message.
   */
  public static String unreadable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Matcher location = LOCATION.matcher(String.valueOf(t.getMessage()));
      if (location.find()) {
        return "not valid JSON (line " + location.group(1) + ", column " + location.group(2) + ")";
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof DecodeException) {
        return "not valid JSON";
      }
    }
    return String.valueOf(error.getMessage());
  }

  /** The dotted path (or descriptor name) of the value that was rejected. */
  public String key() {
    return key;
  }
}
