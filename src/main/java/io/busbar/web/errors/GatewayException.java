package io.busbar.web.errors;

/** A request the gateway refuses, with the code clients receive and a message that says what to fix. */
public final class GatewayException extends RuntimeException {

  private final ErrorCode code;

  public GatewayException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }
}
