package dev.storekeeper.storage;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for the file work a run hands to its threads. */
public final class Futures {

  private Futures() {}

  /**
   * The task's result; what it threw, thrown here as it was (a checked exception wrapped); an
   * interrupt kept and reported as {@code interrupted}.
   */
  public static <T> T join(Future<T> future, String interrupted) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(interrupted, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
