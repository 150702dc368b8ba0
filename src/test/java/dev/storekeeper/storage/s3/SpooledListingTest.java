package dev.storekeeper.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.storage.s3.ListEntry.CommonPrefix;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpooledListingTest {

  @TempDir Path dir;

  @Test
  void readsBackEveryEntryAsListedWhateverItsKeyHolds() throws Exception {
    List<ListEntry> listed = new ArrayList<>();
    String[] names = {
      "",
      "plain",
      "with space",
      "new\nline",
      "nul\u0000char",
      "tab\tand\rreturn",
      "caf\u00e9",
      "\uFFFD",
      "\uE000private",
      "pair\uD83D\uDE00",
      "lone\uD800surrogate",
      "trailing/",
      "%2F..%2e",
      "x".repeat(1024),
      "\u00e9".repeat(1024)
    };
    Instant[] times = {
      Instant.EPOCH,
      Instant.parse("2026-11-30T23:59:59.999999999Z"),
      Instant.ofEpochSecond(-1, 1),
      Instant.parse("1999-01-01T00:00:00Z")
    };
    long[] sizes = {0, 1, Long.MAX_VALUE, 5L * 1024 * 1024 * 1024 * 1024};
    for (int i = 0; i < names.length; i++) {
      listed.add(new StoredObject("sk/uploads/" + names[i], sizes[i % sizes.length], times[i % 4]));
      listed.add(new CommonPrefix("sk/outputs/" + names[i] + "/"));
    }

    assertThat(spoolOnAnotherThread(listed)).containsExactlyElementsOf(listed);
  }

  @Test
  void aLongListingComesBackWholeAndInOrder() throws Exception {
    List<ListEntry> listed =
        IntStream.range(0, 100_000)
            .mapToObj(
                i ->
                    i % 3 == 0
                        ? (ListEntry) new CommonPrefix("outputs/" + i + "/")
                        : new StoredObject(
                            "uploads/" + i + "_scan.nii.gz", i, Instant.ofEpochSecond(i)))
            .toList();

    assertThat(spoolOnAnotherThread(listed)).containsExactlyElementsOf(listed);
  }

  @Test
  void theFileIsGoneFromItsDirectoryWhileTheSpoolIsInUse() throws Exception {
    try (SpooledListing spool = new SpooledListing(dir.resolve("work/not-yet"))) {
      spool.fill(List.of(new CommonPrefix("outputs/a/")));
      // nothing a killed process could leave behind
      try (var left = Files.list(dir.resolve("work/not-yet"))) {
        assertThat(left).isEmpty();
      }
      assertThat(spool).containsExactly(new CommonPrefix("outputs/a/"));
    }
  }

  @Test
  void theReaderTakesWhatIsWrittenWhileTheWriterWaitsForTheStore() throws Exception {
    BlockingQueue<ListEntry> store = new ArrayBlockingQueue<>(10_000);
    ListEntry last = new CommonPrefix("end/");
    try (SpooledListing spool = new SpooledListing(dir)) {
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(() -> spool.fill(queued(store, last)));
      for (int i = 0; i < 1_000; i++) {
        store.put(new CommonPrefix("p" + i + "/"));
      }
      Iterator<ListEntry> reader = spool.iterator();
      // the store has not said it is done: the reader gets what was written so far and no more
      List<ListEntry> before = new ArrayList<>();
      for (int i = 0; i < 768; i++) {
        before.add(reader.next());
      }
      assertThat(before.get(767)).isEqualTo(new CommonPrefix("p767/"));
      assertThat(writer).isNotDone();
      store.put(last);
      writer.get(30, TimeUnit.SECONDS);
      List<ListEntry> rest = new ArrayList<>();
      reader.forEachRemaining(rest::add);
      assertThat(rest).hasSize(232).startsWith(new CommonPrefix("p768/"));
      assertThat(rest.get(231)).isEqualTo(new CommonPrefix("p999/"));
      assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void aFailedListingFailsTheReaderAfterEveryEntryBeforeIt() throws Exception {
    ObjectStoreException broke = new ObjectStoreException("listing outputs/3 failed: 503", null);
    Iterable<ListEntry> failing =
        () ->
            new Iterator<>() {
              int given;

              @Override
              public boolean hasNext() {
                if (given == 1_000) {
                  throw broke;
                }
                return true;
              }

              @Override
              public ListEntry next() {
                return new CommonPrefix("p" + given++ + "/");
              }
            };
    try (SpooledListing spool = new SpooledListing(dir)) {
      spool.fill(failing);
      Iterator<ListEntry> reader = spool.iterator();
      for (int i = 0; i < 1_000; i++) {
        assertThat(reader.next()).isEqualTo(new CommonPrefix("p" + i + "/"));
      }
      assertThatThrownBy(reader::hasNext).isSameAs(broke);
    }
  }

  @Test
  void closingStopsTheWriterAndAWaitingReader() throws Exception {
    BlockingQueue<ListEntry> store = new ArrayBlockingQueue<>(10);
    SpooledListing spool = new SpooledListing(dir);
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(() -> spool.fill(queued(store, new CommonPrefix("end/"))));
    Iterator<ListEntry> reader = spool.iterator();
    CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(reader::hasNext);

    spool.close();

    assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    // the writer stops at the store's next entry and asks for none after it
    store.put(new CommonPrefix("a/"));
    store.put(new CommonPrefix("b/"));
    writer.get(30, TimeUnit.SECONDS);
    assertThat(store).containsExactly(new CommonPrefix("b/"));
  }

  @Test
  void aSpoolIsReadOnce() throws Exception {
    try (SpooledListing spool = new SpooledListing(dir)) {
      spool.fill(List.of());
      assertThat(spool.iterator().hasNext()).isFalse();
      assertThatThrownBy(spool::iterator).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void aDirectoryThatCannotHoldItIsRefusedAtOnce() throws IOException {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> new SpooledListing(file)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> new SpooledListing(file.resolve("below")))
        .isInstanceOf(IOException.class);
  }

  private List<ListEntry> spoolOnAnotherThread(List<ListEntry> listed) throws Exception {
    try (SpooledListing spool = new SpooledListing(dir)) {
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> spool.fill(listed));
      List<ListEntry> read = new ArrayList<>();
      spool.forEach(read::add);
      writer.get(30, TimeUnit.SECONDS);
      return read;
    }
  }

  /** A store answering from a queue, until {@code last}. */
  private static Iterable<ListEntry> queued(BlockingQueue<ListEntry> store, ListEntry last) {
    return () ->
        new Iterator<>() {
          ListEntry next;

          @Override
          public boolean hasNext() {
            if (next == null) {
              try {
                next = store.take();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ObjectStoreException("interrupted", e);
              }
            }
            return next != last;
          }

          @Override
          public ListEntry next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            ListEntry entry = next;
            next = null;
            return entry;
          }
        };
  }
}
