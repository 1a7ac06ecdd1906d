package io.busbar.bus;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a service that refuses work for now (failure code 429 or 503) says when to come back: its failure message
 * ends with {@code "; retry after <ms> ms"}. Written and read only here.
 */
public final class RetryAfter {

  private static final Pattern SUFFIX = Pattern.compile("; retry after (\\d+) ms$");

  private RetryAfter() {
  }

  /** {@code message} with the retry delay appended. */
  public static String format(String message, long retryAfterMs) {
    return message + "; retry after " + Math.max(0, retryAfterMs) + " ms";
  }

  /** The retry delay in a failure message, or -1 when it has none. */
  public static long parse(String message) {
    if (message == null) {
      return -1;
    }
    Matcher m = SUFFIX.matcher(message);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
