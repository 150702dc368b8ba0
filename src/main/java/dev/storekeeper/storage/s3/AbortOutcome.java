package dev.storekeeper.storage.s3;

import java.util.List;

/** What aborting stale multipart uploads did: the keys aborted, and the uploads that failed. */
public record AbortOutcome(List<String> aborted, List<DeleteOutcome.KeyError> errors) {

  public AbortOutcome {
    aborted = List.copyOf(aborted);
    errors = List.copyOf(errors);
  }
}
