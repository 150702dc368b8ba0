package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import dev.storekeeper.Undeletable;
import dev.storekeeper.storage.SafeFiles.Removal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SafeFilesTest {

  @TempDir Path tmp;
  private Path root;
  private Path outside;

  @BeforeEach
  void createRootAndAnOutsideTreeThatMustSurvive() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    write(outside.resolve("keep.txt"), 4);
    write(outside.resolve("nested/deeper/keep.bin"), 9);
  }

  private static Path write(Path file, int bytes) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.write(file, new byte[bytes]);
  }

  private static boolean present(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Every path below {@code dir} with its size (-1 for a directory, -2 for a link), no following.
   */
  private static Map<String, Long> snapshot(Path dir) throws IOException {
    Map<String, Long> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path path : walk.toList()) {
        BasicFileAttributes attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long size =
            attributes.isDirectory() ? -1 : attributes.isSymbolicLink() ? -2 : attributes.size();
        entries.put(dir.relativize(path).toString(), size);
      }
    }
    return entries;
  }

  private void assertOutsideUntouched() throws IOException {
    assertThat(snapshot(outside))
        .containsOnlyKeys("", "keep.txt", "nested", "nested/deeper", "nested/deeper/keep.bin")
        .containsEntry("keep.txt", 4L)
        .containsEntry("nested/deeper/keep.bin", 9L);
  }

  /** A job's output: 3 files, 15 bytes, an empty directory, 3 levels deep. */
  private Path anOutputTree(String name) throws IOException {
    Path job = Files.createDirectory(root.resolve(name));
    write(job.resolve("result.csv"), 3);
    write(job.resolve("charts/a.png"), 5);
    write(job.resolve("charts/raw/b.bin"), 7);
    Files.createDirectories(job.resolve("empty/also-empty"));
    return job;
  }

  @Nested
  class RealRun {

    @Test
    void removesAFileAndReportsItsSize() throws IOException {
      Path file = write(root.resolve("upload.csv"), 10);

      Removal removal = SafeFiles.remove(root, "upload.csv", false);

      assertThat(removal).isEqualTo(new Removal(true, 10, 1, List.of()));
      assertThat(removal.complete()).isTrue();
      assertThat(file).doesNotExist();
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void removesANestedTreeCountingFilesAndBytes() throws IOException {
      Path job = anOutputTree("job");

      Removal removal = SafeFiles.remove(root, "job", false);

      assertThat(removal).isEqualTo(new Removal(true, 15, 3, List.of()));
      assertThat(job).doesNotExist();
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void removesAnEmptyDirectory() throws IOException {
      Files.createDirectory(root.resolve("empty"));

      assertThat(SafeFiles.remove(root, "empty", false))
          .isEqualTo(new Removal(true, 0, 0, List.of()));
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void leavesSiblingsAlone() throws IOException {
      anOutputTree("job");
      write(root.resolve("job-2/result.csv"), 2);
      write(root.resolve("job.csv"), 2);

      SafeFiles.remove(root, "job", false);

      assertThat(snapshot(root)).containsOnlyKeys("", "job-2", "job-2/result.csv", "job.csv");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void reportsAMissingEntryAsAbsentNotAsAnError(boolean dryRun) {
      Removal removal = SafeFiles.remove(root, "never-existed", dryRun);

      assertThat(removal).isEqualTo(new Removal(false, 0, 0, List.of()));
      assertThat(removal.complete()).isTrue();
    }

    @Test
    void removingTwiceSucceedsTheSecondTimeAsAbsent() throws IOException {
      anOutputTree("job");

      SafeFiles.remove(root, "job", false);

      assertThat(SafeFiles.remove(root, "job", false).existed()).isFalse();
    }
  }

  @Nested
  class DryRun {

    @Test
    void measuresExactlyWhatARealRunRemovesAndDeletesNothing() throws IOException {
      anOutputTree("job");
      Files.createSymbolicLink(root.resolve("job/link"), outside);
      Map<String, Long> before = snapshot(root);

      Removal dry = SafeFiles.remove(root, "job", true);

      assertThat(snapshot(root)).isEqualTo(before);
      Removal real = SafeFiles.remove(root, "job", false);
      assertThat(dry).isEqualTo(real).isEqualTo(new Removal(true, 15, 4, List.of()));
      assertOutsideUntouched();
    }

    @Test
    void measuresAFileLikeARealRun() throws IOException {
      write(root.resolve("upload.csv"), 123);

      assertThat(SafeFiles.measure(root, "upload.csv")).isEqualTo(123);
      assertThat(SafeFiles.remove(root, "upload.csv", false).bytes()).isEqualTo(123);
    }

    @Test
    void measuresNothingForAMissingEntry() {
      assertThat(SafeFiles.measure(root, "missing")).isZero();
    }

    @Test
    void neverCountsTheTargetOfALink() throws IOException {
      write(outside.resolve("huge.bin"), 100_000);
      Files.createSymbolicLink(root.resolve("link"), outside.resolve("huge.bin"));

      assertThat(SafeFiles.measure(root, "link")).isZero();
      assertThat(SafeFiles.remove(root, "link", true))
          .isEqualTo(new Removal(true, 0, 1, List.of()));
      assertThat(root.resolve("link")).isSymbolicLink();
    }
  }

  @Nested
  class SymbolicLinks {

    private void assertRemovedAsALink(Path link) throws IOException {
      Removal removal = SafeFiles.remove(root, link.getFileName().toString(), false);

      assertThat(removal).isEqualTo(new Removal(true, 0, 1, List.of()));
      assertThat(present(link)).isFalse();
      assertOutsideUntouched();
    }

    @Test
    void removesALinkToAFileOutsideButNotTheFile() throws IOException {
      assertRemovedAsALink(
          Files.createSymbolicLink(root.resolve("l"), outside.resolve("keep.txt")));
    }

    @Test
    void removesALinkToADirectoryOutsideButNotItsContents() throws IOException {
      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("l"), outside));
    }

    @Test
    void removesALinkToTheFileSystemRoot() throws IOException {
      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("l"), Path.of("/")));
      assertThat(Path.of("/etc")).isDirectory();
    }

    @Test
    void removesALinkToTheRootItself() throws IOException {
      write(root.resolve("sibling.txt"), 1);

      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("l"), Path.of(".")));
      assertThat(root.resolve("sibling.txt")).exists();
    }

    @Test
    void removesARelativeLinkThatClimbsOut() throws IOException {
      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("l"), Path.of("../outside")));
    }

    @Test
    void removesADanglingLink() throws IOException {
      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("l"), tmp.resolve("nothing")));
    }

    @Test
    void removesALinkToItself() throws IOException {
      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("loop"), Path.of("loop")));
    }

    @Test
    void removesALoopOfTwoLinks() throws IOException {
      Files.createSymbolicLink(root.resolve("b"), Path.of("a"));

      assertRemovedAsALink(Files.createSymbolicLink(root.resolve("a"), Path.of("b")));
      assertThat(root.resolve("b")).isSymbolicLink();
    }

    @Test
    void unlinksLinksInsideADirectoryAndLeavesTheirTargets() throws IOException {
      Path job = anOutputTree("job");
      Files.createSymbolicLink(job.resolve("to-dir"), outside);
      Files.createSymbolicLink(job.resolve("to-file"), outside.resolve("keep.txt"));
      Files.createSymbolicLink(job.resolve("charts/to-root"), Path.of("/"));
      Files.createSymbolicLink(job.resolve("charts/raw/up"), Path.of("../../.."));
      Files.createSymbolicLink(job.resolve("dangling"), tmp.resolve("nothing"));

      Removal removal = SafeFiles.remove(root, "job", false);

      assertThat(removal).isEqualTo(new Removal(true, 15, 8, List.of()));
      assertThat(root).isEmptyDirectory();
      assertOutsideUntouched();
    }

    @Test
    void neverFollowsADirectorySwappedForALinkBeforeTheDelete() throws IOException {
      Path job = anOutputTree("job");
      Path charts = job.resolve("charts");
      try (Stream<Path> listing = Files.list(job)) {
        assertThat(listing).contains(charts);
      }
      deleteTree(charts);
      Files.createSymbolicLink(charts, outside);

      Removal removal = SafeFiles.remove(root, "job", false);

      assertThat(removal.errors()).isEmpty();
      assertThat(root).isEmptyDirectory();
      assertOutsideUntouched();
    }

    @Test
    void neverFollowsADirectorySwappedForALinkWhileItIsBeingDeleted() throws Exception {
      ExecutorService swapper = Executors.newSingleThreadExecutor();
      try {
        for (int round = 0; round < 300; round++) {
          String name = "job-" + round;
          Path charts = anOutputTree(name).resolve("charts");
          CountDownLatch go = new CountDownLatch(1);
          Future<?> swap =
              swapper.submit(
                  () -> {
                    go.await();
                    try {
                      Files.move(charts, charts.resolveSibling("moved-away"));
                      Files.createSymbolicLink(charts, outside);
                    } catch (IOException lostTheRace) {
                      // the walk got there first: nothing to swap any more
                    }
                    return null;
                  });
          go.countDown();
          SafeFiles.remove(root, name, false);
          swap.get(10, TimeUnit.SECONDS);

          assertOutsideUntouched();
          assertThat(SafeFiles.remove(root, name, false).errors()).isEmpty();
        }
      } finally {
        swapper.shutdownNow();
      }
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void neverFollowsADirectorySwappedForALinkAfterItWasInspected() throws IOException {
      Path job = anOutputTree("job");
      Path charts = job.resolve("charts");

      Removal removal = SafeFiles.remove(root, "job", false, swapForLinkTo(charts, outside));

      assertThat(removal.errors()).isEmpty();
      assertThat(removal.files()).as("result.csv, the link, and nothing behind it").isEqualTo(2);
      assertThat(root).isEmptyDirectory();
      assertOutsideUntouched();
    }

    @Test
    void neverFollowsATopLevelDirectorySwappedForALinkAfterItWasInspected() throws IOException {
      Path job = anOutputTree("job");

      Removal removal = SafeFiles.remove(root, "job", false, swapForLinkTo(job, outside));

      assertThat(removal).isEqualTo(new Removal(true, 0, 1, List.of()));
      assertThat(root).isEmptyDirectory();
      assertOutsideUntouched();
    }

    @Test
    void dryRunNeverFollowsADirectorySwappedForALinkAfterItWasInspected() throws IOException {
      Path job = anOutputTree("job");

      Removal removal = SafeFiles.remove(root, "job", true, swapForLinkTo(job, outside));

      assertThat(removal).isEqualTo(new Removal(true, 0, 1, List.of()));
      assertThat(root.resolve("job")).isSymbolicLink();
      assertOutsideUntouched();
    }

    /** Replaces {@code directory} by a link to {@code target} the moment the walk reaches it. */
    private Consumer<Path> swapForLinkTo(Path directory, Path target) {
      return reached -> {
        if (reached.equals(directory)) {
          try {
            deleteTree(directory);
            Files.createSymbolicLink(directory, target);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    }

    @Test
    void neverFollowsATopLevelEntrySwappedForALinkBeforeTheDelete() throws IOException {
      Path job = anOutputTree("job");
      deleteTree(job);
      Files.createSymbolicLink(job, outside);

      assertRemovedAsALink(job);
    }

    @Test
    void neverFollowsALinkAsTheLastComponentOfAnIntermediateDirectory() throws IOException {
      Path job = Files.createDirectory(root.resolve("job"));
      Files.createSymbolicLink(job.resolve("a"), outside.resolve("nested"));

      SafeFiles.remove(root, "job", false);

      assertOutsideUntouched();
    }

    private static void deleteTree(Path dir) throws IOException {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }

  @Nested
  class Names {

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "/etc", "../outside", "job/..", "a\0b"})
    void refusesAnythingButASingleComponent(String name) throws IOException {
      Map<String, Long> before = snapshot(tmp);

      assertThatThrownBy(() -> SafeFiles.remove(root, name, false))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Not a single path component");
      assertThat(snapshot(tmp)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "with space.txt",
          " leading and trailing ",
          "line\nbreak",
          "carriage\rreturn",
          "tab\there",
          "back\\slash",
          "-starts-with-dash",
          "...",
          ".hidden",
          "résumé 履歴書 😀",
        })
    void removesFilesAndDirectoriesWithUnusualNames(String name) throws IOException {
      write(root.resolve(name), 2);
      write(root.resolve(name + "-dir").resolve(name), 3);

      assertThat(SafeFiles.remove(root, name, false)).isEqualTo(new Removal(true, 2, 1, List.of()));
      assertThat(SafeFiles.remove(root, name + "-dir", false))
          .isEqualTo(new Removal(true, 3, 1, List.of()));
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void removesEntriesWhoseNamesAreNotValidUtf8InsideADirectory() throws Exception {
      Path job = Files.createDirectory(root.resolve("job"));
      Process touch =
          new ProcessBuilder("sh", "-c", "printf x > \"$(printf 'bad\\377\\376name')\"")
              .directory(job.toFile())
              .inheritIO()
              .start();
      assertThat(touch.waitFor()).isZero();
      try (Stream<Path> listing = Files.list(job)) {
        assertThat(listing).hasSize(1);
      }

      assertThat(SafeFiles.remove(root, "job", false))
          .isEqualTo(new Removal(true, 1, 1, List.of()));
      assertThat(root).isEmptyDirectory();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void removesNamesOf255Bytes(int bytesPerCharacter) throws IOException {
      String character = List.of("x", "é", "履", "😀").get(bytesPerCharacter - 1);
      String name = character.repeat(255 / bytesPerCharacter) + "x".repeat(255 % bytesPerCharacter);
      assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(255);
      write(root.resolve(name).resolve(name), 5);

      assertThat(SafeFiles.remove(root, name, false)).isEqualTo(new Removal(true, 5, 1, List.of()));
      assertThat(root).isEmptyDirectory();
    }
  }

  @Nested
  class Failures {

    @Test
    void removesEverythingElseAndNamesThePathItCouldNotRemove() throws Exception {
      Path job = anOutputTree("job");
      Undeletable locked = Undeletable.plantIn(job.resolve("locked"));
      Removal removal;
      try {
        removal = SafeFiles.remove(root, "job", false);

        assertThat(snapshot(root))
            .containsOnlyKeys("", "job", "job/locked", "job/locked/locked.bin");
      } finally {
        locked.release();
      }
      assertThat(removal.existed()).isTrue();
      assertThat(removal.complete()).isFalse();
      assertThat(removal.errors())
          .singleElement(STRING)
          .startsWith(root.resolve("job/locked/locked.bin") + ": ");
      assertThat(removal.bytes()).isEqualTo(15);
      assertThat(removal.files()).isEqualTo(3);
    }

    @Test
    void reportsAnEmptyDirectoryItCannotRemove() throws Exception {
      Path job = anOutputTree("job");
      Undeletable locked = Undeletable.emptyDirectoryIn(job.resolve("sub"));
      Removal removal;
      try {
        removal = SafeFiles.remove(root, "job", false);
      } finally {
        locked.release();
      }

      assertThat(removal.errors())
          .singleElement(STRING)
          .startsWith(root.resolve("job/sub/locked") + ": ");
      assertThat(removal.files()).isEqualTo(3);
      assertThat(snapshot(root)).containsOnlyKeys("", "job", "job/sub", "job/sub/locked");
    }

    @Test
    void finishesTheJobOnTheNextAttemptOnceTheFileCanGo() throws Exception {
      Path job = anOutputTree("job");
      Undeletable locked = Undeletable.plantIn(job.resolve("locked"));
      try {
        SafeFiles.remove(root, "job", false);
      } finally {
        locked.release();
      }

      Removal retry = SafeFiles.remove(root, "job", false);

      assertThat(retry).isEqualTo(new Removal(true, 6, 1, List.of()));
      assertThat(root).isEmptyDirectory();
    }

    @Test
    void dryRunReportsNoErrorForAFileARealRunCannotRemove() throws Exception {
      Path job = anOutputTree("job");
      Undeletable locked = Undeletable.plantIn(job.resolve("locked"));
      try {
        assertThat(SafeFiles.remove(root, "job", true))
            .isEqualTo(new Removal(true, 21, 4, List.of()));
      } finally {
        locked.release();
      }
    }

    @Test
    void reportsAMissingRootAsAnError() {
      Path missing = tmp.resolve("no-such-root");

      Removal removal = SafeFiles.remove(missing, "job", false);

      assertThat(removal.complete()).isFalse();
      assertThat(removal.errors()).singleElement().asString().startsWith(missing.toString());
    }
  }
}
