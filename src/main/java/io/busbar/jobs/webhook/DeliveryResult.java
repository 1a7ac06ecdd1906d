package io.busbar.jobs.webhook;

/**
 * The outcome of one webhook delivery, as completed by {@link WebhookSender#deliver}. A delivery
 * that did not succeed is still a succeeded Future holding a result with {@code delivered=false};
 * the caller records it.
 *
 * @param delivered whether a request got a 2xx response
 * @param attempts requests made, 0 when the delivery was dropped or cancelled before its first one
 * @param lastStatus the HTTP status of the last response, or -1 when the last attempt got none
 *     (connection error, timeout, dropped, cancelled)
 * @param lastError why the last attempt failed, e.g. {@code "HTTP 500"},
 *     {@code "timeout after 10000 ms"}, {@code "dropped: queue full"}; null when delivered
 * @param deliveryId the {@code Busbar-Delivery} header value, a UUID shared by every attempt
 */
public record DeliveryResult(
    boolean delivered, int attempts, int lastStatus, String lastError, String deliveryId) {

  /** {@code lastStatus} when the last attempt got no HTTP response. */
  public static final int NO_STATUS = -1;

  static DeliveryResult ok(int attempts, int status, String deliveryId) {
    return new DeliveryResult(true, attempts, status, null, deliveryId);
  }

  static DeliveryResult failed(int attempts, int status, String error, String deliveryId) {
    return new DeliveryResult(false, attempts, status, error, deliveryId);
  }
}
