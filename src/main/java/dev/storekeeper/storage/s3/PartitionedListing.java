package dev.storekeeper.storage.s3;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The entries directly below a prefix {@code P}, for a listing longer than one page, as 19 listings
 * of disjoint parts of the key space instead of one: the sixteen shards {@code P0} … {@code Pf}
 * (job ids are hexadecimal, so nearly every key falls in one), and the three ranges between and
 * around them that only foreign names reach: before {@code P0}, from {@code P:} to {@code P`}, and
 * from {@code Pg} on (every non-ASCII first character too). Each key belongs to exactly one part,
 * each part is listed once, so each key is yielded once, and every key is yielded: the shards by
 * their prefix, the ranges by {@code start-after} from the last key yielded before them, stopping
 * at their first key beyond. A key a part's listing shows that belongs to an earlier part was
 * written after that part was listed: skipped, as any listing skips a key written after it passed.
 *
 * <p>Why: a store that keeps keys in directories answers every page of a listing by walking the
 * whole directory the prefix names (S3Proxy's filesystem store reads every file's attributes, then
 * cuts the page after the continuation token), so one listing of N keys costs N²/1000 file visits.
 * A shard's pages visit only the shard's files; the listing's cost falls by about the shard count.
 * On AWS S3 it costs at most 18 requests more than one listing; a listing of one page (a small
 * store) is that page alone.
 *
 * <p>Yields the parts in key order, each in the store's order; one page in memory at a time.
 */
final class PartitionedListing implements Iterator<ListEntry> {

  /** One page of a listing, and whether the store holds more after it. */
  record Page(List<ListEntry> entries, boolean truncated) {}

  /**
   * Parts in key order; shards are {@code 1..10} ({@code 0-9}) and {@code 12..17} ({@code a-f}).
   */
  private static final int BELOW_DIGITS = 0;

  private static final int BETWEEN = 11;
  private static final int ABOVE_LETTERS = 18;

  private final String prefix;
  private final BiFunction<String, String, Iterator<ListEntry>> open;
  private Supplier<Page> first;
  private Iterator<ListEntry> source;

  /** The part being listed; -1 while the first page's entries are handed out. */
  private int part = -1;

  /** The part listed after the first page's entries (-1: none, the first page was all). */
  private int resume = -1;

  private ListEntry next;
  private String lastKey;
  private boolean done;

  /**
   * {@code first}: fetches the first page of the whole listing of {@code prefix} (asked when the
   * first entry is); {@code open(listPrefix, startAfter)}: a lazy listing with delimiter {@code /}
   * of the keys under {@code listPrefix} after {@code startAfter} (null: from the start).
   */
  PartitionedListing(
      String prefix, Supplier<Page> first, BiFunction<String, String, Iterator<ListEntry>> open) {
    this.prefix = prefix;
    this.open = open;
    this.first = first;
  }

  private void start() {
    Page page = first.get();
    first = null;
    if (!page.truncated() || page.entries().isEmpty()) {
      // one page holds it all (an empty truncated page cannot be split: go on page by page)
      source = page.truncated() ? open.apply(prefix, null) : page.entries().iterator();
      return;
    }
    // The first page is a prefix of the listing in key order: every part before the last it
    // reaches is complete in it; that last part is listed whole again from its start.
    int reached = page.entries().stream().mapToInt(e -> partOf(e.key())).max().orElseThrow();
    source = page.entries().stream().filter(e -> partOf(e.key()) < reached).iterator();
    resume = reached;
  }

  /** The part a key (or a common prefix) below the prefix falls in, by its first character. */
  int partOf(String key) {
    if (key.length() == prefix.length()) {
      return BELOW_DIGITS; // an object named as the prefix itself
    }
    char c = key.charAt(prefix.length());
    if (c < '0') {
      return BELOW_DIGITS;
    }
    if (c <= '9') {
      return 1 + (c - '0');
    }
    if (c < 'a') {
      return BETWEEN;
    }
    if (c <= 'f') {
      return 12 + (c - 'a');
    }
    return ABOVE_LETTERS;
  }

  private static boolean shard(int part) {
    return part != BELOW_DIGITS && part != BETWEEN && part != ABOVE_LETTERS;
  }

  private static char shardChar(int part) {
    return part <= 10 ? (char) ('0' + part - 1) : (char) ('a' + part - 12);
  }

  @Override
  public boolean hasNext() {
    if (first != null) {
      start();
    }
    while (next == null && !done) {
      if (source.hasNext()) {
        ListEntry entry = source.next();
        int at = part < 0 ? part : partOf(entry.key());
        if (at == part) {
          next = entry;
        } else if (at > part && !shard(part)) {
          source = List.<ListEntry>of().iterator(); // a range ends at the first key beyond it
        }
        // at < part: written after its own part was listed
      } else if (part < 0 && resume < 0 || part == ABOVE_LETTERS) {
        done = true;
      } else {
        part = part < 0 ? resume : part + 1;
        source = listing(part);
      }
    }
    return next != null;
  }

  /**
   * A shard by its prefix; a range from the last key yielded: every key of the parts before it is
   * at or below that key and every key of the range above it, in any store's order, because the
   * parts split at ASCII characters. (The range's own start would need a key just below {@code P:},
   * which no string is.)
   */
  private Iterator<ListEntry> listing(int part) {
    return shard(part) ? open.apply(prefix + shardChar(part), null) : open.apply(prefix, lastKey);
  }

  @Override
  public ListEntry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    ListEntry entry = next;
    next = null;
    lastKey = entry.key();
    return entry;
  }
}
