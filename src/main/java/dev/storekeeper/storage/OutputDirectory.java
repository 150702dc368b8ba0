package dev.storekeeper.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A job's output directory as the processor left it, read and written without following anything
 * the processor made: by the processors (metrics, log, results) and by output downloads.
 *
 * <p>The processor runs as the service user and may leave anything behind: {@code metrics.csv} as a
 * symbolic link to a file of the service user's, {@code logs} as a link to another directory, a
 * FIFO that blocks whoever opens it, a hard link to a file elsewhere on the volume, or the output
 * directory itself swapped for a link. Following any of those would leak the target into the job
 * (the log tail becomes the job's error message, metric notes quote values) or write our notes into
 * the target.
 *
 * <p>So the directory is opened relative to the outputs root with {@code O_NOFOLLOW} ({@link
 * SecureDirectoryStream}), and so is every directory below it. A file is used only if {@code lstat}
 * relative to its open directory shows a regular file with exactly one link; it is then opened
 * relative to that directory with {@link LinkOption#NOFOLLOW_LINKS} and must still be the same file
 * afterwards. Checking the type first is what keeps a FIFO from blocking the worker: Java cannot
 * open with {@code O_NONBLOCK}. The remaining window, a regular file swapped for a FIFO between the
 * check and the open, needs a process the processor left running; if it is hit, the job fails with
 * {@code PROCESSING_TIMEOUT}, the worker goes on, and one processor thread stays blocked until
 * something writes to the FIFO.
 *
 * <p>Java exposes the link count only by path, so it is read by path and trusted only when the file
 * key (device and inode) read by path equals the one read relative to the open directory: the count
 * belongs to the inode, whichever way it was reached.
 */
public final class OutputDirectory implements Closeable {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** What a name in the output directory is, as far as reading or appending to it goes. */
  public enum Kind {
    MISSING("does not exist"),
    FILE("is a regular file"),
    LINK("is a symbolic link"),
    DIRECTORY("is a directory"),
    SPECIAL("is not a regular file (a FIFO, socket or device)"),
    HARD_LINKED("has more than one link (a hard link to a file elsewhere)");

    private final String text;

    Kind(String text) {
      this.text = text;
    }
  }

  /**
   * What {@code name} is; when a directory on the way to it is not a plain directory, {@code shown}
   * names that directory and {@code kind} says what it is instead.
   */
  public record Entry(String shown, Kind kind, Object fileKey) {
    public String describe() {
      return shown + " " + kind.text;
    }
  }

  /** The entry was not a regular file of the processor's own, or changed while it was opened. */
  public static final class NotAPlainFileException extends IOException {
    NotAPlainFileException(String message) {
      super(message);
    }
  }

  private final Path path;
  private final SecureDirectoryStream<Path> dir;

  private OutputDirectory(Path path, SecureDirectoryStream<Path> dir) {
    this.path = path;
    this.dir = dir;
  }

  /**
   * Opens {@code outputDir} relative to its parent, the outputs root, without following a link.
   *
   * @throws NotAPlainFileException if it is a link, missing, or not a directory
   */
  public static OutputDirectory open(Path outputDir) throws IOException {
    Path name = outputDir.getFileName();
    try (SecureDirectoryStream<Path> root =
        secure(Files.newDirectoryStream(outputDir.getParent()))) {
      Kind kind = kind(root, name);
      if (kind != Kind.DIRECTORY) {
        throw new NotAPlainFileException(
            "the output directory " + outputDir + " " + kind.text + " instead of a directory");
      }
      return new OutputDirectory(outputDir, root.newDirectoryStream(name, NOFOLLOW));
    }
  }

  private static SecureDirectoryStream<Path> secure(DirectoryStream<Path> stream)
      throws IOException {
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException(
        "This platform offers no SecureDirectoryStream; refusing to read processor output by path");
  }

  /** What {@code relative} ({@code a/b}, forward slashes) is, without following anything. */
  public Entry inspect(String relative) throws IOException {
    try (Container container = container(relative)) {
      return container.blocked() != null
          ? container.blocked()
          : entry(container.dir(), relative, container.name());
    }
  }

  /**
   * Opens a regular file the processor wrote for reading.
   *
   * @throws NotAPlainFileException if it is anything else (the message says what)
   */
  public SeekableByteChannel read(String relative) throws IOException {
    return open(relative, false);
  }

  /**
   * Opens a regular file for appending, creating it if it is missing (its directory must exist).
   *
   * @throws NotAPlainFileException if it is anything else (the message says what)
   */
  public SeekableByteChannel append(String relative) throws IOException {
    return open(relative, true);
  }

  private SeekableByteChannel open(String relative, boolean append) throws IOException {
    try (Container container = container(relative)) {
      if (container.blocked() != null) {
        throw new NotAPlainFileException(
            container.blocked().describe() + " instead of a directory");
      }
      SecureDirectoryStream<Path> parent = container.dir();
      Path name = container.name();
      Entry before = entry(parent, relative, name);
      if (append && before.kind() == Kind.MISSING) {
        // O_CREAT|O_EXCL creates nothing through a link that appeared meanwhile: it fails instead
        return parent.newByteChannel(
            name,
            Set.of(
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE,
                StandardOpenOption.APPEND,
                NOFOLLOW));
      }
      if (before.kind() != Kind.FILE) {
        throw new NotAPlainFileException(before.describe());
      }
      Set<OpenOption> options =
          append
              ? Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, NOFOLLOW)
              : Set.of(StandardOpenOption.READ, NOFOLLOW);
      SeekableByteChannel channel = parent.newByteChannel(name, options);
      Object after;
      try {
        after = attributes(parent, name).fileKey();
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      if (!Objects.equals(before.fileKey(), after)) {
        channel.close();
        throw new NotAPlainFileException(relative + " was replaced while it was being opened");
      }
      return channel;
    }
  }

  /**
   * The open directory that holds the last component of {@code relative} and that component's name;
   * or, when a directory on the way is not a plain directory, what it is instead.
   */
  private record Container(SecureDirectoryStream<Path> dir, Path name, Entry blocked, boolean own)
      implements Closeable {
    @Override
    public void close() throws IOException {
      if (own) {
        dir.close();
      }
    }
  }

  private Container container(String relative) throws IOException {
    String[] parts = relative.split("/");
    SecureDirectoryStream<Path> current = dir;
    StringBuilder shown = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      Path part = Path.of(parts[i]);
      shown.append(parts[i]);
      Kind kind;
      SecureDirectoryStream<Path> next = null;
      try {
        kind = kind(current, part);
        if (kind == Kind.DIRECTORY) {
          next = current.newDirectoryStream(part, NOFOLLOW);
        }
      } finally {
        if (current != dir) {
          current.close();
        }
      }
      if (next == null) {
        return new Container(dir, null, new Entry(shown.toString(), kind, null), false);
      }
      current = next;
      shown.append('/');
    }
    return new Container(current, Path.of(parts[parts.length - 1]), null, current != dir);
  }

  private Entry entry(SecureDirectoryStream<Path> container, String relative, Path entry)
      throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = attributes(container, entry);
    } catch (NoSuchFileException e) {
      return new Entry(relative, Kind.MISSING, null);
    }
    Kind kind = kind(attributes);
    if (kind != Kind.FILE) {
      return new Entry(relative, kind, attributes.fileKey());
    }
    Map<String, Object> byPath =
        Files.readAttributes(path.resolve(relative), "unix:nlink,fileKey", NOFOLLOW);
    if (!Objects.equals(byPath.get("fileKey"), attributes.fileKey())) {
      throw new NotAPlainFileException(relative + " was replaced while it was being checked");
    }
    int links = ((Number) byPath.get("nlink")).intValue();
    return new Entry(relative, links == 1 ? Kind.FILE : Kind.HARD_LINKED, attributes.fileKey());
  }

  private static Kind kind(SecureDirectoryStream<Path> container, Path entry) throws IOException {
    try {
      return kind(attributes(container, entry));
    } catch (NoSuchFileException e) {
      return Kind.MISSING;
    }
  }

  private static Kind kind(BasicFileAttributes attributes) {
    if (attributes.isSymbolicLink()) {
      return Kind.LINK;
    }
    if (attributes.isDirectory()) {
      return Kind.DIRECTORY;
    }
    return attributes.isRegularFile() ? Kind.FILE : Kind.SPECIAL;
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> container, Path entry)
      throws IOException {
    return container
        .getFileAttributeView(entry, BasicFileAttributeView.class, NOFOLLOW)
        .readAttributes();
  }

  @Override
  public void close() throws IOException {
    dir.close();
  }
}
