package dev.storekeeper.cleanup;

import dev.storekeeper.storage.SafeFiles.Removal;
import dev.storekeeper.storage.s3.DeleteOutcome;
import dev.storekeeper.storage.s3.ListEntry;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.ObjectStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A key prefix of the bucket ({@code {prefix}uploads/}, {@code {prefix}outputs/}) as an orphan
 * root. An entry is an object directly below it, or a common prefix ("directory", handle ending in
 * {@code /}) holding any number of objects: an output entry {@code outputs/{job_id}/}, or anything
 * else someone put there. A prefix's age is its newest object's {@code LastModified}, asked only
 * for entries that no job id claims.
 */
final class BucketRoot implements OrphanRoot {

  private final ObjectStore store;
  private final ObjectLocations locations;
  private final String prefix;
  private final boolean uploads;
  private final Iterable<ListEntry> listedAhead;

  BucketRoot(ObjectStore store, ObjectLocations locations, boolean uploads) {
    this(store, locations, uploads, null);
  }

  /**
   * A root whose entries are {@code listedAhead} (a listing of its prefix taken earlier in the run,
   * see {@link ListingAhead}) rather than listed when asked; null: listed when asked.
   */
  BucketRoot(
      ObjectStore store,
      ObjectLocations locations,
      boolean uploads,
      Iterable<ListEntry> listedAhead) {
    this.store = store;
    this.locations = locations;
    this.uploads = uploads;
    this.prefix = uploads ? store.keys().uploadsPrefix() : store.keys().outputsPrefix();
    this.listedAhead = listedAhead;
  }

  @Override
  public boolean uploads() {
    return uploads;
  }

  @Override
  public String path() {
    return locations.of(prefix.substring(0, prefix.length() - 1));
  }

  @Override
  public Iterator<Listed> list() {
    Iterator<ListEntry> entries =
        (listedAhead != null ? listedAhead : store.list(prefix)).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return entries.hasNext();
      }

