package dev.storekeeper.cleanup;

import java.util.List;
import java.util.Locale;

/**
 * How full storage is, for the capacity watermarks: one measurement from one source (a filesystem
 * holding uploads or outputs, or the quota). The implementations are {@link FilesystemUsage},
 * {@link QuotaUsage} and {@link #fullest}, which is what capacity uses: the fullest source decides.
 */
@FunctionalInterface
interface StorageUsage {

  Usage measure();

  /** Where a measurement comes from; it decides how the bytes a deletion frees are counted. */
  enum Source {
    /** A filesystem's own statistics: freed bytes are the bytes removed from it. */
    FILESYSTEM,
    /** The database's accounting of uploads and outputs against STORAGE_QUOTA_BYTES. */
    QUOTA;

    String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** {@code usedBytes} of {@code totalBytes} at {@code where} (a directory, or "quota"). */
  record Usage(Source source, String where, long usedBytes, long totalBytes) {

    /** Whole percent, rounded down: 84.9 % is 84, so it never reads as having reached 85. */
    int percent() {
      return totalBytes <= 0
          ? 100
          : (int) Math.min(100, Math.floorDiv(usedBytes * 100, totalBytes));
    }

    double ratio() {
      return totalBytes <= 0 ? 1 : (double) usedBytes / totalBytes;
    }

    boolean atOrAbove(int percent) {
      return Math.multiplyExact(usedBytes, 100L) >= Math.multiplyExact(totalBytes, (long) percent);
    }

    /** The fewest bytes to free so that usage is strictly below {@code percent}; 0 when it is. */
    long bytesToFreeBelow(int percent) {
      // (used - freed) * 100 < percent * total  <=>  freed > used - percent * total / 100
      long limit = Math.multiplyExact(totalBytes, (long) percent);
      long excess = Math.multiplyExact(usedBytes, 100L) - limit;
      return excess < 0 ? 0 : excess / 100 + 1;
    }
  }

  /** The fullest of several sources. */
  static StorageUsage fullest(List<StorageUsage> sources) {
    return () -> {
      Usage fullest = null;
      for (StorageUsage source : sources) {
        Usage usage = source.measure();
        if (fullest == null || usage.ratio() > fullest.ratio()) {
          fullest = usage;
        }
      }
      return fullest;
    };
  }
}
