package dev.storekeeper.cleanup;

import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.SafeFiles.Removal;
import dev.storekeeper.storage.StoredPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A data directory as an orphan root. The handle of an entry is its name as the directory listed it
 * (a {@code Path}): a name that is not valid in the platform encoding survives only so, its String
 * form naming a different file or none.
 */
final class DirectoryRoot implements OrphanRoot {

  private final Path root;
  private final boolean uploads;
  private final BiConsumer<Path, Exception> uninspectable;

  /** {@code uninspectable}: told of an entry whose attributes cannot be read (it is skipped). */
  DirectoryRoot(Path root, boolean uploads, BiConsumer<Path, Exception> uninspectable) {
    this.root = root;
    this.uploads = uploads;
    this.uninspectable = uninspectable;
  }

  Path root() {
    return root;
  }

  @Override
  public boolean uploads() {
    return uploads;
  }

  @Override
  public String path() {
    return root.toString();
  }

  @Override
  public String pathOf(String name) {
    return root.resolve(name).toString();
  }

  @Override
  public Iterator<Listed> list() throws IOException {
    DirectoryStream<Path> listing = Files.newDirectoryStream(root);
    Iterator<Path> entries = listing.iterator();
    return new Iterator<>() {
      private Listed next;

      @Override
      public boolean hasNext() {
        while (next == null) {
          boolean more;
          try {
            more = entries.hasNext();
          } catch (DirectoryIteratorException e) {
            close();
            throw new UncheckedIOException(e.getCause());
          }
          if (!more) {
            close();
            return false;
          }
          Path entry = entries.next();
          try {
            Instant modified =
                Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .lastModifiedTime()
                    .toInstant();
            Path file = entry.getFileName();
            next = new Listed(file.toString(), file, modified);
          } catch (NoSuchFileException gone) {
            // removed since it was listed
          } catch (IOException | RuntimeException e) {
            uninspectable.accept(entry, e);
          }
        }
        return true;
      }

      @Override
      public Listed next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Listed taken = next;
        next = null;
        return taken;
      }

      private void close() {
        try {
          listing.close();
        } catch (IOException ignored) {
          // nothing was written through it
        }
      }
    };
  }

  @Override
  public Optional<Instant> modified(Listed entry) {
    try {
      return Optional.of(
          Files.readAttributes(
                  root.resolve((Path) entry.handle()),
                  BasicFileAttributes.class,
                  LinkOption.NOFOLLOW_LINKS)
              .lastModifiedTime()
              .toInstant());
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
  }

  @Override
  public Removal remove(Listed entry, boolean dryRun) {
    Path name = (Path) entry.handle();
    try {
      return SafeFiles.remove(root, name, dryRun);
    } catch (Throwable unexpected) {
      if (unexpected instanceof VirtualMachineError fatal
          && !(fatal instanceof StackOverflowError)) {
        throw fatal;
      }
      // one entry's unexpected failure is that entry's alone
      return new Removal(
          true, 0, 0, List.of(root.resolve(name) + ": internal error: " + unexpected));
    }
  }

  @Override
  public Optional<Listed> entryAt(String stored) {
    return StoredPaths.entryIn(root, stored)
        .flatMap(
            name -> {
              Listed entry = new Listed(name.toString(), name, null);
              return modified(entry).map(when -> new Listed(name.toString(), name, when));
            });
  }

  @Override
  public Optional<String> firstComponentOf(String stored) {
    return StoredPaths.firstComponentIn(root, stored).map(Path::toString);
  }
}
