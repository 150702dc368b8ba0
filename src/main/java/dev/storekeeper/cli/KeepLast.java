package dev.storekeeper.cli;

/** A keep-last override: 0 to 1,000,000 jobs, as {@code RETENTION_KEEP_LAST}. */
final class KeepLast extends WholeNumber {

  KeepLast() {
    super(1_000_000);
  }
}
