package dev.storekeeper.storage.s3;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** How outputs in the bucket reach a client. */
@Validated
@ConfigurationProperties("storekeeper.object-storage")
public record DownloadProperties(
    /**
     * S3_PRESIGNED_DOWNLOADS: answer a download with a redirect to a presigned GET (5 minutes)
     * instead of streaming it through the service. Default false.
     */
    @NotNull(message = "must be set") Boolean presignedDownloads) {}
