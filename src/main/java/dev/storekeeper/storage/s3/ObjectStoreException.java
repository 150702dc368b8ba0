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

  @Override
  public String title() {
    return "Object storage unavailable";
  }
}
