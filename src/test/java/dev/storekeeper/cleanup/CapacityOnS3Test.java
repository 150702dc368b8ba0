package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import dev.storekeeper.storage.s3.ObjectStorageProperties;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the s3 backend a bucket has no size to fill: the local filesystem must not drive capacity runs
 * (its fullness says nothing about the bucket), only STORAGE_QUOTA_BYTES does.
 */
class CapacityOnS3Test {

  @TempDir Path temp;

  private static final ObjectStorageProperties S3 =
      new ObjectStorageProperties("s3", "bucket-1", "", "http://127.0.0.1:9000", null, null);

  /** A local disk that is 99 % full. */
  private static final FilesystemUsage.SpaceView FULL_DISK =
      directory -> new FilesystemUsage.Space(100, 1);

  private StorageUsage usage(Long quota, ObjectStorageProperties objects) {
    StorageLayout layout =
        new StorageLayout(
            new StorageProperties(temp.toString(), null, null, 1000L, 0L, null), objects);
    return new CapacityConfig()
        .storageUsage(
            layout, null, new CapacityProperties(85, 80, quota, 60, 24), FULL_DISK, objects);
  }

  @Test
  void withoutAQuotaTheWatermarksDoNotApplyAndSaySo() {
    StorageUsage.Usage measured = usage(null, S3).measure();
    assertThat(measured.atOrAbove(1)).isFalse();
    assertThat(measured.where()).contains("STORAGE_QUOTA_BYTES");
  }

  @Test
  void withAQuotaOnlyTheQuotaCounts() {
    assertThat(usage(1000L, S3)).isInstanceOf(QuotaUsage.class);
  }

  @Test
  void theFilesystemBackendStillMeasuresItsDisk() {
    StorageUsage.Usage measured =
        usage(null, new ObjectStorageProperties(null, null, null, null, null, null)).measure();
    assertThat(measured.source()).isEqualTo(StorageUsage.Source.FILESYSTEM);
    assertThat(measured.atOrAbove(85)).isTrue();
  }
}
