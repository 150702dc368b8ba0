package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Data directories writable, and free space on the data volume above STORAGE_MIN_FREE_MB. */
@Component("storage")
class StorageHealthIndicator extends AbstractHealthIndicator {

  private final StorageLayout layout;
  private final StorageProperties properties;

  StorageHealthIndicator(StorageLayout layout, StorageProperties properties) {
    this.layout = layout;
    this.properties = properties;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws IOException {
    boolean uploads = Files.isWritable(layout.uploadsRoot());
    boolean outputs = Files.isWritable(layout.outputsRoot());
    FileStore store = Files.getFileStore(layout.dataDir());
    long free = store.getUsableSpace();
    long minFree = properties.storageMinFreeMb() * 1024 * 1024;
    boolean enoughSpace = free >= minFree;
    builder
        .withDetail("uploads", describe(layout.uploadsRoot(), uploads))
        .withDetail("outputs", describe(layout.outputsRoot(), outputs))
        .withDetail("free_bytes", free)
        .withDetail("total_bytes", store.getTotalSpace())
        .withDetail("min_free_bytes", minFree);
    if (!uploads || !outputs) {
      builder.down();
    } else if (!enoughSpace) {
      builder.outOfService().withDetail("problem", "free space is below STORAGE_MIN_FREE_MB");
    } else {
      builder.up();
    }
  }

  private static String describe(Path dir, boolean writable) {
    return dir + (writable ? " (writable)" : " (NOT writable)");
  }
}
