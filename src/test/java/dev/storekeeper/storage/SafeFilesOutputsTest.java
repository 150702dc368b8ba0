package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a processor leaves in its output directory is hostile input: links to other files, hard
 * links into other trees, FIFOs that block whoever opens them, files readable by everyone. Listing,
 * serving and measuring it must follow none of them (issue 11, section 2).
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
              new SafeFiles.FileEntry("charts/a.png", 3),
              new SafeFiles.FileEntry("hardlink-to-secret", 6));
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
  class Opening {

    private Optional<String> read(String... components) throws IOException {
      Optional<SeekableByteChannel> opened = SafeFiles.openRegular(root, List.of(components));
      if (opened.isEmpty()) {
        return Optional.empty();
      }
      try (SeekableByteChannel channel = opened.get()) {
        ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {}
        return Optional.of(new String(buffer.array(), StandardCharsets.UTF_8));
      }
    }

    @Test
    void opensARegularFileBelowTheRoot() throws IOException {
      assertThat(read("job", "charts", "a.png")).contains("png");
    }

    @Test
    void refusesLinksHardLinksFifosAndDirectories() throws Exception {
      plantHostileEntries();

      assertThat(read("job", "link-to-secret")).isEmpty();
      Files.writeString(tmp.resolve("a-directory/inside.txt"), "inside");
      assertThat(read("job", "link-to-dir", "inside.txt")).isEmpty();
      assertThat(read("job", "dangling")).isEmpty();
      assertThat(read("job", "hardlink-to-secret")).isEmpty();
      assertThat(read("job", "fifo")).isEmpty();
      assertThat(read("job", "charts")).isEmpty();
      assertThat(read("job", "missing")).isEmpty();
    }

    @Test
    void refusesAJobDirectoryThatIsALink() throws IOException {
      Files.createSymbolicLink(root.resolve("linked-job"), job);

      assertThat(read("linked-job", "results.json")).isEmpty();
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
