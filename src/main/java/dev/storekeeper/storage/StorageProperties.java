package dev.storekeeper.storage;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Where uploads and outputs live, and the limits that protect the data volume. */
@Validated
@ConfigurationProperties("storekeeper.storage")
public record StorageProperties(
    /** DATA_DIR: holds uploads/ and outputs/ (and the embedded database). Default ./data. */
    @NotBlank(message = "must not be empty") String dataDir,
    /** UPLOAD_DIR: overrides DATA_DIR/uploads. */
    String uploadDir,
    /** OUTPUT_DIR: overrides DATA_DIR/outputs. */
    String outputDir,
    /** MAX_UPLOAD_BYTES: largest accepted upload; larger ones get 413. Default 500 MB. */
    @NotNull(message = "must be set") @Min(value = 1, message = "must be a whole number >= 1")
        Long maxUploadBytes,
    /** STORAGE_MIN_FREE_MB: uploads are refused (507) when free space falls below this. */
    @NotNull(message = "must be set") @Min(value = 0, message = "must be a whole number >= 0")
        Long storageMinFreeMb,
    /**
     * WORK_DIR: where a job is processed on the s3 backend (its input fetched, its outputs written
     * before they are uploaded). Default DATA_DIR/work.
     */
    String workDir) {}
