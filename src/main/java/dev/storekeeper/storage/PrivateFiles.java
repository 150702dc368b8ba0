package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Storekeeper keeps in {@code DATA_DIR} is private to the service user: directories
 * 0700, files 0600, whatever the umask. Java cannot set the process umask, so what we create gets
 * its mode explicitly, and what others create for us (H2's files, the servlet container's spool) is
 * narrowed right after. A path that was wider is logged once, when it is narrowed.
 *
 * <p>On a file system without POSIX permissions nothing is changed.
 */
public final class PrivateFiles {

  private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);

  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> PARENT =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private PrivateFiles() {}

  /** A secret read from its file; {@code created} when this call generated it. */
  public record Secret(String value, boolean created) {}

  /**
   * Creates {@code dir} with mode 0700, and its missing parents with mode 0755: they are not ours
   * to hide, but nobody else may write to them (and so move {@code dir} away), whatever the umask.
   * Existing directories are left as they are ({@link #narrow} them where they are ours).
   */
  public static Path createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    Path target = dir.toAbsolutePath();
    for (Path p = target; p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      Set<PosixFilePermission> mode = p.equals(target) ? DIRECTORY : PARENT;
      try {
        Files.createDirectory(p, PosixFilePermissions.asFileAttribute(mode));
        setMode(p, mode);
      } catch (FileAlreadyExistsException raced) {
        // created meanwhile by another process: as good as ours
      } catch (UnsupportedOperationException noPosix) {
        Files.createDirectories(p);
      }
    }
    return dir;
  }

  /**
   * Removes every group and other permission from a directory (to 0700) or a regular file (to
   * 0600), and logs the change. Symbolic links are not followed and never changed. A path we may
   * not change (owned by another user) is logged and left as it is: start-up goes on.
   *
   * @return the change made, e.g. {@code "0644 -> 0600"}
   */
  public static Optional<String> narrow(Path path) {
    return narrow(path, true);
  }

  /**
   * As {@link #narrow(Path)}, for a file this process just had another library create (H2's
   * database files): its umask mode is expected, so the change is not logged.
   */
  public static Optional<String> narrowNew(Path path) {
    return narrow(path, false);
  }

  private static Optional<String> narrow(Path path, boolean logChange) {
    PosixFileAttributeView view =
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return Optional.empty();
    }
    try {
      PosixFileAttributes attributes = view.readAttributes();
      Set<PosixFilePermission> current = attributes.permissions();
      if (attributes.isSymbolicLink()
          || !(attributes.isDirectory() || attributes.isRegularFile())
          || current.stream().noneMatch(OTHERS::contains)) {
        return Optional.empty();
      }
      Set<PosixFilePermission> wanted = attributes.isDirectory() ? DIRECTORY : FILE;
      view.setPermissions(wanted);
      String change = octal(current) + " -> " + octal(wanted);
      if (logChange) {
        log.warn(
            "{} was open to other users (mode {}); it is now private to this user", path, change);
      }
      return Optional.of(change);
    } catch (NoSuchFileException gone) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn(
          "{} is open to other users and its mode cannot be changed ({}): make it owned by the"
              + " user this service runs as, with mode 0700 for a directory or 0600 for a file",
          path,
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Reads a secret from {@code file}, first generating it with {@code generator} if the file does
   * not exist. A new secret is written to a private temporary file and published with a hard link,
   * which fails if the file exists: processes starting together all end up with the one secret
   * published first, and nobody ever reads a half-written file.
   */
  public static Secret readOrCreateSecret(Path file, Supplier<String> generator)
      throws IOException {
    boolean created = false;
    if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) {
      created = publish(file, generator.get());
    }
    narrow(file);
    return new Secret(Files.readString(file).strip(), created);
  }

  private static boolean publish(Path file, String secret) throws IOException {
    Path temp =
        Files.createTempFile(
            file.getParent(),
            "." + file.getFileName() + "-",
            ".tmp",
            PosixFilePermissions.asFileAttribute(FILE));
    try {
      setMode(temp, FILE);
      Files.writeString(temp, secret + "\n");
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException raced) {
        return false; // another process published its secret first; use theirs
      } catch (UnsupportedOperationException | FileSystemException noHardLinks) {
        Files.move(temp, file);
      }
      return true;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Creates an empty private file unless {@code file} exists, so that its writer keeps 0600. */
  public static void createFileIfMissing(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
      setMode(file, FILE);
    } catch (FileAlreadyExistsException exists) {
      // whoever created it, narrow() covers it
    }
  }

  /** The umask may have taken owner bits away from a mode asked for at creation. */
  private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
    try {
      Files.setPosixFilePermissions(path, mode);
    } catch (UnsupportedOperationException noPosix) {
      // nothing to set
    }
  }

  static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission permission : permissions) {
      mode |= 1 << (8 - permission.ordinal());
    }
    return String.format("%04o", mode);
  }
}
