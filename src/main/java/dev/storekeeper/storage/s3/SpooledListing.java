package dev.storekeeper.storage.s3;

import dev.storekeeper.storage.s3.ListEntry.CommonPrefix;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A listing written to a file as fast as the store answers, and read back in the same order while
 * it is still being written: the orphan sweep's listing taken while the run's deletions keep the
 * store busy with something else, in memory that does not grow with the listing (a few buffers),
 * whatever the bucket holds.
 *
 * <p>The file is unlinked as soon as it is open: nothing is left behind by a process that is
 * killed, and the space is the filesystem's again when the spool is closed.
 *
 * <p>One writer ({@link #fill}, on a thread of its own) and one reader ({@link #iterator}, once).
 * The reader sees the entries in the order the source gave them, waits for the writer when it has
 * caught up, and, when the source failed, throws that failure after every entry written before it,
 * as the source itself would have.
 */
public final class SpooledListing implements Iterable<ListEntry>, Closeable {

  private static final byte OBJECT = 0;
  private static final byte PREFIX = 1;

  /** Entries written between two publications: the reader waits at most this far behind. */
  private static final int PUBLISH_EVERY = 256;

  private final Path file;
  private final DataOutputStream out;
  private final DataInputStream in;
  private final Object lock = new Object();

  private long written; // entries the reader may read (flushed to the file); guarded by lock
  private boolean done; // guarded by lock
  private RuntimeException failure; // guarded by lock
  private volatile boolean closed;
  private boolean iterated;

  /** Creates the spool's file in {@code directory} (created if missing), already unlinked. */
  public SpooledListing(Path directory) throws IOException {
    Files.createDirectories(directory);
    this.file = Files.createTempFile(directory, ".listing-", ".spool");
    DataOutputStream writer = null;
    try {
      writer =
          new DataOutputStream(
              new BufferedOutputStream(new FileOutputStream(file.toFile()), 64 * 1024));
      this.in =
          new DataInputStream(
              new BufferedInputStream(new FileInputStream(file.toFile()), 64 * 1024));
      this.out = writer;
    } catch (IOException | RuntimeException e) {
      if (writer != null) {
        writer.close();
      }
      Files.deleteIfExists(file);
      throw e;
    }
    Files.deleteIfExists(file);
  }

  /**
   * Writes every entry of {@code source} to the spool; the writer's side, called once. Returns when
   * the source is exhausted, has failed (the reader gets the failure at its place), or the spool
   * was closed.
   */
  public void fill(Iterable<ListEntry> source) {
    RuntimeException failed = null;
    long count = 0;
    try {
      Iterator<ListEntry> entries = source.iterator();
      while (!closed && entries.hasNext()) {
        write(entries.next());
        if (++count % PUBLISH_EVERY == 0) {
          publish(count, false, null);
        }
      }
    } catch (IOException e) {
      failed =
          new ObjectStoreException(
              "cannot keep the listing in " + file.getParent() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      failed = e;
    } catch (Error e) {
      failed = new ObjectStoreException("listing failed: " + e, e);
      publishQuietly(count, failed);
      throw e;
    }
    publishQuietly(count, failed);
  }

  private void write(ListEntry entry) throws IOException {
    if (entry instanceof StoredObject object) {
      out.writeByte(OBJECT);
      out.writeUTF(object.key());
      out.writeLong(object.size());
      out.writeLong(object.lastModified().getEpochSecond());
      out.writeInt(object.lastModified().getNano());
    } else {
      out.writeByte(PREFIX);
      out.writeUTF(entry.key());
    }
  }

  private void publishQuietly(long count, RuntimeException failed) {
    try {
      publish(count, true, failed);
    } catch (IOException e) {
      // the last entries never reached the file: the reader stops where the file does
      synchronized (lock) {
        done = true;
        failure =
            new ObjectStoreException(
                "cannot keep the listing in " + file.getParent() + ": " + e.getMessage(), e);
        lock.notifyAll();
      }
    }
  }

  private void publish(long count, boolean last, RuntimeException failed) throws IOException {
    out.flush();
    synchronized (lock) {
      written = count;
      if (last) {
        done = true;
        failure = failed;
      }
      lock.notifyAll();
    }
  }

  /** The entries in the source's order, waiting for the writer when they are not written yet. */
  @Override
  public Iterator<ListEntry> iterator() {
    synchronized (lock) {
      if (iterated) {
        throw new IllegalStateException("a spooled listing is read once");
      }
      iterated = true;
    }
    return new Iterator<>() {
      private long read;

      @Override
      public boolean hasNext() {
        synchronized (lock) {
          while (read == written && !done && !closed) {
            try {
              lock.wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new ObjectStoreException("interrupted while waiting for the listing", e);
            }
          }
          if (closed) {
            throw new IllegalStateException("the spooled listing was closed");
          }
          if (read < written) {
            return true;
          }
          if (failure != null) {
            throw failure;
          }
          return false;
        }
      }

      @Override
      public ListEntry next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          ListEntry entry = readEntry();
          read++;
          return entry;
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the listing back from " + file, e);
        }
      }
    };
  }

  private ListEntry readEntry() throws IOException {
    byte kind = in.readByte();
    String key = in.readUTF();
    if (kind == PREFIX) {
      return new CommonPrefix(key);
    }
    long size = in.readLong();
    long seconds = in.readLong();
    int nanos = in.readInt();
    return new StoredObject(key, size, Instant.ofEpochSecond(seconds, nanos));
  }

  /** Stops the writer at its next entry and releases the file; a waiting reader is woken. */
  @Override
  public void close() throws IOException {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    try {
      in.close();
    } finally {
      // the writer may be inside a write: closing under it makes it fail, which ends it too
      out.close();
    }
  }
}
