package io.busbar.jobs.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook request signing, the same scheme as Stripe's {@code Stripe-Signature} header. Pure
 * functions with no Vert.x dependency, so receivers can copy this class as it is.
 *
 * <p>Every webhook request carries these headers:
 *
 * <ul>
 *   <li>{@value #SIGNATURE_HEADER}: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, where the MAC
 *       is computed with the shared secret over the ASCII string {@code "<t>."} followed by the
 *       raw request body bytes, and is written as 64 lower-case hex digits. Absent when the sender
 *       has no secret. A header may carry several {@code v1} entries (e.g. while a secret is being
 *       rotated); {@link #verify} accepts the header if any of them matches.</li>
 *   <li>{@value #DELIVERY_HEADER}: a UUID per delivery, the same on every retry, so receivers can
 *       drop duplicates.</li>
 *   <li>{@value #EVENT_HEADER}: the event name, e.g. {@code job.succeeded}.</li>
 *   <li>{@code Content-Type: application/json} and {@code User-Agent: busbar}.</li>
 * </ul>
 *
 * <p>A receiver verifies the raw body bytes exactly as received, before parsing the JSON, with
 * a tolerance of a few minutes ({@link #DEFAULT_TOLERANCE_SECONDS}) to reject replays. The
 * timestamp is renewed on every attempt, so retries pass the tolerance check.
 */
public final class WebhookSignature {

  /** Header that carries {@code t=...,v1=...}. */
  public static final String SIGNATURE_HEADER = "Busbar-Signature";

  /** Header that carries the delivery id, a UUID that stays the same across retries. */
  public static final String DELIVERY_HEADER = "Busbar-Delivery";

  /** Header that carries the event name. */
  public static final String EVENT_HEADER = "Busbar-Event";

  /** A reasonable receiver tolerance between {@code t} and its own clock: 300 seconds. */
  public static final long DEFAULT_TOLERANCE_SECONDS = 300L;

  private static final String ALGORITHM = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  private WebhookSignature() {
  }

  /**
   * Computes the {@value #SIGNATURE_HEADER} header value.
   *
   * @param secret the shared secret, not empty
   * @param timestampSeconds the signing time in Unix seconds
   * @param body the raw request body bytes, exactly as sent
   * @return {@code t=<timestampSeconds>,v1=<64 hex digits>}
   * @throws IllegalArgumentException if the secret is null or empty
   */
  public static String sign(String secret, long timestampSeconds, byte[] body) {
    return "t=" + timestampSeconds + ",v1=" + HEX.formatHex(mac(secret, timestampSeconds, body));
  }

  /**
   * Checks a {@value #SIGNATURE_HEADER} header value against a body. The comparison runs in
   * constant time ({@link MessageDigest#isEqual}).
   *
   * @param secret the shared secret, not empty
   * @param header the header value as received; null or malformed gives {@code false}
   * @param body the raw request body bytes, exactly as received
   * @param nowSeconds the receiver's clock in Unix seconds
   * @param toleranceSeconds the largest accepted distance between {@code t} and
   *     {@code nowSeconds}, in seconds (past or future), at least 0
   * @return whether {@code t} is within the tolerance and one {@code v1} matches
   * @throws IllegalArgumentException if the secret is null or empty, or the tolerance negative
   */
  public static boolean verify(String secret, String header, byte[] body, long nowSeconds,
      long toleranceSeconds) {
    if (toleranceSeconds < 0) {
      throw new IllegalArgumentException("toleranceSeconds must be >= 0, was " + toleranceSeconds);
    }
    requireSecret(secret);
    if (header == null || body == null) {
      return false;
    }
    Long timestamp = null;
    boolean matched = false;
    byte[] expected = null;
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      if (key.equals("t") && timestamp == null) {
        timestamp = parseSeconds(value);
        if (timestamp == null) {
          return false;
        }
        expected = HEX.formatHex(mac(secret, timestamp, body)).getBytes(StandardCharsets.US_ASCII);
      } else if (key.equals("v1") && expected != null) {
        // |= keeps going after a match, so the time taken does not depend on which entry matched
        matched |= MessageDigest.isEqual(expected, value.getBytes(StandardCharsets.US_ASCII));
      }
    }
    // a t= after the v1 entries is not accepted: the sender always writes t first
    return matched && Math.abs(nowSeconds - timestamp) <= toleranceSeconds;
  }

  private static byte[] mac(String secret, long timestampSeconds, byte[] body) {
    requireSecret(secret);
    if (body == null) {
      throw new IllegalArgumentException("body must not be null");
    }
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // every Java platform must provide HmacSHA256, and any non-empty key is valid for it
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static void requireSecret(String secret) {
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret must not be empty");
    }
  }

  private static Long parseSeconds(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return null;
      }
    }
    return Long.parseLong(value);
  }
}
