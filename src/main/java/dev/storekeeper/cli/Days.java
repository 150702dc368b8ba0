package dev.storekeeper.cli;

/**
 * A retention override in days: a whole number from 0 to 36500 (the same bounds as the {@code
 * RETENTION_*_DAYS} settings).
 */
final class Days extends WholeNumber {

  static final int MAX = 36_500;

  Days() {
    super(MAX);
  }
}
