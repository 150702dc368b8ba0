package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.storage.s3.ListEntry.CommonPrefix;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The partitioned listing against a model of a store's ListObjectsV2 (prefix, delimiter {@code /},
 * start-after, continuation, page size), in S3's order (code points, as UTF-8 bytes sort) and in
 * S3Proxy's (UTF-16 units): every key once, in the order of the whole listing, whatever the names.
 */
class PartitionedListingTest {

  private static final String P = "sk/uploads/";

  /** First characters of names: every part, its edges, and what sorts differently by encoding. */
  private static final String[] FIRSTS = {
    "",
    " ",
    "\n",
    "\u0001",
    "!",
    "#",
    "%",
    ".",
    "/",
    "0",
    "5",
    "9",
    ":",
    "@",
    "A",
    "Z",
    "_",
    "`",
    "a",
    "c",
    "f",
    "g",
    "z",
    "~",
    "\u007f",
    "\u00e9",
    "\uFFFD",
    "\uD83E\uDDE0",
    "\uE000"
  };

  private static final Comparator<String> UTF16 = Comparator.naturalOrder();

  /** Parts are fetched on other threads, as ObjectStore fetches them. */
  private static final java.util.concurrent.ExecutorService POOL =
      java.util.concurrent.Executors.newFixedThreadPool(
          4,
          task -> {
            Thread thread = new Thread(task, "listing-test");
            thread.setDaemon(true);
            return thread;
          });

  private static final Comparator<String> CODE_POINTS =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int x = a.codePointAt(i);
          int y = b.codePointAt(j);
          if (x != y) {
            return Integer.compare(x, y);
          }
          i += Character.charCount(x);
          j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  /** A store: its keys, the page size it answers with, and the requests it was sent. */
  private static final class Store {
    final NavigableSet<String> keys;
    final int pageSize;
    final AtomicInteger requests = new AtomicInteger();
    final List<String> prefixes = new ArrayList<>();

    /** Runs before each request is answered: what other clients write meanwhile. */
    Consumer<NavigableSet<String>> meanwhile = keys -> {};

    Store(Comparator<? super String> order, int pageSize) {
      this.keys = new TreeSet<>(order);
      this.pageSize = pageSize;
    }

    synchronized PartitionedListing.Page page(String prefix, String after, boolean afterPrefix) {
      meanwhile.accept(keys);
      requests.incrementAndGet();
      prefixes.add(prefix);
      List<ListEntry> page = new ArrayList<>();
      boolean truncated = false;
      for (String key : after == null ? keys : keys.tailSet(after, false)) {
        if (!key.startsWith(prefix) || afterPrefix && key.startsWith(after)) {
          continue;
        }
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        ListEntry entry =
            slash < 0
                ? new StoredObject(key, 1, Instant.EPOCH)
                : new CommonPrefix(prefix + rest.substring(0, slash + 1));
        if (!page.isEmpty() && page.get(page.size() - 1).equals(entry)) {
          continue; // rolled up into the common prefix just listed
        }
        if (page.size() == pageSize) {
          truncated = true;
          break;
        }
        page.add(entry);
      }
      return new PartitionedListing.Page(page, truncated);
    }

    /** A listing page by page with continuation, as ObjectStore.Pages fetches it. */
    Iterator<ListEntry> open(String prefix, String startAfter) {
      return new Iterator<>() {
        Iterator<ListEntry> page = List.<ListEntry>of().iterator();
        String cursor = startAfter;
        boolean cursorIsPrefix;
        boolean last;

        @Override
        public boolean hasNext() {
          while (!page.hasNext() && !last) {
            PartitionedListing.Page fetched = page(prefix, cursor, cursorIsPrefix);
            last = !fetched.truncated();
            if (!fetched.entries().isEmpty()) {
              ListEntry end = fetched.entries().get(fetched.entries().size() - 1);
              cursor = end.key();
              cursorIsPrefix = end instanceof CommonPrefix;
            }
            page = fetched.entries().iterator();
          }
          return page.hasNext();
        }

        @Override
        public ListEntry next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return page.next();
        }
      };
    }

    /**
     * The model's continuation token: the last entry of the page, and whether it is a common prefix
     * (whose keys the next page skips).
     */
    synchronized PartitionedListing.Fetched fetch(
        String prefix, String startAfter, String continuation) {
      boolean afterPrefix = continuation != null && continuation.startsWith("/");
      String after = continuation == null ? startAfter : continuation.substring(1);
      PartitionedListing.Page page = page(prefix, after, afterPrefix);
      if (!page.truncated()) {
        return new PartitionedListing.Fetched(page.entries(), null);
      }
      ListEntry end = page.entries().get(page.entries().size() - 1);
      return new PartitionedListing.Fetched(
          page.entries(), (end instanceof CommonPrefix ? "/" : "-") + end.key());
    }

