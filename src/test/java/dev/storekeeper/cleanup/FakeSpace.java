package dev.storekeeper.cleanup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * A filesystem view for capacity tests: {@code total} bytes, of which {@code used} are used. By
 * default nearly empty, so that only the quota decides; {@link #holding} makes it follow the real
 * files in the data directories, so that deletions show in the next measurement.
 */
final class FakeSpace implements FilesystemUsage.SpaceView {

  volatile long total = 1L << 40;
  volatile LongSupplier used = () -> 0;

  void reset() {
    total = 1L << 40;
    used = () -> 0;
  }

  /** {@code base} bytes of something else plus the bytes of every file under {@code roots}. */
  void holding(long totalBytes, long base, Path... roots) {
    total = totalBytes;
    used = () -> base + Stream.of(roots).mapToLong(FakeSpace::bytesUnder).sum();
  }

  @Override
  public FilesystemUsage.Space of(Path directory) {
    long now = used.getAsLong();
    return new FilesystemUsage.Space(total, total - now);
  }

  static long bytesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(FakeSpace::size).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
