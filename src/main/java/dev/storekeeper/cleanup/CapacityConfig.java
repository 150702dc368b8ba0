package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.storage.StorageLayout;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** How usage is measured: the filesystems of uploads and outputs, and the quota when set. */
@Configuration(proxyBeanMethods = false)
class CapacityConfig {

  @Bean
  FilesystemUsage.SpaceView spaceView() {
    return FilesystemUsage.SpaceView.REAL;
  }

  @Bean
  StorageUsage storageUsage(
      StorageLayout layout,
      JobRepository jobs,
      CapacityProperties properties,
      FilesystemUsage.SpaceView view,
      dev.storekeeper.storage.s3.ObjectStorageProperties objectStorage) {
    List<StorageUsage> sources = new ArrayList<>();
    if (objectStorage.isS3()) {
      // a bucket has no size to fill: only STORAGE_QUOTA_BYTES, against the accounting, applies
      if (properties.storageQuotaBytes() != null) {
        return new QuotaUsage(jobs, properties.storageQuotaBytes());
      }
      return () ->
          new StorageUsage.Usage(
              StorageUsage.Source.QUOTA,
              "bucket without STORAGE_QUOTA_BYTES (watermarks do not apply)",
              0,
              1);
    }
    sources.add(new FilesystemUsage(layout, view));
    if (properties.storageQuotaBytes() != null) {
      sources.add(new QuotaUsage(jobs, properties.storageQuotaBytes()));
    }
    return StorageUsage.fullest(sources);
  }
}
