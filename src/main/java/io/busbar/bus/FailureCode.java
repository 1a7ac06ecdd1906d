package io.busbar.bus;

/**
 * Failure codes that Busbar services pass to {@code Message.fail(code, message)}.
 *
 * <p>Codes from 400 to 599 mean the HTTP status of the same number, so that a service's failure reaches an HTTP
 * caller as that status and a bridge client as an {@code err} frame with that {@code failureCode}. Any other code a
 * recipient uses is reported to HTTP callers as 500. Numbers are never reused for another meaning.
 */
public enum FailureCode {
  /** The request's body or parameters are invalid; the message says which field. */
  BAD_REQUEST(400),
  /** The caller is not allowed to do this. */
  FORBIDDEN(403),
  /** The thing asked for does not exist. */
  NOT_FOUND(404),
  /** The request conflicts with the current state. */
  CONFLICT(409),
  /** Too many requests or a full queue; retry later. */
  TOO_MANY_REQUESTS(429),
  /** The service failed in a way the caller cannot fix. */
  INTERNAL(500),
  /** The service is not able to serve now (starting, stopping, overloaded). */
  UNAVAILABLE(503);

  private final int code;

  FailureCode(int code) {
    this.code = code;
  }

  /** The number passed to {@code Message.fail}. */
  public int code() {
    return code;
  }
}
