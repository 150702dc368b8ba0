package dev.storekeeper.storage.s3;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where uploads and outputs are stored: the local filesystem (the default) or an S3-compatible
 * bucket. The S3 settings are checked only when {@code STORAGE_BACKEND=s3}: a filesystem deployment
 * is not refused for a leftover S3 variable.
 */
@Validated
@ValidObjectStorage
@ConfigurationProperties("storekeeper.object-storage")
public record ObjectStorageProperties(
    /** STORAGE_BACKEND: filesystem (default) or s3. */
    String storageBackend,
    /** S3_BUCKET: the bucket holding uploads and outputs; required for s3. */
    String s3Bucket,
    /** S3_PREFIX: a key prefix inside the bucket ("storekeeper/"); default none. */
    String s3Prefix,
    /** S3_ENDPOINT: http(s) URL of an S3-compatible store (MinIO, Ceph, S3Proxy); unset = AWS. */
    String s3Endpoint,
    /**
     * S3_REGION: the bucket's region; unset = the AWS SDK's region chain, us-east-1 with
     * S3_ENDPOINT.
     */
    String s3Region,
    /**
     * S3_PATH_STYLE: path-style requests (host/bucket/key); default true when S3_ENDPOINT is set.
     */
    Boolean s3PathStyle) {

  public static final String FILESYSTEM = "filesystem";
  public static final String S3 = "s3";

  /** Whether the operator asked for the S3 backend (any letter case). */
  public boolean isS3() {
    return S3.equals(backend());
  }

  /** The backend in lower case; filesystem when unset. */
  public String backend() {
    return isBlank(storageBackend) ? FILESYSTEM : storageBackend.trim().toLowerCase(Locale.ROOT);
  }

  /** The prefix as keys use it: empty, or ending with exactly one {@code /}. */
  public String prefix() {
    return ObjectStorageRules.normalisedPrefix(s3Prefix);
  }

  public Optional<URI> endpoint() {
    return isBlank(s3Endpoint) ? Optional.empty() : Optional.of(URI.create(s3Endpoint.trim()));
  }

  public Optional<String> region() {
    return isBlank(s3Region) ? Optional.empty() : Optional.of(s3Region.trim());
  }

  public boolean pathStyle() {
    return s3PathStyle != null ? s3PathStyle : endpoint().isPresent();
  }

  static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
