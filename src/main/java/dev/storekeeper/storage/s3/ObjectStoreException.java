package dev.storekeeper.storage.s3;

import dev.storekeeper.StorekeeperException;

/**
 * The object store could not do what was asked: unreachable, refused the credentials, no such
 * bucket. The message names the setting at fault where one is ({@link S3Failures}).
 */
public final class ObjectStoreException extends StorekeeperException {

  public ObjectStoreException(String message, Throwable cause) {
    super(503, null, message, cause);
  }

  /**
   * The store was closed under {@code work} (the service stopping during a run): its pool refused
   * the request. Failing as a store that cannot be asked, callers record the work as not done.
   */
  static ObjectStoreException closedDuring(String work, Throwable refusal) {
    return new ObjectStoreException(work + " stopped: the object store was closed", refusal);
  }

  @Override
  public String title() {
    return "Object storage unavailable";
  }
}
