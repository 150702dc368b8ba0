package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.storekeeper.DeepTree;
import dev.storekeeper.Undeletable;
import dev.storekeeper.storage.SafeFiles.Removal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Trees no recursive walk survives (issue 11, section 3): a directory chain 100,000 levels deep (a
 * 51 KB archive unpacks into one), directories wider than the walk keeps open, a subtree moved away
 * while it is walked. Each is walked without recursion, with a bounded number of descriptors, and
 * removed or measured exactly.
 */
class TreeWalkTest {

  private Path tmp;
  private Path root;
  private Path outside;

  /** In memory: the reliability suite and bench/tree-walk.sh measure the disk. */
  @BeforeEach
  void createRootAndAnOutsideTreeThatMustSurvive() throws IOException {
    tmp = DeepTree.memoryBackedTempDir("treewalk-");
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
  }

  /** JUnit's own temporary directories cannot remove what no recursive walk survives. */
  @AfterEach
  void removeTheTrees() {
    assertThat(SafeFiles.remove(tmp.getParent(), tmp.getFileName().toString(), false).errors())
        .isEmpty();
  }

  @Test
  void removesAChainOneHundredThousandLevelsDeep() throws IOException {
    DeepTree.chain(root, "job", 100_000, 7);

    Removal dry = SafeFiles.remove(root, "job", true);
    Removal real = SafeFiles.remove(root, "job", false);

    assertThat(dry).isEqualTo(real).isEqualTo(new Removal(true, 7, 1, List.of()));
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void keepsABoundedNumberOfDirectoriesOpenHoweverDeepItGoes() throws IOException {
    DeepTree.chain(root, "job", 4 * TreeWalk.MAX_HOPS + 3 * TreeWalk.OPEN_DIRECTORIES, 1);
    long before = DeepTree.openDescriptors();
    AtomicLong most = new AtomicLong();

    Removal removal =
        SafeFiles.remove(
            root,
            "job",
            false,
            directory -> most.accumulateAndGet(DeepTree.openDescriptors(), Math::max));

    assertThat(removal.errors()).isEmpty();
    assertThat(most.get() - before)
        .as("descriptors opened by the walk")
        .isLessThanOrEqualTo(2L * TreeWalk.OPEN_DIRECTORIES + 4);
    assertThat(DeepTree.openDescriptors()).isEqualTo(before);
  }

  /**
   * Every level holds a file and two subdirectories with a file each, one of which the walk goes
   * down: on the way back it must reopen directories it closed and find exactly the entries it has
   * not visited yet, both when it removes and when it only measures.
   */
  @Test
  void findsEveryEntryOfDirectoriesItHadToCloseOnTheWayDown() throws IOException {
    int depth = 3 * TreeWalk.OPEN_DIRECTORIES;
    Path dir = Files.createDirectory(root.resolve("job"));
    for (int level = 0; level < depth; level++) {
      Files.write(dir.resolve("file"), new byte[1]);
      Files.write(Files.createDirectory(dir.resolve("a")).resolve("f"), new byte[10]);
      Files.write(Files.createDirectory(dir.resolve("b")).resolve("f"), new byte[100]);
      dir = dir.resolve(level % 2 == 0 ? "a" : "b");
    }
    // per level: 3 files of 111 bytes, and the last level's directory is empty of subtrees
    Removal expected = new Removal(true, 111L * depth, 3L * depth, List.of());

    assertThat(SafeFiles.remove(root, "job", true)).isEqualTo(expected);
    assertThat(SafeFiles.remove(root, "job", false)).isEqualTo(expected);
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void reportsAFileItCannotRemoveDeepDownOnceWithAShortenedPathAndRemovesTheRest()
      throws Exception {
    Path bottom = deepestOf(DeepTree.chain(root, "job", 3 * TreeWalk.OPEN_DIRECTORIES, 0));
    Files.write(bottom.getParent().resolve("sibling.txt"), new byte[5]);
    Undeletable locked = Undeletable.plantIn(bottom);
    Removal removal;
    try {
      removal = SafeFiles.remove(root, "job", false);
    } finally {
      locked.release();
    }

    assertThat(removal.errors())
        .singleElement(STRING)
        .startsWith(root.resolve("job") + "/d/")
        .contains("levels)...")
        .contains("/d/d/locked.bin: ");
    assertThat(removal.bytes()).as("bottom.txt and sibling.txt").isEqualTo(5);

    Removal retry = SafeFiles.remove(root, "job", false);

    assertThat(retry).isEqualTo(new Removal(true, 6, 1, List.of()));
    assertThat(root).isEmptyDirectory();
  }

  /**
   * A subtree the walk had to close is moved out of the root while the walk is deep inside it: the
   * walk may finish what it had entered (it was inside the root when entered), but must not climb
   * into the directory the subtree now sits in.
   */
  @Test
  void stopsInsteadOfClimbingIntoWhereAMovedSubtreeNowLies() throws IOException {
    DeepTree.chain(root, "job", 3 * TreeWalk.OPEN_DIRECTORIES, 0);
    Files.writeString(outside.resolve("neighbour.txt"), "mine");
    AtomicInteger opened = new AtomicInteger();

    Removal removal =
        SafeFiles.remove(
            root,
            "job",
            false,
            directory -> {
              if (opened.incrementAndGet() == 2 * TreeWalk.OPEN_DIRECTORIES) {
                move(root.resolve("job/d/d"), outside.resolve("moved"));
              }
            });

    assertThat(removal.errors()).singleElement(STRING).contains("moved while it was walked");
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
    assertThat(outside.resolve("neighbour.txt")).hasContent("mine");
    assertThat(outside.resolve("moved")).as("entered from inside the root: emptied").exists();
    assertThat(root.resolve("job/d")).as("never reached again").isDirectory();
  }

  @Test
  void measuresAndListsADeepChainOnlyAsFarAsTheListingAllows() throws IOException {
    Path job = DeepTree.chain(root, "job", 20_000, 3);
    Files.write(job.resolve("top.bin"), new byte[4]);

    SafeFiles.Listing listing = SafeFiles.files(root, "job", 100, 4096);

    assertThat(listing.files()).containsExactly(new SafeFiles.FileEntry("top.bin", 4));
    assertThat(listing.truncated()).isFalse();
    assertThat(SafeFiles.measure(root, "job")).isEqualTo(7);
  }

  @Test
  void makesADeepChainPrivate() throws IOException {
    Path job = DeepTree.chain(root, "job", 20_000, 3);
    Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwxr-xr-x"));

    SafeFiles.Privatized privatized = SafeFiles.privatize(root, "job");

    assertThat(privatized.errors()).isEmpty();
    assertThat(privatized.bytes()).isEqualTo(3);
    assertThat(Files.getPosixFilePermissions(job)).hasSize(3);
  }

  private static Path deepestOf(Path tree) throws IOException {
    try (var files = Files.find(tree, Integer.MAX_VALUE, (p, a) -> p.endsWith("bottom.txt"))) {
      return files.findFirst().orElseThrow().getParent();
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
