package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a path stored in a job's row ({@code file_path}, {@code result_path}) lies in the data
 * layout. Rows may be ours, imported or restored: relative, through links, or pointing anywhere;
 * only what provably lies in a root is ever treated as that root's entry. Cleanup and migration
 * both decide with these, so they agree on what a row owns.
 */
public final class StoredPaths {

  private StoredPaths() {}

  /** The entry of {@code root} that a stored path names directly, if it does. */
  public static Optional<Path> entryIn(Path root, String stored) {
    return resolved(stored)
        .filter(path -> path.getFileName() != null && inside(root, path.getParent()))
        .map(Path::getFileName);
  }

  /** The entry of {@code root} that a stored path lies in or below, if it does. */
  public static Optional<Path> firstComponentIn(Path root, String stored) {
    return resolved(stored)
        .filter(path -> path.startsWith(root) && path.getNameCount() > root.getNameCount())
        .map(path -> path.getName(root.getNameCount()));
  }

  /**
   * Where {@code stored} lies in entry {@code name} of {@code root}: "" for the entry itself, "a/b"
   * below it; empty when it is not in that entry.
   */
  public static Optional<String> restIn(Path root, String name, String stored) {
    Optional<Path> path = resolved(stored);
    if (path.isEmpty()) {
      return Optional.empty();
    }
    for (Path entry = path.get(); entry != null; entry = entry.getParent()) {
      if (entry.getFileName() != null
          && entry.getFileName().toString().equals(name)
          && inside(root, entry.getParent())) {
        return Optional.of(entry.relativize(path.get()).toString());
      }
    }
    return Optional.empty();
  }

  /**
   * A stored path as an absolute, normalised path; a relative one is taken from the working
   * directory, as the reference application (and a shell) would read {@code data/uploads/...}.
   */
  private static Optional<Path> resolved(String stored) {
    if (stored == null || stored.isEmpty()) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(stored);
      return Optional.of((path.isAbsolute() ? path : path.toAbsolutePath()).normalize());
    } catch (InvalidPathException invalid) {
      return Optional.empty();
    }
  }

  /**
   * Whether a directory named in a stored path is the root: the same path, or (through links in the
   * stored path, e.g. a data directory that is itself a link) the same directory.
   */
  private static boolean inside(Path root, Path directory) {
    if (directory == null) {
      return false;
    }
    if (directory.equals(root)) {
      return true;
    }
    try {
      return directory.toRealPath().equals(root);
    } catch (IOException | SecurityException notThere) {
      return false;
    }
  }
}
