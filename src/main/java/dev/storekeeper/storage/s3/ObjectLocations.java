package dev.storekeeper.storage.s3;

import java.util.Optional;

/**
 * How a job row names a file kept in the bucket: {@code s3://{bucket}/{key}} in {@code file_path}
 * and {@code result_path}, as the AWS tools write it. A row names its file's location, not the
 * backend the service runs with, so that a migration can move one job at a time (one statement
 * switches its row) and a job on either side stays reachable, and so that the orphan sweep's
 * reference checks ("does a row point at this entry?") work on the same strings on both backends.
 */
public final class ObjectLocations {

  static final String SCHEME = "s3://";

  private final String bucket;
  private final ObjectKeys keys;

  public ObjectLocations(String bucket, ObjectKeys keys) {
    this.bucket = bucket;
    this.keys = keys;
  }

  /** {@code s3://{bucket}/{key}}. */
  public String of(String key) {
    return SCHEME + bucket + "/" + key;
  }

  /** Whether a stored path names an object (any bucket): such a path is never a local file. */
  public static boolean isObject(String stored) {
    return stored != null && stored.startsWith(SCHEME);
  }

  /**
   * Whether a job's outputs are in the bucket: its {@code result_path} names an object, or it has
   * none and its upload is one (the worker of the s3 backend writes outputs only to the bucket; an
   * orphan's placeholder row names its entry in {@code file_path}).
   */
  public static boolean outputsInBucket(String filePath, String resultPath) {
    return isObject(resultPath) || (resultPath == null && isObject(filePath));
  }

  /**
   * The key a stored path names in our bucket, inside our prefix and safe to touch ({@link
   * ObjectKeys#requireOurs}); empty for anything else (another bucket, a local path, a key that
   * climbs out of the prefix).
   */
  public Optional<String> keyOf(String stored) {
    String ours = SCHEME + bucket + "/";
    if (stored == null || !stored.startsWith(ours)) {
      return Optional.empty();
    }
    String key = stored.substring(ours.length());
    return keys.isOurs(key) ? Optional.of(key) : Optional.empty();
  }

  public String bucket() {
    return bucket;
  }

  public ObjectKeys keys() {
    return keys;
  }
}
