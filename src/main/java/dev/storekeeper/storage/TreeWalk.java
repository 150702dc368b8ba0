package dev.storekeeper.storage;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Walks the tree of one entry of an open directory without recursion, without following a symbolic
 * link, and with a bounded number of open directories, however deep the tree is.
 *
 * <p>Every step is relative to an open directory handle ({@code openat} with {@code O_NOFOLLOW}): a
 * link is visited as an entry and never entered, and a directory swapped for a link while it is
 * walked makes the open fail instead of redirecting the walk. The walk keeps a stack of small
 * frames (a name, the directory's identity, a position), not a Java call per level, so a directory
 * 100,000 levels deep costs memory in proportion to its depth and no stack.
 *
 * <p>Only the deepest {@link #OPEN_DIRECTORIES} directories on the stack are kept open: one open
 * directory costs a descriptor and a read buffer, and one per level would be 100,000 of each. A
 * directory closed on the way down is reopened on the way up as {@code ..} of its child, and only
 * if it is still the directory that was left (same device and inode): a subtree moved elsewhere
 * meanwhile stops the walk instead of leading it outside. A walk that removes what it visits reads
 * a reopened directory afresh (what it removed is gone; what it could not remove is remembered and
 * skipped); any other walk skips the entries it had already taken.
 *
 * <p>Failures do not stop the walk: each is handed to the visitor with the path it concerns, the
 * entry is left alone, and the walk goes on with its siblings.
 */
final class TreeWalk {

  /** Directories kept open at once; beyond this the shallowest open one is closed. */
  static final int OPEN_DIRECTORIES = 32;

  /** Entries of one directory that could not be removed; beyond this it is given up. */
  static final int MAX_FAILED_PER_DIRECTORY = 10_000;

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final Path PARENT = Path.of("..");

  /** Opens through one directory handle before it is reopened under a short name. */
  static final int MAX_HOPS = 256;

  private static final Path DESCRIPTORS = Path.of("/proc/self/fd");

  /** No test seam: the walk does not work out a shown path per directory for nothing. */
  static final Consumer<Path> NO_SEAM = path -> {};

  /** What a walk does with what it finds. */
  interface Visitor {

    /**
     * Whether every entry the visitor handles disappears (a real delete), so that a directory read
     * again lists only what is left.
     */
    boolean removes();

    /** A non-directory entry: a regular file, a link, a special file. */
    void entry(SecureDirectoryStream<Path> parent, Path name, PosixFileAttributes attributes)
        throws IOException;

    /** Directory {@code name} was opened; {@code dir} is its own handle. */
    default void entered(SecureDirectoryStream<Path> dir, Path name, PosixFileAttributes attributes)
        throws IOException {}

    /** Every entry of directory {@code name} has been visited. */
    default void left(SecureDirectoryStream<Path> parent, Path name) throws IOException {}

    /**
     * Something could not be done; {@code shown} names the entry for a reader (computed on demand:
     * a visitor that keeps only the first failures need not pay for the others).
     */
    void failed(Supplier<String> shown, IOException e);

    /** Whether the walk may stop now (a listing that has what it wants). */
    default boolean finished() {
      return false;
    }
  }

  private final SecureDirectoryStream<Path> root;
  private final Path shownRoot;
  private final Visitor visitor;
  private final Consumer<Path> beforeOpen;
  private final ArrayDeque<Frame> open = new ArrayDeque<>();

  private TreeWalk(
      SecureDirectoryStream<Path> root,
      Path shownRoot,
      Visitor visitor,
      Consumer<Path> beforeOpen) {
    this.root = root;
    this.shownRoot = shownRoot;
    this.visitor = visitor;
    this.beforeOpen = beforeOpen;
  }

  /**
   * Walks entry {@code name} of {@code root} (shown as {@code shownRoot/name}), whose attributes
   * were just read without following links. {@code beforeOpen} is a test seam: it runs with the
   * shown path of each directory after it was inspected and before it is opened.
   */
  static void walk(
      SecureDirectoryStream<Path> root,
      Path shownRoot,
      Path name,
      PosixFileAttributes attributes,
      Visitor visitor,
      Consumer<Path> beforeOpen) {
    TreeWalk walk = new TreeWalk(root, shownRoot, visitor, beforeOpen);
    try {
      walk.run(name, attributes);
    } finally {
      walk.closeAll();
    }
  }

  /** One directory on the stack. */
  private static final class Frame {
    final Frame parent;
    final Path name;
    final int depth;
    Object key;
    SecureDirectoryStream<Path> dir;
    Iterator<Path> entries;
    long taken;
    Set<Path> failed;
    boolean failedBelow;
    int hops;

    Frame(Frame parent, Path name) {
      this.parent = parent;
      this.name = name;
      this.depth = parent == null ? 0 : parent.depth + 1;
    }
  }

  private void run(Path name, PosixFileAttributes attributes) {
    if (!attributes.isDirectory()) {
      visit(root, null, name, attributes);
      return;
    }
    Frame top = enter(root, null, name);
    while (top != null && !visitor.finished()) {
      Path child = next(top);
      if (child == null) {
        top = leave(top);
        continue;
      }
      PosixFileAttributes childAttributes;
      try {
        childAttributes = attributes(top.dir, child);
      } catch (NoSuchFileException gone) {
        continue; // vanished between listing and inspection
      } catch (IOException e) {
        fail(top, child, e);
        continue;
      }
      if (childAttributes.isDirectory()) {
        Frame entered = enter(top.dir, top, child);
        if (entered != null) {
          top = entered;
        }
      } else {
        visit(top.dir, top, child, childAttributes);
      }
    }
  }

  private void visit(
      SecureDirectoryStream<Path> dir, Frame frame, Path name, PosixFileAttributes attributes) {
    try {
      visitor.entry(dir, name, attributes);
    } catch (NoSuchFileException gone) {
      // removed by someone else meanwhile: the goal is reached
    } catch (IOException e) {
      fail(frame, name, e);
    }
  }

  /** Opens directory {@code name} of {@code dir} and pushes it; null if it cannot be entered. */
  private Frame enter(SecureDirectoryStream<Path> dir, Frame parent, Path name) {
    if (beforeOpen != NO_SEAM) {
      beforeOpen.accept(Path.of(shown(parent, name)));
    }
    SecureDirectoryStream<Path> opened;
    try {
      opened = dir.newDirectoryStream(name, NOFOLLOW);
    } catch (NoSuchFileException gone) {
      return null;
    } catch (FileSystemException e) {
      if (!visitSwappedLink(dir, parent, name)) {
        fail(parent, name, e);
      }
      return null;
    } catch (IOException e) {
      fail(parent, name, e);
      return null;
    }
    Frame frame = new Frame(parent, name);
    try {
      PosixFileAttributes own = ownAttributes(opened);
      frame.key = own.fileKey();
      frame.hops = parent == null ? 1 : parent.hops + 1;
      frame.dir = opened = anchored(opened, frame);
      visitor.entered(opened, name, own);
    } catch (IOException e) {
      close(opened);
      fail(parent, name, e);
      return null;
    }
    open.addLast(frame);
    if (open.size() > OPEN_DIRECTORIES) {
      Frame shallowest = open.pollFirst();
      close(shallowest.dir);
      shallowest.dir = null;
      shallowest.entries = null;
    }
    return frame;
  }

  /** The next entry of a directory to visit, or null when there is none left. */
  private Path next(Frame frame) {
    try {
      if (frame.entries == null) {
        frame.entries = frame.dir.iterator();
        if (!visitor.removes()) {
          // a fresh listing of a directory nothing was removed from: skip what was taken before
          for (long skipped = 0; skipped < frame.taken && frame.entries.hasNext(); skipped++) {
            frame.entries.next();
          }
        }
      }
      while (frame.entries.hasNext()) {
        Path name = frame.entries.next().getFileName();
        if (frame.failed != null && frame.failed.contains(name)) {
          continue;
        }
        frame.taken++;
        return name;
      }
      return null;
    } catch (DirectoryIteratorException e) {
      fail(frame.parent, frame.name, e.getCause());
      return null;
    } catch (IllegalStateException e) {
      // a listing that cannot be read (e.g. closed underneath us) ends this directory
      fail(frame.parent, frame.name, new IOException(e.getMessage(), e));
      return null;
    }
  }

  /**
   * Pops a directory whose entries have all been visited and tells the visitor, relative to its
   * parent (reopened if it was closed). Returns the parent frame, or null at the top or when the
   * walk cannot safely go on.
   */
  private Frame leave(Frame frame) {
    Frame parent = frame.parent;
    SecureDirectoryStream<Path> parentDir = root;
    if (parent != null) {
      if (parent.dir == null && !reopen(parent, frame)) {
        return null;
      }
      parentDir = parent.dir;
    }
    open.remove(frame);
    close(frame.dir);
    frame.dir = null;
    try {
      visitor.left(parentDir, frame.name);
    } catch (NoSuchFileException gone) {
      // already removed
    } catch (IOException e) {
      if (!visitSwappedLink(parentDir, parent, frame.name)) {
        if (frame.failedBelow) {
          // not empty because something below could not go: that failure is the one reported
          markFailed(parent, frame.name);
        } else {
          fail(parent, frame.name, e);
        }
      }
    }
    if (frame.failedBelow && parent != null) {
      parent.failedBelow = true;
    }
    return parent;
  }

  /**
   * Reopens a closed directory as {@code ..} of its open child, refusing anything but the directory
   * that was left: the child's subtree may have been moved meanwhile.
   */
  private boolean reopen(Frame parent, Frame child) {
    SecureDirectoryStream<Path> up = null;
    try {
      up = child.dir.newDirectoryStream(PARENT, NOFOLLOW);
      if (!ownAttributes(up).fileKey().equals(parent.key)) {
        throw new FileSystemException(
            shown(parent.parent, parent.name), null, "moved while it was walked; stopped there");
      }
    } catch (IOException e) {
      close(up);
      visitor.failed(() -> shown(parent.parent, parent.name), e);
      for (Frame f = parent; f != null; f = f.parent) {
        f.failedBelow = true;
      }
      return false;
    }
    parent.hops = child.hops + 1;
    parent.dir = anchored(up, parent);
    parent.entries = null;
    open.addLast(parent);
    return true;
  }

  /**
   * The JDK names every directory handle and every entry it lists by a path string that grows with
   * each open made through it ({@code a/b/c/...}, and {@code .../..} on the way back up), and
   * copies and scans that string on every step: 100,000 levels down each step costs a 200 KB copy,
   * and the walk becomes quadratic (minutes instead of seconds). Every {@link #MAX_HOPS} opens, the
   * open directory is therefore reopened under a short name, {@code /proc/self/fd/N}, found by its
   * device and inode among this process's open descriptors. The reopened handle is used only if it
   * is that very directory (same device and inode); otherwise, or without {@code /proc}, the walk
   * goes on with the long name, only slower.
   */
  private static SecureDirectoryStream<Path> anchored(
      SecureDirectoryStream<Path> dir, Frame frame) {
    if (frame.hops < MAX_HOPS) {
      return dir;
    }
    try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(DESCRIPTORS)) {
      for (Path descriptor : descriptors) {
        SecureDirectoryStream<Path> anchor = reopenAs(descriptor, frame.key);
        if (anchor != null) {
          close(dir);
          frame.hops = 0;
          return anchor;
        }
      }
    } catch (IOException | DirectoryIteratorException noProc) {
      // no /proc: keep the long name
    }
    return dir;
  }

  private static SecureDirectoryStream<Path> reopenAs(Path descriptor, Object key) {
    try {
      // a descriptor's entry in /proc leads to the open file itself, not to a path looked up again
      if (!key.equals(Files.readAttributes(descriptor, BasicFileAttributes.class).fileKey())) {
        return null;
      }
      DirectoryStream<Path> stream = Files.newDirectoryStream(descriptor);
      if (stream instanceof SecureDirectoryStream<Path> dir
          && key.equals(ownAttributes(dir).fileKey())) {
        return dir;
      }
      stream.close();
    } catch (IOException | RuntimeException closedMeanwhile) {
      // another thread's descriptor that went away, or not a directory: not ours
    }
    return null;
  }

  /**
   * A directory that became a link (swapped while it was walked) is visited as the link it now is:
   * removed as an entry, never followed. Returns false if it is not a link.
   */
  private boolean visitSwappedLink(SecureDirectoryStream<Path> dir, Frame frame, Path name) {
    PosixFileAttributes now;
    try {
      now = attributes(dir, name);
    } catch (IOException e) {
      return false;
    }
    if (!now.isSymbolicLink()) {
      return false;
    }
    visit(dir, frame, name, now);
    return true;
  }

  private void fail(Frame frame, Path name, IOException e) {
    visitor.failed(() -> shown(frame, name), e);
    markFailed(frame, name);
  }

  /** The entry stays: a walk that removes must not list it again, nor its directory go. */
  private void markFailed(Frame frame, Path name) {
    if (frame == null) {
      return;
    }
    for (Frame f = frame; f != null; f = f.parent) {
      f.failedBelow = true;
    }
    if (!visitor.removes()) {
      return;
    }
    if (frame.failed == null) {
      frame.failed = new HashSet<>();
    }
    frame.failed.add(name);
    if (frame.failed.size() > MAX_FAILED_PER_DIRECTORY) {
      String where = shown(frame.parent, frame.name);
      visitor.failed(
          () -> where,
          new FileSystemException(
              where,
              null,
              "more than " + MAX_FAILED_PER_DIRECTORY + " entries could not be removed; gave up"));
      frame.entries = emptyIterator();
    }
  }

  private static Iterator<Path> emptyIterator() {
    return List.<Path>of().iterator();
  }

  /** Paths deeper than this are shown with their middle left out. */
  private static final int SHOWN_LEVELS = 24;

  /**
   * The path of an entry as a reader sees it: the root, then every directory name down to it; of a
   * very deep path only the top and the bottom, which say where it is.
   */
  private String shown(Frame frame, Path name) {
    int levels = frame == null ? 0 : frame.depth + 1;
    ArrayDeque<String> names = new ArrayDeque<>();
    names.addFirst(name.toString());
    boolean elided = false;
    for (Frame f = frame; f != null; f = f.parent) {
      boolean middle =
          levels > SHOWN_LEVELS
              && f.depth >= SHOWN_LEVELS / 2
              && f.depth < levels - SHOWN_LEVELS / 2;
      if (!middle) {
        names.addFirst(f.name.toString());
      } else if (!elided) {
        names.addFirst("...(" + (levels - SHOWN_LEVELS) + " levels)...");
        elided = true;
      }
    }
    StringBuilder shown = new StringBuilder(shownRoot.toString());
    for (String part : names) {
      shown.append('/').append(part);
    }
    return shown.toString();
  }

  private void closeAll() {
    for (Frame frame : open) {
      close(frame.dir);
      frame.dir = null;
    }
    open.clear();
  }

  private static void close(SecureDirectoryStream<Path> dir) {
    if (dir == null) {
      return;
    }
    try {
      dir.close();
    } catch (IOException ignored) {
      // closing a directory handle frees it whatever the error says
    }
  }

  static PosixFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name)
      throws IOException {
    return dir.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).readAttributes();
  }

  private static PosixFileAttributes ownAttributes(SecureDirectoryStream<Path> dir)
      throws IOException {
    return dir.getFileAttributeView(PosixFileAttributeView.class).readAttributes();
  }
}
