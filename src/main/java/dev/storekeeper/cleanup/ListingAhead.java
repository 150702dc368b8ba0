package dev.storekeeper.cleanup;

import dev.storekeeper.storage.s3.ListEntry;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.SpooledListing;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orphan sweep's listing of the bucket's {@code outputs/}, taken on a thread of its own while
 * the run deletes expired jobs, and kept in a file ({@link SpooledListing}) until the sweep reads
 * it.
 *
 * <p>Why: a store that keeps keys in directories answers a listing by reading the directory (CPU),
 * and deletes by unlinking files (the disk); one after the other they add up, side by side the
 * listing is mostly hidden in the deletions' waits.
 *
 * <p>Why {@code outputs/} alone: the sweep sees the listing as it was when taken, and only an
 * output entry is looked at again before anything is decided — a prefix's age is a listing of its
 * own, which finds nothing where the run's deletions took everything. An entry named by a job the
 * run deleted is skipped by the run's ledger ({@link OrphanRoot#listedAhead}), not asked; objects
 * written since the listing are younger than the orphan grace, which a later run sees. An upload is
 * an object whose age the listing gives: a stale one (the upload of a job the run deleted, named by
 * another id or by no id at all) would be taken for an orphan or a foreign file, so {@code
 * uploads/} is listed when the sweep gets to it.
 */
final class ListingAhead implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ListingAhead.class);

  private final SpooledListing outputs;
  private final Thread lister;

  private ListingAhead(SpooledListing outputs, ObjectStore store) {
    this.outputs = outputs;
    this.lister =
        new Thread(
            () -> outputs.fill(store.list(store.keys().outputsPrefix())), "cleanup-list-ahead");
    lister.setDaemon(true);
  }

  /**
   * Starts listing {@code outputs/} into a file in {@code directory}; empty when it cannot be made
   * there (the sweep then lists when it gets to it, as without this).
   */
  static Optional<ListingAhead> start(ObjectStore store, Path directory) {
    try {
      ListingAhead ahead = new ListingAhead(new SpooledListing(directory), store);
      ahead.lister.start();
      return Optional.of(ahead);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "Cannot keep the orphan sweep's listing in {} ({}); listing when the sweep starts",
          directory,
          e.toString());
      return Optional.empty();
    }
  }

  /** The entries of {@code outputs/} as listed. */
  Iterable<ListEntry> outputs() {
    return outputs;
  }

  /** Stops the listing where it is (a run that ends early) and releases the file. */
  @Override
  public void close() {
    try {
      outputs.close();
    } catch (IOException e) {
      log.debug("Closing the listing of outputs/: {}", e.toString());
    }
    // a page on its way ends the listing thread's wait early; it writes nothing more
    lister.interrupt();
  }
}