      @Override
      public Listed next() {
        ListEntry entry = entries.next();
        String rest = entry.key().substring(prefix.length());
        if (entry instanceof ListEntry.StoredObject object) {
          return new Listed(rest, new Sized(object.key(), object.size()), object.lastModified());
        }
        return new Listed(rest.substring(0, rest.length() - 1), entry.key(), null);
      }
    };
  }

  /** The handle of an object: its key and the size the listing gave. */
  private record Sized(String key, long size) {}

  /** Objects below a prefix remembered from its age's listing, so removal need not list again. */
  private static final int CACHED_PER_PREFIX = ObjectStore.MAX_BATCH;

  /**
   * At most this many objects remembered in all: memory stays bounded whatever the bucket holds.
   */
  private static final int CACHED_IN_ALL = 50 * ObjectStore.MAX_BATCH;

  private final java.util.Map<String, List<ListEntry.StoredObject>> listedUnder =
      new java.util.HashMap<>();
  private int cached;

  @Override
  public boolean batches() {
    return true;
  }

  @Override
  public boolean listedAhead() {
    return listedAhead != null;
  }

  @Override
  public Optional<Instant> modified(Listed entry) {
    if (entry.modified() != null) {
      return Optional.of(entry.modified());
    }
    if (entry.handle() instanceof String directory) {
      Instant newest = null;
      List<ListEntry.StoredObject> objects = new ArrayList<>();
      for (ListEntry.StoredObject object : store.objectsUnder(directory)) {
        if (newest == null || object.lastModified().isAfter(newest)) {
          newest = object.lastModified();
        }
        if (objects != null) {
          objects.add(object);
          if (objects.size() > CACHED_PER_PREFIX) {
            objects = null;
          }
        }
      }
      // ages are asked on several threads at once (CleanupExecutor.aged)
      synchronized (listedUnder) {
        if (objects != null && cached + objects.size() <= CACHED_IN_ALL) {
          listedUnder.put(directory, objects);
          cached += objects.size();
        }
      }
      return Optional.ofNullable(newest);
    }
    return store.head(((Sized) entry.handle()).key()).map(ListEntry.StoredObject::lastModified);
  }

  @Override
  public Removal remove(Listed entry, boolean dryRun) {
    try {
      if (entry.handle() instanceof Sized object) {
        if (dryRun) {
          return new Removal(true, object.size(), 1, List.of());
        }
        return removal(object.size(), 1, store.delete(List.of(object.key())));
      }
      return removeUnder((String) entry.handle(), dryRun);
    } catch (ObjectStoreException | dev.storekeeper.storage.s3.UnsafeKeyException e) {
      return new Removal(true, 0, 0, List.of(locations.of(key(entry)) + ": " + e.getMessage()));
    }
  }

  /**
   * A batch of entries: the keys of its objects (an object's own, a prefix's from the listing its
   * age was read from, or listed now) go out together in DeleteObjects requests of up to 1,000
   * keys, 4 in flight, instead of a request per orphan; a key the store did not delete fails its
   * entry alone. A prefix with more objects than are remembered is removed page by page on its own.
   */
  @Override
  public List<Removal> removeAll(List<Listed> entries, boolean dryRun) {
    List<List<String>> keysOf = new ArrayList<>(entries.size());
    List<Removal> measured = new ArrayList<>(entries.size());
    List<String> all = new ArrayList<>();
    try {
      for (Listed entry : entries) {
        List<String> keys = new ArrayList<>();
        long bytes = 0;
        if (entry.handle() instanceof Sized object) {
          keys.add(object.key());
          bytes = object.size();
        } else {
          String directory = (String) entry.handle();
          List<ListEntry.StoredObject> objects;
          synchronized (listedUnder) {
            objects = listedUnder.remove(directory);
          }
          if (objects == null) {
            // too many to remember, or not aged through this root: on its own, page by page
            measured.add(remove(entry, dryRun));
            keysOf.add(List.of());
            continue;
          }
          for (ListEntry.StoredObject object : objects) {
            keys.add(object.key());
            bytes += object.size();
          }
        }
        measured.add(new Removal(!keys.isEmpty(), bytes, keys.size(), List.of()));
        keysOf.add(keys);
        all.addAll(keys);
      }
    } finally {
      synchronized (listedUnder) {
        listedUnder.clear();
        cached = 0;
      }
    }
    if (dryRun || all.isEmpty()) {
      return measured;
    }
    java.util.Map<String, String> failed = deleteAll(all);
    List<Removal> removals = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Removal removal = measured.get(i);
      List<String> errors = new ArrayList<>(removal.errors());
      errors.addAll(failuresOf(keysOf.get(i), failed));
      removals.add(new Removal(removal.existed(), removal.bytes(), removal.files(), errors));
    }
    return removals;
  }

  /**
   * Deletes keys together (DeleteObjects of up to 1,000 keys, several in flight): the keys not
   * deleted, each with why — every key, when the store could not be asked at all.
   */
  java.util.Map<String, String> deleteAll(List<String> keys) {
    java.util.Map<String, String> failed = new java.util.HashMap<>();
    try {
      for (DeleteOutcome.KeyError error : store.delete(keys).errors()) {
        failed.put(error.key(), failure(error));
      }
    } catch (ObjectStoreException e) {
      keys.forEach(key -> failed.put(key, e.getMessage()));
    }
    return failed;
  }

  /** Why each of {@code keys} was not deleted, for those {@link #deleteAll} did not delete. */
  static List<String> failuresOf(List<String> keys, java.util.Map<String, String> failed) {
    return keys.stream().map(failed::get).filter(java.util.Objects::nonNull).toList();
  }

  private String failure(DeleteOutcome.KeyError error) {
    return locations.of(error.key()) + ": " + error.code() + " " + error.message();
  }

  private static String key(Listed entry) {
    return entry.handle() instanceof Sized object ? object.key() : (String) entry.handle();
  }

  /** Every object below a prefix, a page at a time: measured, and deleted unless a dry run. */
  private Removal removeUnder(String directory, boolean dryRun) {
    long bytes = 0;
    long files = 0;
    List<String> errors = new ArrayList<>();
    List<String> page = new ArrayList<>();
    for (ListEntry.StoredObject object : store.objectsUnder(directory)) {
      bytes += object.size();
      files++;
      if (!dryRun) {
        page.add(object.key());
        if (page.size() == ObjectStore.MAX_BATCH) {
          errors.addAll(errors(store.delete(page)));
          page = new ArrayList<>();
        }
      }
    }
    if (!page.isEmpty()) {
      errors.addAll(errors(store.delete(page)));
    }
    return new Removal(files > 0, bytes, files, errors);
  }

  private Removal removal(long bytes, long files, DeleteOutcome outcome) {
    return new Removal(true, bytes, files, errors(outcome));
  }

  private List<String> errors(DeleteOutcome outcome) {
    return outcome.errors().stream().map(this::failure).toList();
  }

  @Override
  public Optional<Listed> entryAt(String stored) {
    return locations
        .keyOf(stored)
        .filter(key -> key.startsWith(prefix) && key.length() > prefix.length())
        .flatMap(
            key -> {
              String rest = key.substring(prefix.length());
              int slash = rest.indexOf('/');
              if (slash >= 0 && slash != rest.length() - 1) {
                return Optional.empty();
              }
              if (slash < 0 && uploads) {
                return store
                    .head(key)
                    .map(
                        object ->
                            new Listed(rest, new Sized(key, object.size()), object.lastModified()));
              }
              String name = slash < 0 ? rest : rest.substring(0, slash);
              Listed directory = new Listed(name, prefix + name + "/", null);
              return modified(directory)
                  .map(when -> new Listed(directory.name(), directory.handle(), when));
            });
  }

  @Override
  public Optional<String> firstComponentOf(String stored) {
    return locations
        .keyOf(stored)
        .filter(key -> key.startsWith(prefix) && key.length() > prefix.length())
        .map(
            key -> {
              String rest = key.substring(prefix.length());
              int slash = rest.indexOf('/');
              return slash < 0 ? rest : rest.substring(0, slash);
            });
  }
}
