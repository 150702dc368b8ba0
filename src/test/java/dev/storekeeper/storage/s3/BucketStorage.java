package dev.storekeeper.storage.s3;

import dev.storekeeper.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The fixtures' storage on the s3 backend ({@link OnS3}): {@code uploads/x} is the object {@code
 * {prefix}uploads/x}, {@code /x} the key {@code x} outside the prefix; rows name objects {@code
 * s3://bucket/key}. Written with a client of the test's own, so that keys the application would
 * refuse can be planted. Ages: S3Proxy's filesystem blobstore reports a blob file's modification
 * time as the object's {@code LastModified} (in listings and HEAD alike), so an object is backdated
 * by setting the time of its file under the server's blob directory, never by sleeping.
 */
public final class BucketStorage implements Fixtures.Storage {

  private final String bucket;
  private final String prefix;
  private final JdbcClient jdbc;

  /** {@code bucket} on the shared server ({@link S3Backend}); rows through {@code jdbc}. */
  public BucketStorage(String bucket, String prefix, JdbcClient jdbc) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.jdbc = jdbc;
  }

  /** The key a location names. */
  public String key(String relative) {
    return relative.startsWith("/") ? relative.substring(1) : prefix + relative;
  }

  private static S3Client client() {
    return S3Backend.sharedClient();
  }

  @Override
  public void write(String relative, String content) {
    put(key(relative), content);
  }

  /** Puts any key at all into the bucket. */
  public void put(String key, String content) {
    client().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(content));
  }

  /** Whether exactly this key exists. */
  public boolean objectExists(String key) {
    try {
      client().headObject(r -> r.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public boolean exists(String relative) {
    String key = key(relative);
    return objectExists(key)
        || !client()
            .listObjectsV2(r -> r.bucket(bucket).prefix(key + "/").maxKeys(1))
            .contents()
            .isEmpty();
  }

  /** The key itself if it is an object, and every object below {@code key/}. */
  private List<String> keysAtOrBelow(String relative) {
    String key = key(relative);
    List<String> keys = new ArrayList<>();
    if (objectExists(key)) {
      keys.add(key);
    }
    for (S3Object object :
        client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(key + "/")).contents()) {
      keys.add(object.key());
    }
    return keys;
  }

  @Override
  public void touch(String relative, Instant modified) {
    for (String key : keysAtOrBelow(relative)) {
      Path file = S3Backend.blobFile(bucket, key);
      try {
        Files.setLastModifiedTime(file, FileTime.from(modified));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void delete(String relative) {
    List<ObjectIdentifier> keys =
        keysAtOrBelow(relative).stream()
            .map(k -> ObjectIdentifier.builder().key(k).build())
            .toList();
    if (!keys.isEmpty()) {
      client().deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(keys)));
    }
  }

  @Override
  public String stored(String relative) {
    return "s3://" + bucket + "/" + key(relative);
  }

  @Override
  public String read(String relative) {
    return client().getObjectAsBytes(r -> r.bucket(bucket).key(key(relative))).asUtf8String();
  }

  @Override
  public Path path(String relative) {
    throw new IllegalStateException(
        "a test about the filesystem asked for the file of "
            + stored(relative)
            + " on the s3 backend");
  }

  @Override
  public void recordOutputs(UUID id, Map<String, Long> objects) {
    // as JobRepository.setOutputObjects writes it (V16)
    jdbc.sql("insert into job_output_objects (job_id, objects) values (:id, :objects)")
        .param("id", id)
        .param(
            "objects",
            OutputObjects.encode(
                objects.entrySet().stream()
                    .map(e -> new OutputObjects.Entry(e.getKey(), e.getValue()))
                    .toList()))
        .update();
  }

  /** Every key in the bucket below {@code prefix} (the application's and anything planted). */
  public List<String> keysUnder(String under) {
    List<String> keys = new ArrayList<>();
    for (S3Object object :
        client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(under)).contents()) {
      keys.add(object.key());
    }
    return keys;
  }

  public String bucket() {
    return bucket;
  }
}
