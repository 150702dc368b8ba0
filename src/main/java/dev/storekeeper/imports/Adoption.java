package dev.storekeeper.imports;

import dev.storekeeper.storage.SafeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves one file or one output directory from the reference's data directory into ours, so that a
 * rerun after a kill at any point finishes the job instead of losing or doubling anything.
 *
 * <p>On one filesystem it is a rename: atomic, the entry is either still in the source or already
 * in place. Across filesystems (the rename fails with {@code EXDEV}) it copies and verifies sizes
 * and SHA-256 checksums; a file is copied to a temporary name and renamed into place, a directory
 * is copied in place and, when a rerun finds it differing from its source (a copy cut short),
 * removed and copied again. After a verified copy the source is left where it was: the operator
 * removes it once satisfied (an import must never be the only thing standing between the data and a
 * typo).
 *
 * <p>Nothing is followed: the source entry is checked with {@code lstat} right before the move, a
 * directory must hold no symbolic links or special files, and copies read with {@code O_NOFOLLOW}.
 */
final class Adoption {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final int MAX_FILES = 1_000_000;

  private Adoption() {}

  /** How the entry got there: moved, copied (source kept), or already there from an earlier run. */
  enum How {
    MOVED,
    COPIED,
    ALREADY_THERE
  }

  /** Adopts regular file {@code from} as {@code to}, through {@code temp} when copying. */
  static How file(Path from, Path to, Path temp, boolean copyOnly) throws IOException {
    BasicFileAttributes source = lstat(from);
    BasicFileAttributes target = lstat(to);
    if (source == null) {
      if (target != null) {
        return How.ALREADY_THERE;
      }
      throw new NoSuchFileException(from + " (and not yet at " + to + ")");
    }
    if (!source.isRegularFile()) {
      throw new IOException(from + " is no longer a regular file (a link or special file)");
    }
    if (target != null) {
      if (target.isRegularFile() && sameContent(from, to)) {
        return How.ALREADY_THERE; // copied by an earlier run, its source kept
      }
      throw new IOException(to + " exists and differs from " + from + ": both left in place");
    }
    if (!copyOnly) {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        return How.MOVED;
      } catch (AtomicMoveNotSupportedException otherFilesystem) {
        // copied below
      }
    }
    Files.deleteIfExists(temp);
    copy(from, temp);
    if (!sameContent(from, temp)) {
      Files.deleteIfExists(temp);
      throw new IOException("the copy of " + from + " does not match its source");
    }
    Files.move(temp, to, StandardCopyOption.ATOMIC_MOVE);
    return How.COPIED;
  }

  /** Adopts directory {@code fromRoot/name} as {@code toRoot/name}. */
  static How tree(Path fromRoot, Path toRoot, String name, boolean copyOnly) throws IOException {
    Path from = fromRoot.resolve(name);
    Path to = toRoot.resolve(name);
    BasicFileAttributes source = lstat(from);
    BasicFileAttributes target = lstat(to);
    if (source == null) {
      if (target != null) {
        return How.ALREADY_THERE;
      }
      throw new NoSuchFileException(from + " (and not yet at " + to + ")");
    }
    String refusal = SourceFiles.treeRefusal(fromRoot, name);
    if (refusal != null) {
      throw new IOException(refusal);
    }
    if (target != null) {
      if (target.isDirectory() && sameTree(from, to, fromRoot, toRoot, name)) {
        return How.ALREADY_THERE;
      }
      // a copy cut short by a kill: ours (the job's row, held, was in before it began)
      SafeFiles.Removal removal = SafeFiles.remove(toRoot, name, false);
      if (!removal.complete()) {
        throw new IOException(
            "could not remove an incomplete copy " + to + ": " + removal.errors());
      }
    }
    if (!copyOnly) {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        return How.MOVED;
      } catch (AtomicMoveNotSupportedException otherFilesystem) {
        // copied below
      }
    }
    SafeFiles.Listing files = listing(fromRoot, name);
    Files.createDirectory(to);
    for (SafeFiles.FileEntry file : files.files()) {
      Path target2 = to.resolve(file.path());
      Files.createDirectories(target2.getParent());
      copy(from.resolve(file.path()), target2);
    }
    if (!sameTree(from, to, fromRoot, toRoot, name)) {
      throw new IOException("the copy of " + from + " does not match its source");
    }
    // last: creating the files inside changed it
    Files.setLastModifiedTime(to, source.lastModifiedTime());
    return How.COPIED;
  }

  private static SafeFiles.Listing listing(Path root, String name) throws IOException {
    SafeFiles.Listing files = SafeFiles.files(root, name, MAX_FILES, Integer.MAX_VALUE);
    if (files.truncated() || !files.errors().isEmpty()) {
      throw new IOException(
          "cannot list "
              + root.resolve(name)
              + (files.truncated() ? ": too many files" : "")
              + " "
              + files.errors());
    }
    SafeFiles.Survey survey = SafeFiles.survey(root, name);
    if (survey.files() != files.files().size()) {
      throw new IOException(
          root.resolve(name) + " holds files with more than one link (hard links): not adopted");
    }
    return files;
  }

  private static boolean sameTree(Path from, Path to, Path fromRoot, Path toRoot, String name)
      throws IOException {
    Map<String, Long> source = sizes(listing(fromRoot, name).files());
    Map<String, Long> target =
        sizes(SafeFiles.files(toRoot, name, MAX_FILES, Integer.MAX_VALUE).files());
    if (!source.equals(target)) {
      return false;
    }
    for (String file : source.keySet()) {
      if (!sameContent(from.resolve(file), to.resolve(file))) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, Long> sizes(List<SafeFiles.FileEntry> files) {
    Map<String, Long> sizes = new HashMap<>();
    files.forEach(file -> sizes.put(file.path(), file.size()));
    return sizes;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (InputStream in = Files.newInputStream(from, NOFOLLOW);
        OutputStream out =
            Files.newOutputStream(
                to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, NOFOLLOW)) {
      in.transferTo(out);
    }
    // as a rename would: the file's age is the source's, not the import's
    Files.setLastModifiedTime(to, lstat(from).lastModifiedTime());
  }

  private static boolean sameContent(Path a, Path b) throws IOException {
    BasicFileAttributes first = lstat(a);
    BasicFileAttributes second = lstat(b);
    return first != null
        && second != null
        && first.isRegularFile()
        && second.isRegularFile()
        && first.size() == second.size()
        && Arrays.equals(sha256(a), sha256(b));
  }

  private static byte[] sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return digest.digest();
  }

  /** The entry's attributes, not following a link; null when there is none. */
  static BasicFileAttributes lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException none) {
      return null;
    }
  }
}
