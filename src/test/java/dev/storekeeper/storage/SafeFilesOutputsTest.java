package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a processor leaves in its output directory is hostile input: links to other files, hard
 * links into other trees, FIFOs that block whoever opens them, files readable by everyone. Listing
 * and measuring it must follow none of them (issue 11, section 2); reading one file is {@code
 * OutputDirectory}'s, tested with the processors that use it.
 */
class SafeFilesOutputsTest {

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private Path job;

  @BeforeEach
  void createAnOutputDirectoryAndAFileOutsideIt() throws IOException {
    root = Files.createDirectory(tmp.resolve("outputs"));
    outside = Files.writeString(tmp.resolve("secret.txt"), "secret");
    job = Files.createDirectory(root.resolve("job"));
    Files.writeString(job.resolve("results.json"), "{}");
    Files.createDirectories(job.resolve("charts"));
    Files.writeString(job.resolve("charts/a.png"), "png");
  }

  private void plantHostileEntries() throws IOException, InterruptedException {
    Files.createSymbolicLink(job.resolve("link-to-secret"), outside);
    Path directory = Files.createDirectory(tmp.resolve("a-directory"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(job.resolve("link-to-dir"), directory);
    Files.createSymbolicLink(job.resolve("dangling"), tmp.resolve("nothing"));
    Files.createLink(job.resolve("hardlink-to-secret"), outside);
    mkfifo(job.resolve("fifo"));
  }

  private static void mkfifo(Path path) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0).isTrue();
  }

  @Nested
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  class Listing {

    @Test
    void listsRegularFilesOnlyWithPathsRelativeToTheEntry() throws Exception {
      plantHostileEntries();

      SafeFiles.Listing listing = SafeFiles.files(root, "job", 100, 4096);

      assertThat(listing.files())
          .containsExactlyInAnyOrder(
              new SafeFiles.FileEntry("results.json", 2),
              new SafeFiles.FileEntry("charts/a.png", 3));
      assertThat(listing.truncated()).isFalse();
    }

    @Test
    void stopsAtTheLimitAndSaysSo() {
      SafeFiles.Listing listing = SafeFiles.files(root, "job", 1, 4096);

      assertThat(listing.files()).hasSize(1);
      assertThat(listing.truncated()).isTrue();
    }

    @Test
    void leavesOutPathsLongerThanAllowed() throws IOException {
      Files.createDirectories(job.resolve("charts/deeper"));
      Files.writeString(job.resolve("charts/deeper/b.png"), "png");

      assertThat(SafeFiles.files(root, "job", 100, "charts/a.png".length()).files())
          .containsExactlyInAnyOrder(
              new SafeFiles.FileEntry("results.json", 2),
              new SafeFiles.FileEntry("charts/a.png", 3));
    }

    @Test
    void listsNothingBehindAnEntryThatIsALink() throws IOException {
      Files.createSymbolicLink(root.resolve("linked-job"), job);

      assertThat(SafeFiles.files(root, "linked-job", 100, 4096).files()).isEmpty();
    }
  }

  @Nested
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  class Privatizing {

    @Test
    void takesGroupAndOtherPermissionsOffFilesAndDirectoriesAndMeasures() throws Exception {
      Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.setPosixFilePermissions(
          job.resolve("charts"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(
          job.resolve("results.json"), PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(
          job.resolve("charts/a.png"), PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
      plantHostileEntries();

      SafeFiles.Privatized privatized = SafeFiles.privatize(root, "job");

      assertThat(privatized.errors()).isEmpty();
      assertThat(privatized.bytes()).as("2 + 3 + the hard link's 6").isEqualTo(11);
      assertThat(mode(job)).isEqualTo("rwx------");
      assertThat(mode(job.resolve("charts"))).isEqualTo("rwx------");
      assertThat(mode(job.resolve("results.json"))).isEqualTo("rw-------");
      assertThat(mode(job.resolve("charts/a.png"))).isEqualTo("rwx------");
      assertThat(mode(tmp.resolve("a-directory")))
          .as("a symbolic link's target is not touched")
          .isEqualTo("rwxr-xr-x");
      assertThat(mode(outside))
          .as("a hard link is the same file as its other names: private under all of them")
          .isEqualTo("rw-------");
    }

    private String mode(Path path) throws IOException {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
  }
}
