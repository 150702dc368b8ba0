package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, section 4: answers show paths relative to the data layout, never the server's absolute
 * paths; the database keeps the absolute ones.
 */
class StorageLayoutDisplayTest {

  @TempDir Path temp;

  private StorageLayout layout(Path dataDir, String uploadDir, String outputDir) {
    return new StorageLayout(
        new StorageProperties(dataDir.toString(), uploadDir, outputDir, 1000L, 0L, null));
  }

  @Test
  void pathsInsideTheDataDirectoriesAreShownRelativeToTheLayout() throws Exception {
    StorageLayout layout = layout(temp.resolve("data"), null, null);
    String uploads = layout.uploadsRoot().toString();
    String outputs = layout.outputsRoot().toString();

    assertThat(layout.display(uploads + "/0b7e_scan.csv")).isEqualTo("uploads/0b7e_scan.csv");
    assertThat(layout.display(outputs + "/0b7e/results.json"))
        .isEqualTo("outputs/0b7e/results.json");
    assertThat(layout.display(outputs + "/0b7e/a/../results.json"))
        .isEqualTo("outputs/0b7e/results.json");
    assertThat(layout.display(uploads)).isEqualTo("uploads");
    assertThat(layout.display(layout.dataDir() + "/db.mv.db")).isEqualTo("db.mv.db");
    assertThat(layout.display(layout.spoolDir() + "/part-1")).isEqualTo(".spool/part-1");
  }

  @Test
  void separateUploadAndOutputDirectoriesAreShownByTheirRoleNotTheirLocation() throws Exception {
    Path uploadDir = Files.createDirectories(temp.resolve("elsewhere/incoming"));
    Path outputDir = Files.createDirectories(temp.resolve("other/results"));
    StorageLayout layout = layout(temp.resolve("data"), uploadDir.toString(), outputDir.toString());

    assertThat(layout.display(layout.uploadsRoot() + "/x_a.csv")).isEqualTo("uploads/x_a.csv");
    assertThat(layout.display(layout.outputsRoot() + "/x/results.json"))
        .isEqualTo("outputs/x/results.json");
  }

  @Test
  void aDataDirectoryReachedThroughALinkIsShownRelativeInBothSpellings() throws Exception {
    Path real = Files.createDirectories(temp.resolve("real-data"));
    Path link = Files.createSymbolicLink(temp.resolve("data-link"), real);
    StorageLayout layout = layout(link, null, null);

    assertThat(layout.display(link + "/uploads/x_a.csv")).isEqualTo("uploads/x_a.csv");
    assertThat(layout.display(real.toRealPath() + "/uploads/x_a.csv")).isEqualTo("uploads/x_a.csv");
  }

  @Test
  void aPathOutsideTheDataDirectoriesShowsOnlyItsFileName() {
    StorageLayout layout = layout(temp.resolve("data"), null, null);

    assertThat(layout.display("/srv/imported/2024/scan.csv")).isEqualTo("scan.csv");
    assertThat(layout.display(temp + "/data-other/uploads/x.csv")).isEqualTo("x.csv");
    assertThat(layout.display("relative/dir/scan.csv")).isEqualTo("scan.csv");
    assertThat(layout.display("/")).isEqualTo("");
    assertThat(layout.display(null)).isNull();
    assertThat(layout.display("")).isEmpty();
  }

  @Test
  void messagesLoseTheAbsolutePathsOfTheDataDirectories() {
    StorageLayout layout = layout(temp.resolve("data"), null, null);
    String data = layout.dataDir().toString();

    assertThat(
            layout.scrub(
                "I/O error: "
                    + data
                    + "/uploads/x_a.csv: Permission denied; cannot scan "
                    + data
                    + "/outputs: gone"))
        .isEqualTo("I/O error: uploads/x_a.csv: Permission denied; cannot scan outputs: gone");
    assertThat(layout.scrub("free space of " + data + " is low"))
        .isEqualTo("free space of DATA_DIR is low");
    assertThat(layout.scrub("'" + data + "/outputs/x/log.txt'")).isEqualTo("'outputs/x/log.txt'");
    // a sibling whose name starts like the data directory is not inside it: only its name shows
    assertThat(layout.scrub("see " + data + "base/x.csv")).isEqualTo("see x.csv");
    assertThat(layout.scrub(null)).isNull();
  }

  @Test
  void otherAbsolutePathsInMessagesShowOnlyTheirFileName() {
    StorageLayout layout = layout(temp.resolve("data"), null, null);

    assertThat(layout.scrub("upload /srv/imported/2024/scan.csv is not an upload of this job"))
        .isEqualTo("upload scan.csv is not an upload of this job");
    assertThat(layout.scrub("(/opt/pipeline/run: exit 2) cwd=/home/svc"))
        .isEqualTo("(run: exit 2) cwd=svc");
    assertThat(layout.scrub("I/O error at https://example.com/a/b, 3/4 done, and/or retry"))
        .isEqualTo("I/O error at https://example.com/a/b, 3/4 done, and/or retry");
  }

  @Property(tries = 200)
  void noDisplayedPathOrScrubbedTextContainsTheDataDirectory(
      @ForAll @StringLength(max = 40) String name, @ForAll @StringLength(max = 40) String text)
      throws Exception {
    Path dataDir = Files.createTempDirectory("storekeeper-display");
    try {
      StorageLayout layout = layout(dataDir, null, null);
      String absolute = layout.dataDir().toString();
      for (String stored :
          new String[] {
            absolute + "/uploads/" + name,
            absolute + "/outputs/" + name + "/results.json",
            absolute + "/" + name
          }) {
        String shown = layout.display(stored);
        if (shown != null) {
          assertThat(shown).as(stored).doesNotContain(absolute);
        }
        assertThat(layout.scrub(text + stored + " " + text)).doesNotContain(absolute + "/");
      }
    } finally {
      try (var walk = Files.walk(dataDir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
