package io.busbar.web.errors;

/**
 * The error codes the gateway answers with. Each has the short snake_case code that bridge clients receive in an
 * {@code err} frame ({@code {"type":"err","body":"access_denied"}}) and HTTP clients in the JSON error body
 * ({@code {"error":"access_denied","message":"..."}}), and the HTTP status it maps to. The bridge codes that the
 * vertx-web bridge also uses keep its spelling, so existing clients recognise them.
 */
public enum ErrorCode {
  INVALID_JSON("invalid_json", 400),
  MISSING_TYPE("missing_type", 400),
  INVALID_TYPE("invalid_type", 400),
  MISSING_ADDRESS("missing_address", 400),
  INVALID_HEADERS("invalid_headers", 400),
  INVALID_REPLY_ADDRESS("invalid_reply_address", 400),
  MAX_ADDRESS_LENGTH_REACHED("max_address_length_reached", 400),
  INVALID_PARAMETER("invalid_parameter", 400),
  BAD_REQUEST("bad_request", 400),
  UNAUTHORIZED("unauthorized", 401),
  TOKEN_EXPIRED("token_expired", 401),
  ACCESS_DENIED("access_denied", 403),
  ORIGIN_NOT_ALLOWED("origin_not_allowed", 403),
  NOT_FOUND("not_found", 404),
  NO_HANDLERS("no_handlers", 404),
  METHOD_NOT_ALLOWED("method_not_allowed", 405),
  ADDRESS_ALREADY_REGISTERED("address_already_registered", 409),
  CONFLICT("conflict", 409),
  FRAME_TOO_LARGE("frame_too_large", 413),
  BODY_TOO_LARGE("body_too_large", 413),
  URI_TOO_LONG("uri_too_long", 414),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
  MAX_HANDLERS_REACHED("max_handlers_reached", 429),
  MAX_IN_FLIGHT_REACHED("max_in_flight_reached", 429),
  MAX_CONNECTIONS_PER_SUBJECT_REACHED("max_connections_per_subject_reached", 429),
  RATE_LIMITED("rate_limited", 429),
  SLOW_CONSUMER("slow_consumer", 429),
  TOO_MANY_CONNECTIONS("too_many_connections", 503),
  TOO_MANY_REQUESTS("too_many_requests", 429),
  HEADERS_TOO_LARGE("headers_too_large", 431),
  RECIPIENT_FAILURE("recipient_failure", 500),
  INTERNAL_ERROR("internal_error", 500),
  BUS_ERROR("bus_error", 502),
  NOT_READY("not_ready", 503),
  UNAVAILABLE("unavailable", 503),
  TIMEOUT("timeout", 504);

  private final String code;
  private final int status;

  ErrorCode(String code, int status) {
    this.code = code;
    this.status = status;
  }

  /**
   * The code for a recipient's {@code fail(code, ...)}: Busbar's own {@code FailureCode}s have names
   * ({@code bad_request}, {@code not_found}, {@code conflict}, {@code too_many_requests}, {@code unavailable}),
   * anything else is {@code recipient_failure}.
   */
  public static ErrorCode ofRecipientCode(int failureCode) {
    return switch (failureCode) {
      case 400 -> BAD_REQUEST;
      case 403 -> ACCESS_DENIED;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      case 429 -> TOO_MANY_REQUESTS;
      case 503 -> UNAVAILABLE;
      default -> RECIPIENT_FAILURE;
    };
  }

  /** The snake_case code sent to clients. */
  public String code() {
    return code;
  }

  /** The HTTP status this error maps to. */
  public int status() {
    return status;
  }
}
