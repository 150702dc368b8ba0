package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Every walk over what jobs and processors leave below the data roots: removing (or, for a dry run,
 * measuring) one entry of a root, making a tree private, listing its files. All of it confined to
 * the root and link-safe. Reading one file a processor left is {@link OutputDirectory}'s.
 *
 * <p>Every step works relative to an open directory handle ({@link SecureDirectoryStream}, i.e.
 * {@code openat}/{@code unlinkat} with {@code O_NOFOLLOW}), never by path string, and trees are
 * walked by {@link TreeWalk}: without recursion and with a bounded number of open directories,
 * however deep. A symbolic link is handled as an entry and its target is never touched, and a
 * directory swapped for a link while it is walked makes the open fail instead of redirecting the
 * walk. A dry run walks exactly the same way and deletes nothing, so it measures exactly what a
 * real run removes.
 *
 * <p>Errors do not stop a walk: everything removable is removed and each failure is reported. An
 * entry that does not exist is not an error ({@code existed=false}).
 */
public final class SafeFiles {

  /** Failures reported in full per removal; the rest are counted. */
  static final int MAX_ERRORS = 20;

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final Set<PosixFilePermission> GROUP_AND_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

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
    return remove(root, name, dryRun, TreeWalk.NO_SEAM);
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
    return remove(root, name, dryRun, TreeWalk.NO_SEAM);
  }

  private static Removal remove(Path root, Path name, boolean dryRun, Consumer<Path> beforeOpen) {
    Removing removing = new Removing(dryRun);
    boolean existed = walk(root, name, removing, beforeOpen);
    return existed
        ? new Removal(true, removing.bytes, removing.files, removing.errors.list())
        : Removal.absent();
  }

  /** Size in bytes of an entry (following nothing), 0 when it does not exist. */
  public static long measure(Path root, String name) {
    return remove(root, name, true).bytes();
  }

  /**
   * What a tree holds, walked without following anything: the bytes and count of its regular files,
   * and the entries that are not plain files or directories (symbolic links, FIFOs, sockets,
   * devices), shown relative to {@code root}. For adopting a tree from elsewhere: a link in it must
   * not be carried into the data layout, where downloads would serve what it points at.
   */
  public record Survey(
      boolean existed, long bytes, long files, List<String> notPlain, List<String> errors) {}

  public static Survey survey(Path root, String name) {
    requireSingleComponent(name);
    Surveying surveying = new Surveying(root);
    boolean existed = walk(root, root.getFileSystem().getPath(name), surveying, TreeWalk.NO_SEAM);
    return new Survey(
        existed,
        surveying.bytes,
        surveying.files,
        List.copyOf(surveying.notPlain),
        surveying.errors.list());
  }

  /** What making a tree private did: the bytes of its regular files, and failures. */
  public record Privatized(long bytes, long changed, List<String> errors) {}

  /**
   * Takes every group and other permission off the tree of an entry (directories and regular files;
   * links have no permissions of their own, and special files are left alone because opening one
   * can block), and measures the bytes of its regular files. What a processor wrote with a lax
   * umask becomes as private as the rest of the data directory.
   */
  public static Privatized privatize(Path root, String name) {
    requireSingleComponent(name);
    Privatizing privatizing = new Privatizing();
    walk(root, root.getFileSystem().getPath(name), privatizing, TreeWalk.NO_SEAM);
    return new Privatized(privatizing.bytes, privatizing.changed, privatizing.errors.list());
  }

  /** A regular file below an entry: its path relative to the entry, with '/', and its size. */
  public record FileEntry(String path, long size) {}

  /**
   * The regular files below entry {@code name} (links and special files are not listed), at most
   * {@code limit} of them in the order the directories list them; {@code truncated} when there are
   * more. Files whose relative path is longer than {@code maxPathLength} are left out.
   */
  public record Listing(List<FileEntry> files, boolean truncated, List<String> errors) {}

  public static Listing files(Path root, String name, int limit, int maxPathLength) {
    requireSingleComponent(name);
    Collecting collecting = new Collecting(root.resolve(name), limit, maxPathLength);
    walk(root, root.getFileSystem().getPath(name), collecting, TreeWalk.NO_SEAM);
    return new Listing(
        List.copyOf(collecting.files), collecting.truncated, collecting.errors.list());
  }

  /**
   * Walks one entry of {@code root}; false when it does not exist. A root that cannot be opened is
   * a failure of the visitor's.
   */
  private static boolean walk(
      Path root, Path name, TreeWalk.Visitor visitor, Consumer<Path> beforeOpen) {
    if (name.isAbsolute() || name.getNameCount() != 1) {
      throw new IllegalArgumentException("Not a single path component: " + name);
    }
    requireSingleComponent(name.toString());
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(root)) {
      SecureDirectoryStream<Path> dir = secure(stream);
      PosixFileAttributes attributes;
      try {
        attributes = TreeWalk.attributes(dir, name);
      } catch (NoSuchFileException gone) {
        return false;
      }
      TreeWalk.walk(dir, root, name, attributes, visitor, beforeOpen);
    } catch (IOException e) {
      visitor.failed(root::toString, e);
    }
    return true;
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream) {
    if (stream instanceof SecureDirectoryStream<Path> dir) {
      return dir;
    }
    throw new UnsupportedOperationException(
        "This platform offers no SecureDirectoryStream; refusing to work by path");
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

  /** The first failures in full, a count of the rest. */
  private static final class Errors {
    private final List<String> kept = new ArrayList<>();
    private long more;

    void add(Supplier<String> shown, IOException e) {
      if (kept.size() < MAX_ERRORS) {
        kept.add(shown.get() + ": " + describe(e));
      } else {
        more++;
      }
    }

    List<String> list() {
      if (more == 0) {
        return List.copyOf(kept);
      }
      List<String> all = new ArrayList<>(kept);
      all.add("... and " + more + " more");
      return List.copyOf(all);
    }
  }

  private static final class Removing implements TreeWalk.Visitor {
    private final boolean dryRun;
    private final Errors errors = new Errors();
    private long bytes;
    private long files;

    Removing(boolean dryRun) {
      this.dryRun = dryRun;
    }

    @Override
    public boolean removes() {
      return !dryRun;
    }

    @Override
    public void entry(SecureDirectoryStream<Path> parent, Path name, PosixFileAttributes attributes)
        throws IOException {
      if (!dryRun) {
        parent.deleteFile(name);
      }
      if (attributes.isRegularFile()) {
        bytes += attributes.size();
      }
      files++;
    }

    @Override
    public void left(SecureDirectoryStream<Path> parent, Path name) throws IOException {
      if (!dryRun) {
        parent.deleteDirectory(name);
      }
    }

    @Override
    public void failed(Supplier<String> shown, IOException e) {
      errors.add(shown, e);
    }
  }

  private static final class Surveying implements TreeWalk.Visitor {
    private final Path root;
    private final Errors errors = new Errors();
    private final List<String> notPlain = new ArrayList<>();
    private final ArrayDeque<Path> path = new ArrayDeque<>();
    private long bytes;
    private long files;

    Surveying(Path root) {
      this.root = root;
    }

    @Override
    public boolean removes() {
      return false;
    }

    @Override
    public void entered(
        SecureDirectoryStream<Path> dir, Path name, PosixFileAttributes attributes) {
      path.push(path.isEmpty() ? name : path.peek().resolve(name));
    }

    @Override
    public void left(SecureDirectoryStream<Path> parent, Path name) {
      path.pop();
    }

    @Override
    public void entry(
        SecureDirectoryStream<Path> parent, Path name, PosixFileAttributes attributes) {
      if (attributes.isRegularFile()) {
        bytes += attributes.size();
        files++;
      } else if (notPlain.size() < MAX_ERRORS) {
        Path shown = path.isEmpty() ? name : path.peek().resolve(name);
        notPlain.add(
            shown
                + (attributes.isSymbolicLink()
                    ? " is a symbolic link"
                    : " is not a regular file (a FIFO, socket or device)"));
      }
    }

    @Override
    public void failed(Supplier<String> shown, IOException e) {
      errors.add(shown, e);
    }
  }

  private static final class Privatizing implements TreeWalk.Visitor {
    private final Errors errors = new Errors();
    private long bytes;
    private long changed;

    @Override
    public boolean removes() {
      return false;
    }

    @Override
    public void entered(SecureDirectoryStream<Path> dir, Path name, PosixFileAttributes attributes)
        throws IOException {
      tighten(dir.getFileAttributeView(PosixFileAttributeView.class), attributes);
    }

    @Override
    public void entry(SecureDirectoryStream<Path> parent, Path name, PosixFileAttributes attributes)
        throws IOException {
      if (attributes.isRegularFile()) {
        bytes += attributes.size();
        tighten(
            parent.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW), attributes);
      }
    }

    private void tighten(PosixFileAttributeView view, PosixFileAttributes attributes)
        throws IOException {
      Set<PosixFilePermission> permissions = attributes.permissions();
      if (permissions.removeAll(GROUP_AND_OTHERS)) {
        view.setPermissions(permissions);
        changed++;
      }
    }

    @Override
    public void failed(Supplier<String> shown, IOException e) {
      errors.add(shown, e);
    }
  }

  /**
   * Collects regular files with their paths relative to the walked entry. The path of the current
   * directory is kept as one buffer that grows on the way down and is cut back on the way up; it
   * stops growing past the longest path listed, so a very deep tree costs no more than that.
   */
  private static final class Collecting implements TreeWalk.Visitor {
    private final Path base;
    private final int limit;
    private final int maxPathLength;
    private final List<FileEntry> files = new ArrayList<>();
    private final Errors errors = new Errors();
    private final StringBuilder path = new StringBuilder();
    private final ArrayDeque<Integer> lengths = new ArrayDeque<>();
    private int depth;
    private boolean truncated;

    Collecting(Path base, int limit, int maxPathLength) {
      this.base = base;
      this.limit = limit;
      this.maxPathLength = maxPathLength;
    }

    @Override
    public boolean removes() {
      return false;
    }

    @Override
    public void entered(
        SecureDirectoryStream<Path> dir, Path name, PosixFileAttributes attributes) {
      if (depth++ == 0) {
        return; // the walked entry itself: paths are relative to it
      }
      lengths.push(path.length());
      if (path.length() <= maxPathLength) {
        path.append(path.isEmpty() ? "" : "/").append(name);
      }
    }

    @Override
    public void left(SecureDirectoryStream<Path> parent, Path name) {
      if (--depth > 0) {
        path.setLength(lengths.pop());
      }
    }

    @Override
    public void entry(
        SecureDirectoryStream<Path> parent, Path name, PosixFileAttributes attributes) {
      if (!attributes.isRegularFile()) {
        return;
      }
      if (files.size() == limit) {
        truncated = true;
        return;
      }
      String relative = path.isEmpty() ? name.toString() : path + "/" + name;
      if (relative.length() <= maxPathLength && singleLink(base.resolve(relative), attributes)) {
        files.add(new FileEntry(relative, attributes.size()));
      }
    }

    /**
     * The link count is not offered relative to a directory handle: it is read by path, and trusted
     * only if that path still leads to the file the walk inspected.
     */
    private static boolean singleLink(Path path, PosixFileAttributes attributes) {
      try {
        Map<String, Object> unix = Files.readAttributes(path, "unix:nlink,fileKey", NOFOLLOW);
        return attributes.fileKey().equals(unix.get("fileKey"))
            && ((Number) unix.get("nlink")).longValue() == 1;
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }

    @Override
    public boolean finished() {
      return truncated;
    }

    @Override
    public void failed(Supplier<String> shown, IOException e) {
      errors.add(shown, e);
    }
  }
}
