package dev.storekeeper.storage.s3;

import java.util.List;

/**
 * What a batched delete did: how many keys the store confirmed gone ("already gone" counts, as S3
 * reports it), and each key it did not delete, with the reason. A partial outcome is normal: the
 * caller records the failed keys and retries them on its next run.
 */
public record DeleteOutcome(long deleted, List<KeyError> errors) {

  public DeleteOutcome {
    errors = List.copyOf(errors);
  }

  public boolean complete() {
    return errors.isEmpty();
  }

  /** A key that was not deleted: the store's error code ("AccessDenied") and message. */
  public record KeyError(String key, String code, String message) {}
}
