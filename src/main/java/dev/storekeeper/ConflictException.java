package dev.storekeeper;

/** The request is valid but cannot be applied to the current state. */
public class ConflictException extends StorekeeperException {

  public ConflictException(String message) {
    super(409, null, message);
  }

  @Override
  public String title() {
    return "Conflict";
  }
}
