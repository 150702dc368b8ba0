package dev.storekeeper.storage.s3;

import dev.storekeeper.StorekeeperException;

/**
 * A key we refuse to touch: outside the configured prefix, or with a segment a store backed by a
 * filesystem would resolve ({@code ..}). Raised before any request is sent.
 */
public final class UnsafeKeyException extends StorekeeperException {

  UnsafeKeyException(String message) {
    super(422, null, message);
  }

  @Override
  public String title() {
    return "Unsafe object key";
  }
}
