package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.DeepTree;
import dev.storekeeper.storage.SafeFiles.Removal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Whatever shape a processor leaves behind (a spine as deep as the walk's open-directory window
 * several times over, siblings at every level, links out of the tree, names with spaces, newlines,
 * quotes, dashes and non-ASCII), a dry run measures exactly what a real run then removes, the real
 * run leaves nothing, and nothing outside the tree is touched.
 */
class TreeWalkPropertyTest {

  /** Characters of hostile names (whole code points: a lone surrogate has no file name). */
  private static final String NAME_CHARS = "aZ09 .-_\n\t\"'$;&|*?\\:é履";

  record Sibling(String name, int kind, int size) {}

  record Level(String spineName, List<Sibling> siblings) {}

  private Path tmp;
  private Path outside;

  @BeforeProperty
  void createAnOutsideDirectoryThatMustSurvive() throws IOException {
    tmp = DeepTree.memoryBackedTempDir("treewalk-property-");
    outside = Files.createDirectory(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "keep");
  }

  @AfterProperty
  void removeEverything() {
    SafeFiles.remove(tmp.getParent(), tmp.getFileName().toString(), false);
  }

  @Provide
  Arbitrary<List<Level>> trees() {
    // short ASCII down the spine: the test builds it by path, and paths stop at 4096 bytes
    Arbitrary<String> spineNames =
        Arbitraries.strings().withChars("aZ09 .-_$;\n".toCharArray()).ofMinLength(1).ofMaxLength(4);
    Arbitrary<String> names =
        Arbitraries.strings().withChars(NAME_CHARS.toCharArray()).ofMinLength(1).ofMaxLength(30);
    Arbitrary<Sibling> siblings =
        Combinators.combine(
                names, Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 50))
            .as(Sibling::new);
    Arbitrary<Level> levels =
        Combinators.combine(spineNames, siblings.list().ofMaxSize(3)).as(Level::new);
    Arbitrary<Integer> depth =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 3 * TreeWalk.OPEN_DIRECTORIES),
            Arbitraries.integers().between(TreeWalk.MAX_HOPS, TreeWalk.MAX_HOPS + 40));
    return depth.flatMap(d -> levels.list().ofSize(d));
  }

  @Property(tries = 40)
  void aDryRunMeasuresExactlyWhatTheRealRunRemovesAndNothingOutsideIsTouched(
      @ForAll("trees") List<Level> tree) throws IOException {
    Path root = Files.createTempDirectory(tmp, "root-");
    Path dir = Files.createDirectory(root.resolve("job"));
    long bytes = 0;
    long files = 0;
    for (Level level : tree) {
      Set<String> used = new HashSet<>();
      String spine = unique(level.spineName(), used);
      for (Sibling sibling : level.siblings()) {
        Path path = dir.resolve(unique(sibling.name(), used));
        switch (sibling.kind()) {
          case 0 -> {
            Files.write(path, new byte[sibling.size()]);
            bytes += sibling.size();
            files++;
          }
          case 1 -> {
            Files.createSymbolicLink(
                path, sibling.size() % 2 == 0 ? outside : outside.resolve("keep.txt"));
            files++;
          }
          default -> {
            Files.write(Files.createDirectory(path).resolve("f"), new byte[sibling.size()]);
            bytes += sibling.size();
            files++;
          }
        }
      }
      dir = Files.createDirectory(dir.resolve(spine));
    }

    Removal dry = SafeFiles.remove(root, "job", true);
    Removal real = SafeFiles.remove(root, "job", false);

    assertThat(dry).isEqualTo(real).isEqualTo(new Removal(true, bytes, files, List.of()));
    assertThat(root).isEmptyDirectory();
    assertThat(outside.resolve("keep.txt")).hasContent("keep");
    try (var listing = Files.list(outside)) {
      assertThat(listing).hasSize(1);
    }
    Files.delete(root);
  }

  /** A name not used yet in one directory, and never "." or "..". */
  private static String unique(String name, Set<String> used) {
    String candidate = name.equals(".") || name.equals("..") ? name + "x" : name;
    List<String> tried = new ArrayList<>();
    while (!used.add(candidate)) {
      tried.add(candidate);
      candidate = name + "~" + tried.size();
    }
    return candidate;
  }
}
