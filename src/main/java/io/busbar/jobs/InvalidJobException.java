package io.busbar.jobs;

/** A job request Busbar refuses; the message starts with the offending field ({@code priority: must be …}). */
public final class InvalidJobException extends RuntimeException {

  private final String field;

  public InvalidJobException(String field, String reason) {
    super(field + ": " + reason, null, false, false);
    this.field = field;
  }

  /** The field that was refused. */
  public String field() {
    return field;
  }
}
