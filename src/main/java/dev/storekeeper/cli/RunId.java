package dev.storekeeper.cli;

/** A run id (run_id) as the API and the run reports show it. */
final class RunId extends Uuid {

  RunId() {
    super("run id");
  }
}
