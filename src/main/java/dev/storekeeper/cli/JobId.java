package dev.storekeeper.cli;

/** A job id as the API shows it. */
final class JobId extends Uuid {

  JobId() {
    super("job id");
  }
}
