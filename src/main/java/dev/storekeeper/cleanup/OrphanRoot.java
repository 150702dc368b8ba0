package dev.storekeeper.cleanup;

import dev.storekeeper.storage.SafeFiles.Removal;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * One place the orphan sweep lists: a directory ({@code uploads/}, {@code outputs/}) or a key
 * prefix of the bucket. Entries are named as the reference names them ({@code {job_id}_{name}},
 * {@code {job_id}}), and stored paths ({@code file_path}, {@code result_path}) name them as {@link
 * #pathOf} does, so the claim's reference checks compare the same strings on both backends.
 */
interface OrphanRoot {

  /** An entry as listed: its name, a handle for removal, when it last changed (null: ask). */
  record Listed(String name, Object handle, Instant modified) {}

  boolean uploads();

  /** The root as stored paths begin: a directory's absolute path, or {@code s3://bucket/...}. */
  String path();

  default String pathOf(String name) {
    return path() + "/" + name;
  }

  /** The entries directly in the root, lazily. */
  Iterator<Listed> list() throws IOException;

  /** When an entry last changed (for a prefix, its newest object); empty when it is gone. */
  Optional<Instant> modified(Listed entry);

  /** Removes an entry (a dry run measures it), whatever it holds, following nothing. */
  Removal remove(Listed entry, boolean dryRun);

  /**
   * Whether every look is a request of its own (the bucket): {@link #removeAll} removes many
   * entries cheaper than one by one, and ages are asked several at once.
   */
  default boolean batches() {
    return false;
  }

  /**
   * Whether the entries were listed before the run's own deletions of jobs had finished: then an
   * entry may belong to a job this run has removed since (its row gone with it), which is not an
   * orphan.
   */
  default boolean listedAhead() {
    return false;
  }

  /** Removes entries (a dry run measures them); one removal per entry, in order. */
  default List<Removal> removeAll(List<Listed> entries, boolean dryRun) {
    List<Removal> removals = new ArrayList<>(entries.size());
    for (Listed entry : entries) {
      removals.add(remove(entry, dryRun));
    }
    return removals;
  }

  /** The entry a stored path names directly, if it is one of this root's. */
  Optional<Listed> entryAt(String stored);

  /** The name of the entry a stored path lies in or below, if it lies in this root. */
  Optional<String> firstComponentOf(String stored);
}
