package dev.storekeeper.cleanup;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Retention, orphan handling and the cleanup schedule. Names are the reference's contract. */
@Validated
@ConfigurationProperties("storekeeper.cleanup")
public record CleanupProperties(
    /** CLEANUP_ENABLED: run cleanup automatically on a schedule. Default true. */
    @NotNull(message = "must be true or false") Boolean cleanupEnabled,
    /** CLEANUP_INTERVAL_HOURS: hours between scheduled runs; decimals allowed. Default 24. */
    @NotNull(message = "must be set")
        @DecimalMin(value = "0", inclusive = false, message = "must be a number > 0")
        @DecimalMax(value = "8784", message = "must be a number of hours <= 8784 (one year)")
        Double cleanupIntervalHours,
    /** RETENTION_COMPLETED_DAYS: completed jobs are kept this many days. 0 = none kept. */
    @NotNull(message = "must be set")
        @Min(value = 0, message = "must be a whole number >= 0")
        @Max(value = 36500, message = "must be a whole number <= 36500")
        Integer retentionCompletedDays,
    /** RETENTION_FAILED_DAYS: failed jobs are kept this many days. 0 = none kept. */
    @NotNull(message = "must be set")
        @Min(value = 0, message = "must be a whole number >= 0")
        @Max(value = 36500, message = "must be a whole number <= 36500")
        Integer retentionFailedDays,
    /** RETENTION_CANCELLED_DAYS: cancelled jobs are kept this many days. Default: failed's. */
    @NotNull(message = "must be set")
        @Min(value = 0, message = "must be a whole number >= 0")
        @Max(value = 36500, message = "must be a whole number <= 36500")
        Integer retentionCancelledDays,
    /** RETENTION_KEEP_LAST: the most recently completed jobs kept whatever their age. Default 0. */
    @NotNull(message = "must be set")
        @Min(value = 0, message = "must be a whole number between 0 and 1000000")
        @Max(value = 1_000_000, message = "must be a whole number between 0 and 1000000")
        Integer retentionKeepLast,
    /** ORPHAN_GRACE_HOURS: an orphan must be this old before it is removed. Default 24. */
    @NotNull(message = "must be set") @Min(value = 0, message = "must be a whole number >= 0")
        Integer orphanGraceHours,
    /** CLEANUP_BATCH_SIZE: jobs claimed and deleted per batch. Default 500. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 10000")
        @Max(value = 10000, message = "must be a whole number between 1 and 10000")
        Integer cleanupBatchSize,
    /** CLEANUP_HISTORY_DAYS: how long the run ledger keeps finished runs. Default 90. */
    @NotNull(message = "must be set") @Min(value = 1, message = "must be a whole number >= 1")
        Integer cleanupHistoryDays,
    /** CLEANUP_LOCK_LEASE_SECONDS: a run whose holder stops heartbeating this long is dead. */
    @NotNull(message = "must be set") @Min(value = 5, message = "must be a whole number >= 5")
        Integer cleanupLockLeaseSeconds,
    /**
     * CLEANUP_MAX_ITEM_ATTEMPTS: runs in a row a deletion may fail before it is parked as stuck.
     * Default 5.
     */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 1000")
        @Max(value = 1000, message = "must be a whole number between 1 and 1000")
        Integer cleanupMaxItemAttempts,
    /** CLEANUP_FILE_THREADS: threads removing (or, in a dry run, measuring) files. Default 4. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 64")
        @Max(value = 64, message = "must be a whole number between 1 and 64")
        Integer cleanupFileThreads,
    /**
     * CLEANUP_BUSY_SHARE_PERCENT: while the service answers requests, the share of the time its
     * cleanup works on files, one thread at a time; 100 = no pacing. Default 50.
     */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 100")
        @Max(value = 100, message = "must be a whole number between 1 and 100")
        Integer cleanupBusySharePercent) {

  public Duration interval() {
    return Duration.ofMillis(Math.round(cleanupIntervalHours * 3_600_000d));
  }

  public RetentionPolicy defaultPolicy() {
    return new RetentionPolicy(
        retentionCompletedDays,
        retentionFailedDays,
        retentionCancelledDays,
        orphanGraceHours,
        retentionKeepLast);
  }
}
