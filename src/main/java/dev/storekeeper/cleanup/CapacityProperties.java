package dev.storekeeper.cleanup;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The capacity watermarks: when storage is this full, cleanup frees space before retention. */
@Validated
@ConfigurationProperties("storekeeper.capacity")
public record CapacityProperties(
    /** STORAGE_HIGH_WATERMARK_PERCENT: at or above this usage a capacity run starts. Default 85. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 99")
        @Max(value = 99, message = "must be a whole number between 1 and 99")
        Integer storageHighWatermarkPercent,
    /** STORAGE_LOW_WATERMARK_PERCENT: a capacity run stops once usage is below this. Default 80. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 99")
        @Max(value = 99, message = "must be a whole number between 1 and 99")
        Integer storageLowWatermarkPercent,
    /**
     * STORAGE_QUOTA_BYTES: the bytes uploads and outputs may take (database accounting); the
     * watermarks then apply to it too. Unset: no quota, only the filesystems count.
     */
    @Min(value = 1, message = "must be a whole number between 1 and 10000000000000000")
        @Max(
            value = 10_000_000_000_000_000L,
            message = "must be a whole number between 1 and 10000000000000000")
        Long storageQuotaBytes,
    /** CAPACITY_CHECK_SECONDS: seconds between capacity checks. Default 60. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number >= 1")
        @Max(value = 86400, message = "must be a whole number <= 86400")
        Integer capacityCheckSeconds,
    /**
     * RETENTION_MIN_HOURS: capacity never deletes a job finished less than this ago. Default 24.
     */
    @NotNull(message = "must be set")
        @Min(value = 0, message = "must be a whole number >= 0")
        @Max(value = 876000, message = "must be a whole number <= 876000")
        Integer retentionMinHours) {

  /**
   * Low below high. Named as a property of the low watermark so that the refusal names the variable
   * STORAGE_LOW_WATERMARK_PERCENT (the settings check maps property names to variables).
   */
  @AssertTrue(message = "must be lower than STORAGE_HIGH_WATERMARK_PERCENT")
  public boolean isStorageLowWatermarkPercent() {
    return storageLowWatermarkPercent == null
        || storageHighWatermarkPercent == null
        || storageLowWatermarkPercent < storageHighWatermarkPercent;
  }

  public Duration checkInterval() {
    return Duration.ofSeconds(capacityCheckSeconds);
  }

  public Duration minAge() {
    return Duration.ofHours(retentionMinHours);
  }
}
