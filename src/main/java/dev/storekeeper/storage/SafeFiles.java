package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Removes (or, for a dry run, measures) one entry directly inside a root directory, confined to
 * that root.
 *
 * <p>Every step works relative to an open directory handle ({@link SecureDirectoryStream}, i.e.
 * {@code openat}/{@code unlinkat} with {@code O_NOFOLLOW}), never by path string: a symbolic link
 * is removed as an entry and its target is never touched, and a directory swapped for a link while
 * it is being deleted makes the open fail instead of redirecting the delete. A dry run walks
 * exactly the same way and deletes nothing, so it measures exactly what a real run removes.
 *
 * <p>Errors do not stop the walk: everything removable is removed and each failure is reported. An
 * entry that does not exist is not an error ({@code existed=false}).
 */
public final class SafeFiles {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private SafeFiles() {}

  /** What removing one entry did: whether it was there, the bytes and files it held, failures. */
  public record Removal(boolean existed, long bytes, long files, List<String> errors) {
    public boolean complete() {
      return errors.isEmpty();
    }

    static Removal absent() {
      return new Removal(false, 0, 0, List.of());
    }
  }

  public static Removal remove(Path root, String name, boolean dryRun) {
    return remove(root, name, dryRun, directory -> {});
  }

  /**
   * Test seam: {@code beforeOpen} runs after a directory has been inspected and before it is
   * opened, which is exactly where a swap for a symbolic link must not redirect the walk.
   */
  static Removal remove(Path root, String name, boolean dryRun, Consumer<Path> beforeOpen) {
    requireSingleComponent(name);
    return remove(root, root.getFileSystem().getPath(name), dryRun, beforeOpen);
  }

  /**
   * As {@link #remove(Path, String, boolean)}, for an entry name as listed from the directory: a
   * name that is not valid in the platform encoding survives only as a {@code Path} (its String
   * form is lossy and names a different file, or none).
   */
  public static Removal remove(Path root, Path name, boolean dryRun) {
    return remove(root, name, dryRun, directory -> {});
  }

  private static Removal remove(Path root, Path name, boolean dryRun, Consumer<Path> beforeOpen) {
    if (name.isAbsolute() || name.getNameCount() != 1) {
      throw new IllegalArgumentException("Not a single path component: " + name);
    }
    requireSingleComponent(name.toString());
    Walk walk = new Walk(dryRun, beforeOpen);
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
      if (!(stream instanceof SecureDirectoryStream<Path> dir)) {
        throw new UnsupportedOperationException(
            "This platform offers no SecureDirectoryStream; refusing to delete by path");
      }
      Path entry = name;
      BasicFileAttributes attributes;
      try {
        attributes = attributes(dir, entry);
      } catch (NoSuchFileException gone) {
        return Removal.absent();
      }
      walk.removeEntry(dir, entry, attributes, root.resolve(name.toString()));
    } catch (IOException e) {
      walk.errors.add(root + ": " + describe(e));
    }
    return new Removal(true, walk.bytes, walk.files, List.copyOf(walk.errors));
  }

  /** Size in bytes of an entry (following nothing), 0 when it does not exist. */
  public static long measure(Path root, String name) {
    return remove(root, name, true).bytes();
  }

  private static void requireSingleComponent(String name) {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.indexOf('/') >= 0
        || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("Not a single path component: " + name);
    }
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path entry)
      throws IOException {
    return dir.getFileAttributeView(entry, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
  }

  static String describe(IOException e) {
    String reason =
        e instanceof FileSystemException fs && fs.getReason() != null
            ? fs.getReason()
            : e.getClass().getSimpleName();
    return switch (e.getClass().getSimpleName()) {
      case "AccessDeniedException" -> "permission denied";
      case "DirectoryNotEmptyException" -> "directory not empty";
      default -> reason;
    };
  }

  private static final class Walk {
    private final boolean dryRun;
    private final Consumer<Path> beforeOpen;
    private long bytes;
    private long files;
    private final List<String> errors = new ArrayList<>();

    Walk(boolean dryRun, Consumer<Path> beforeOpen) {
      this.dryRun = dryRun;
      this.beforeOpen = beforeOpen;
    }

    void removeEntry(
        SecureDirectoryStream<Path> parent,
        Path entry,
        BasicFileAttributes attributes,
        Path shown) {
      if (attributes.isDirectory()) {
        removeDirectory(parent, entry, shown);
        return;
      }
      try {
        if (!dryRun) {
          parent.deleteFile(entry);
        }
        if (attributes.isRegularFile()) {
          bytes += attributes.size();
        }
        files++;
      } catch (NoSuchFileException gone) {
        // removed by someone else meanwhile: the goal is reached
      } catch (IOException e) {
        errors.add(shown + ": " + describe(e));
      }
    }

    private void removeDirectory(SecureDirectoryStream<Path> parent, Path entry, Path shown) {
      beforeOpen.accept(shown);
      try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(entry, NOFOLLOW)) {
        for (Path child : dir) {
          Path name = child.getFileName();
          try {
            removeEntry(dir, name, attributes(dir, name), shown.resolve(name.toString()));
          } catch (NoSuchFileException gone) {
            // vanished between listing and inspection
          } catch (IOException e) {
            errors.add(shown.resolve(name.toString()) + ": " + describe(e));
          }
        }
      } catch (NoSuchFileException gone) {
        return;
      } catch (FileSystemException e) {
        if (isNowALink(parent, entry)) {
          // swapped for a symbolic link while we worked: remove the link, never its target
          removeLinkOnly(parent, entry, shown);
          return;
        }
        errors.add(shown + ": " + describe(e));
        return;
      } catch (IOException e) {
        errors.add(shown + ": " + describe(e));
        return;
      }
      if (dryRun) {
        return;
      }
      try {
        parent.deleteDirectory(entry);
      } catch (NoSuchFileException gone) {
        // already removed
      } catch (IOException e) {
        if (isNowALink(parent, entry)) {
          removeLinkOnly(parent, entry, shown);
        } else if (errors.isEmpty()) {
          errors.add(shown + ": " + describe(e));
        }
      }
    }

    private boolean isNowALink(SecureDirectoryStream<Path> parent, Path entry) {
      try {
        return attributes(parent, entry).isSymbolicLink();
      } catch (IOException e) {
        return false;
      }
    }

    private void removeLinkOnly(SecureDirectoryStream<Path> parent, Path entry, Path shown) {
      try {
        if (!dryRun) {
          parent.deleteFile(entry);
        }
        files++;
      } catch (NoSuchFileException gone) {
        // fine
      } catch (IOException e) {
        errors.add(shown + ": " + describe(e));
      }
    }
  }
}
