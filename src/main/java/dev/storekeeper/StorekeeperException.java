package dev.storekeeper;

/**
 * Base of every error the application raises on purpose. Each subclass carries the HTTP status it
 * maps to (in one place: {@code web.ProblemHandler}) and, where a request parameter is at fault,
 * that parameter's name.
 */
public abstract class StorekeeperException extends RuntimeException {

  private final int status;
  private final String parameter;

  protected StorekeeperException(int status, String parameter, String message) {
    super(message);
    this.status = status;
    this.parameter = parameter;
  }

  protected StorekeeperException(int status, String parameter, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.parameter = parameter;
  }

  public int status() {
    return status;
  }

  /** The request parameter that was wrong, or null when none is. */
  public String parameter() {
    return parameter;
  }

  /** A short, stable title for the problem document. */
  public abstract String title();
}
