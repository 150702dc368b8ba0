package dev.storekeeper;

/** The thing a request names does not exist (or is being deleted). */
public class NotFoundException extends StorekeeperException {

  public NotFoundException(String message) {
    super(404, null, message);
  }

  @Override
  public String title() {
    return "Not found";
  }
}