    PartitionedListing listing(java.util.concurrent.Executor executor, int ahead) {
      return new PartitionedListing(P, () -> page(P, null, false), this::fetch, executor, ahead);
    }

    List<ListEntry> partitioned() {
      List<ListEntry> listed = new ArrayList<>();
      listing(POOL, 4).forEachRemaining(listed::add);
      return listed;
    }

    /** The whole listing as one store answers it in one page of unbounded size. */
    List<ListEntry> whole() {
      List<ListEntry> listed = new ArrayList<>();
      open(P, null).forEachRemaining(listed::add);
      return listed;
    }
  }

  private static String name(Random random) {
    StringBuilder name = new StringBuilder(FIRSTS[random.nextInt(FIRSTS.length)]);
    int more = random.nextInt(4);
    for (int i = 0; i < more; i++) {
      name.append(FIRSTS[random.nextInt(FIRSTS.length)]);
    }
    if (random.nextInt(3) == 0) {
      name.append(Integer.toHexString(random.nextInt(4096)));
    }
    if (random.nextInt(4) == 0) {
      name.append('/').append(random.nextInt(3)); // an output "directory"
    }
    return name.toString();
  }

  private static Store filled(Comparator<String> order, int pageSize, Random random, int keys) {
    Store store = new Store(order, pageSize);
    store.keys.add("sk/outputs/x"); // beside the prefix: never listed
    store.keys.add("sk/uploadsX");
    for (int i = 0; i < keys; i++) {
      store.keys.add(P + name(random));
    }
    return store;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void yieldsEveryEntryOnceInTheWholeListingsOrderWhateverTheNames(boolean s3Order) {
    Random random = new Random(42);
    for (int round = 0; round < 400; round++) {
      int pageSize = 1 + random.nextInt(4);
      Store store = filled(s3Order ? CODE_POINTS : UTF16, pageSize, random, random.nextInt(60));
      Store unpaged = new Store(store.keys.comparator(), Integer.MAX_VALUE);
      unpaged.keys.addAll(store.keys);
      List<ListEntry> whole = unpaged.whole();

      assertThat(store.partitioned())
          .as("round %d, page size %d", round, pageSize)
          .isEqualTo(whole);
    }
  }

  @Test
  void aListingOfOnePageIsThatPageAlone() {
    Store store = new Store(CODE_POINTS, 1000);
    for (int i = 0; i < 1000; i++) {
      store.keys.add(P + Integer.toHexString(i * 4099) + "_scan.nii");
    }

    assertThat(store.partitioned()).hasSize(1000);
    assertThat(store.requests).hasValue(1);
  }

  @Test
  void aLongListingCostsItsPagesPlusAtMostEighteenRequests() {
    Random random = new Random(7);
    Store store = new Store(CODE_POINTS, 100);
    for (int i = 0; i < 5000; i++) {
      store.keys.add(P + new java.util.UUID(random.nextLong(), random.nextLong()) + "_t1.nii");
    }

    assertThat(store.partitioned()).hasSize(5000);
    // the first page, ~313 keys a shard in 4 pages each, two ranges
    assertThat(store.requests.get()).isBetween(5000 / 100 + 1, 5000 / 100 + 1 + 18 + 16);
    // no page of a shard asks for the whole prefix: only the first page and the two ranges do
    assertThat(store.prefixes.stream().filter(P::equals)).hasSize(3);
  }

  @Test
  void keysWrittenAndDeletedWhileListingNeverComeTwiceAndThoseThatStayComeOnce() {
    Random random = new Random(11);
    for (int round = 0; round < 300; round++) {
      Store store = filled(round % 2 == 0 ? CODE_POINTS : UTF16, 1 + random.nextInt(3), random, 40);
      Set<String> throughout = new HashSet<>(store.keys);
      Set<String> ever = new HashSet<>(store.keys);
      store.meanwhile =
          keys -> {
            String added = P + name(random);
            keys.add(added);
            ever.add(added);
            if (!keys.isEmpty() && random.nextBoolean()) {
              String gone = keys.higher(P + name(random));
              if (gone != null) {
                keys.remove(gone);
                throughout.remove(gone);
              }
            }
          };

      List<ListEntry> listed = store.partitioned();

      assertThat(listed).as("round %d: no entry twice", round).doesNotHaveDuplicates();
      Set<String> shown = new HashSet<>();
      listed.forEach(entry -> shown.add(entry.key()));
      for (String key : throughout) {
        if (key.startsWith(P)) {
          String rest = key.substring(P.length());
          String entry = rest.contains("/") ? P + rest.substring(0, rest.indexOf('/') + 1) : key;
          assertThat(shown).as("round %d: %s stayed throughout", round, key).contains(entry);
        }
      }
      for (ListEntry entry : listed) {
        assertThat(ever.stream().anyMatch(key -> key.startsWith(entry.key())))
            .as("round %d: %s existed", round, entry.key())
            .isTrue();
      }
    }
  }

  /**
   * On the reader's thread: every fetch runs when it is started, so requests are counted exactly.
   */
  private static final java.util.concurrent.Executor AT_ONCE = Runnable::run;

  @Test
  void asksNothingBeforeTheFirstEntryAndHoldsAtMostTwoPagesAheadInEachPartItLists() {
    Store store = new Store(CODE_POINTS, 2);
    for (int i = 0; i < 9; i++) {
      store.keys.add(P + "0" + i + "_scan.nii");
      store.keys.add(P + "1" + i + "_scan.nii");
    }
    Iterator<ListEntry> entries = store.listing(AT_ONCE, 2);

    assertThat(store.requests).hasValue(0);
    entries.next();
    // the first page (it reached shard 0: listed again from its start), two pages of shard 0 and
    // two of shard 1 (two parts listed at once), and one more of shard 0 once its first was taken
    assertThat(store.requests).hasValue(1 + 2 + 2 + 1);
    entries.next();
    assertThat(store.requests).hasValue(6);
    entries.next();
    assertThat(store.requests).hasValue(7);
    List<ListEntry> rest = new ArrayList<>();
    entries.forEachRemaining(rest::add);
    assertThat(rest).hasSize(18 - 3);
    // each page once: shards 0 and 1 in 5 pages each, 14 shards and 2 ranges in one each
    assertThat(store.requests).hasValue(1 + 5 + 5 + 14 + 2);
  }

  @Test
  void aFailedFetchFailsTheReaderAtItsPlaceAndNotBefore() {
    Store store = new Store(CODE_POINTS, 2);
    for (int i = 0; i < 6; i++) {
      store.keys.add(P + "0" + i + "_scan.nii");
      store.keys.add(P + "c" + i + "_scan.nii");
    }
    PartitionedListing.Pager failing =
        (prefix, startAfter, continuation) -> {
          if (prefix.equals(P + "c")) {
            throw new ObjectStoreException("S3_ENDPOINT: listing refused", null);
          }
          return store.fetch(prefix, startAfter, continuation);
        };
    Iterator<ListEntry> entries =
        new PartitionedListing(P, () -> store.page(P, null, false), failing, POOL, 4);

    List<String> read = new ArrayList<>();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> entries.forEachRemaining(entry -> read.add(entry.key())))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("listing refused");
    // every entry before the failing part came, in order
    assertThat(read).hasSize(6).allMatch(key -> key.startsWith(P + "0"));
  }

  @Test
  // a fetch refused by a closed pool used to leave its part "fetching" for ever: the reader hung
  @org.junit.jupiter.api.Timeout(20)
  void aListingWhoseStoreIsClosedMeanwhileFailsTheReaderNamingThePartItStoppedAt() {
    Store store = new Store(CODE_POINTS, 2);
    for (int i = 0; i < 6; i++) {
      store.keys.add(P + "0" + i + "_scan.nii");
      store.keys.add(P + "c" + i + "_scan.nii");
    }
    java.util.concurrent.ExecutorService closing =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    Iterator<ListEntry> entries =
        new PartitionedListing(P, () -> store.page(P, null, false), store::fetch, closing, 1);
    List<String> read = new ArrayList<>();
    read.add(entries.next().key());

    closing.shutdown(); // as ObjectStore.close does to its listing threads

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> entries.forEachRemaining(entry -> read.add(entry.key())))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageMatching("the listing of sk/uploads/[0-9] stopped: the object store was closed")
        .hasCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    // what was fetched before the close came, in order, and nothing of a part not listed
    assertThat(read).isNotEmpty().allMatch(key -> key.startsWith(P + "0"));
    assertThat(read).isSorted();
  }
}
