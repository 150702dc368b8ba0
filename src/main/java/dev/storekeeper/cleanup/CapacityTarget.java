package dev.storekeeper.cleanup;

import dev.storekeeper.cleanup.StorageUsage.Usage;
import dev.storekeeper.jobs.Job;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a capacity run must free, fixed when it starts: the measurement that started it, the
 * watermarks, and the bytes to free to get strictly below the low one. Jobs that finished at or
 * after {@code cutoff} (RETENTION_MIN_HOURS) are too recent to be taken.
 */
record CapacityTarget(
    Usage usage, int high, int low, long bytesToFree, Instant cutoff, int minHours) {

  static CapacityTarget of(Usage usage, CapacityProperties properties, Instant now) {
    int low = properties.storageLowWatermarkPercent();
    return new CapacityTarget(
        usage,
        properties.storageHighWatermarkPercent(),
        low,
        usage.bytesToFreeBelow(low),
        now.minus(properties.minAge()),
        properties.retentionMinHours());
  }

  boolean aboveHigh() {
    return usage.atOrAbove(high);
  }

  /** Why a job goes: the figures an operator needs to judge it, on every item. */
  String reason(Job job, Instant now) {
    return ("capacity: usage %d %% (%s) ≥ high watermark %d %%; removed to reach %d %% (%s %s"
            + " ago, oldest eligible first)")
        .formatted(
            usage.percent(),
            usage.source() == StorageUsage.Source.QUOTA ? "quota" : usage.where(),
            high,
            low,
            job.status().value(),
            CleanupExecutor.ago(job.completedAt(), now));
  }

  /** The run's parameters in the ledger. */
  Map<String, Object> parameters(boolean dryRun, int keepLast) {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("dry_run", dryRun);
    parameters.put("capacity", true);
    parameters.put("usage_source", usage.source().value());
    parameters.put("usage_percent", usage.percent());
    parameters.put("used_bytes", usage.usedBytes());
    parameters.put("total_bytes", usage.totalBytes());
    parameters.put("high_watermark_percent", high);
    parameters.put("low_watermark_percent", low);
    parameters.put("bytes_to_free", bytesToFree);
    parameters.put("retention_min_hours", minHours);
    parameters.put("keep_last", keepLast);
    return parameters;
  }
}
