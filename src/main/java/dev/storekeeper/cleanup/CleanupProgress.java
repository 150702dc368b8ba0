package dev.storekeeper.cleanup;

/** Receives a run's progress after each batch (for a progress bar); must be cheap. */
@FunctionalInterface
public interface CleanupProgress {

  CleanupProgress NONE = (done, expected, bytes) -> {};

  /**
   * @param itemsDone items handled so far
   * @param itemsExpected items known so far to be handled (grows as orphans are discovered)
   * @param bytesFreed bytes freed (or, dry, that would be freed) so far
   */
  void update(long itemsDone, long itemsExpected, long bytesFreed);
}
