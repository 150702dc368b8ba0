package dev.storekeeper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A file that cannot be deleted. As root (CI), permissions do not stop an unlink, so the file is
 * made immutable with {@code chattr +i}; otherwise its directory is made read-only. Release it in a
 * {@code finally} block: an immutable file also blocks removing the test's temporary directory.
 */
public final class Undeletable {

  private final Path file;
  private final boolean immutable;

  private Undeletable(Path file, boolean immutable) {
    this.file = file;
    this.immutable = immutable;
  }

  /** A file {@code locked.bin} in {@code dir} that cannot be deleted. */
  public static Undeletable plantIn(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return lock(Files.writeString(dir.resolve("locked.bin"), "locked"));
  }

  /** An empty directory {@code locked} in {@code dir} that cannot be removed. */
  public static Undeletable emptyDirectoryIn(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    return lock(Files.createDirectory(dir.resolve("locked")));
  }

  private static Undeletable lock(Path file) throws IOException, InterruptedException {
    if ("root".equals(System.getProperty("user.name"))) {
      chattr("+i", file);
      return new Undeletable(file, true);
    }
    Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("r-xr-xr-x"));
    return new Undeletable(file, false);
  }

  public Path file() {
    return file;
  }

  public void release() throws IOException, InterruptedException {
    if (immutable) {
      chattr("-i", file);
    } else {
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void chattr(String flag, Path file) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("chattr", flag, file.toString()).inheritIO().start();
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("chattr " + flag + " failed on " + file);
    }
  }
}
