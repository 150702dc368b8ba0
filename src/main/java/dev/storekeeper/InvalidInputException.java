package dev.storekeeper;

/** A request parameter or option had a value we refuse; the message says what was expected. */
public class InvalidInputException extends StorekeeperException {

  public InvalidInputException(String parameter, String message) {
    super(400, parameter, message);
  }

  @Override
  public String title() {
    return "Invalid request";
  }
}
