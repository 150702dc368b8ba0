package dev.storekeeper.cleanup;

import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The filesystems holding uploads and outputs, from their own statistics: used is total minus what
 * this process may still write (usable space), as the kubelet and the usual node_exporter alerts
 * count it. Blocks reserved for root, and space a thin-provisioned volume cannot give, count as
 * used: usage may read higher than df's Use%, never lower. When uploads and outputs are on
 * different filesystems the fuller one is the measurement.
 */
final class FilesystemUsage implements StorageUsage {

  /** A filesystem's size and usable space, as seen from a directory on it. */
  record Space(long totalBytes, long usableBytes) {}

  /** How a directory's filesystem is measured: the real one reads its FileStore; tests fake it. */
  @FunctionalInterface
  interface SpaceView {
    Space of(Path directory) throws IOException;

    SpaceView REAL =
        directory -> {
          var store = Files.getFileStore(directory);
          return new Space(store.getTotalSpace(), store.getUsableSpace());
        };
  }

  private final StorageLayout layout;
  private final SpaceView view;

  FilesystemUsage(StorageLayout layout, SpaceView view) {
    this.layout = layout;
    this.view = view;
  }

  @Override
  public Usage measure() {
    Usage uploads = measure(layout.uploadsRoot());
    Usage outputs = measure(layout.outputsRoot());
    return outputs.ratio() > uploads.ratio() ? outputs : uploads;
  }

  private Usage measure(Path directory) {
    try {
      Space space = view.of(directory);
      long used = Math.max(0, space.totalBytes() - space.usableBytes());
      return new Usage(Source.FILESYSTEM, directory.toString(), used, space.totalBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the size of the filesystem of " + directory, e);
    }
  }
}
