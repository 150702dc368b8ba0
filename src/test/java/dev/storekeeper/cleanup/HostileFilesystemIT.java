package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 7, case 5: a data directory planted with symbolic links (to files, directories, {@code /},
 * dangling, loops) and awkward names. Cleanup removes links as entries and never touches what they
 * point at; every name it recognises as ours is removed, whatever bytes it contains; and it never
 * reports as deleted what is still on disk. Runs on H2 and PostgreSQL through its subclasses.
 */
abstract class HostileFilesystemIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  Fixtures fixtures;
  Path outside;
  Path precious;
  Path preciousDir;

  @BeforeEach
  void plantTargetsOutsideTheDataDirectory() throws Exception {
    fixtures = new Fixtures(jdbc, layout);
    outside = Files.createTempDirectory("storekeeper-outside");
    precious = outside.resolve("precious.txt");
    Fixtures.write(precious, "do not delete");
    preciousDir = outside.resolve("tree");
    Fixtures.write(preciousDir.resolve("deep/leaf.txt"), "leaf");
  }

  @AfterEach
  void removeTargets() throws Exception {
    deleteTree(outside);
  }

  Instant old() {
    return clock.instant().minus(Duration.ofDays(3));
  }

  CleanupRun orphansOnly(boolean includeUnrecognized) {
    return cleanup.run(
        new CleanupRequest(
            Trigger.CLI, false, false, false, true, null, null, null, includeUnrecognized),
        CleanupProgress.NONE);
  }

  CleanupRun full() {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
  }

  Path link(Path root, String name, Path target) throws Exception {
    Path link = root.resolve(name);
    Files.createSymbolicLink(link, target);
    Fixtures.touchLink(link, old());
    return link;
  }

  void assertTargetsIntact() {
    assertThat(precious).hasContent("do not delete");
    assertThat(preciousDir.resolve("deep/leaf.txt")).hasContent("leaf");
    assertThat(Path.of("/etc/hostname")).exists();
    assertThat(layout.uploadsRoot()).isDirectory();
    assertThat(layout.outputsRoot()).isDirectory();
  }

  @Test
  void removesOrphanLinksOfEveryKindAsEntriesAndNeverTheirTargets() throws Exception {
    Path uploads = layout.uploadsRoot();
    Path outputs = layout.outputsRoot();
    UUID loopA = UUID.randomUUID();
    UUID loopB = UUID.randomUUID();
    UUID self = UUID.randomUUID();
    List<Path> links =
        List.of(
            link(uploads, UUID.randomUUID() + "_file.csv", precious),
            link(uploads, UUID.randomUUID() + "_dir", preciousDir),
            link(uploads, UUID.randomUUID() + "_root", Path.of("/")),
            link(uploads, UUID.randomUUID() + "_dangling", outside.resolve("missing")),
            link(uploads, loopA + "_loop", uploads.resolve(loopB + "_loop")),
            link(uploads, loopB + "_loop", uploads.resolve(loopA + "_loop")),
            link(uploads, self + "_self", uploads.resolve(self + "_self")),
            link(uploads, UUID.randomUUID() + "_data-dir", layout.dataDir()),
            link(outputs, UUID.randomUUID().toString(), precious),
            link(outputs, UUID.randomUUID().toString(), preciousDir),
            link(outputs, UUID.randomUUID().toString(), Path.of("/")),
            link(outputs, UUID.randomUUID().toString(), outside.resolve("missing")),
            link(outputs, UUID.randomUUID().toString(), outputs));

    CleanupRun run = orphansOnly(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    for (Path planted : links) {
      assertThat(Files.exists(planted, LinkOption.NOFOLLOW_LINKS)).as(planted.toString()).isFalse();
    }
    assertThat(run.counts().orphanedUploads() + run.counts().orphanedOutputs())
        .isEqualTo(links.size());
    assertTargetsIntact();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
  }

  @Test
  void keepsUnrecognisedLinksByDefaultAndRemovesOnlyTheLinksWhenAsked() throws Exception {
    List<Path> links =
        List.of(
            link(layout.uploadsRoot(), "to-root", Path.of("/")),
            link(layout.uploadsRoot(), "to-file", precious),
            link(layout.outputsRoot(), "to-dir", preciousDir),
            link(layout.outputsRoot(), "dangling", outside.resolve("missing")),
            link(layout.outputsRoot(), "loop", layout.outputsRoot().resolve("loop")));

    CleanupRun kept = orphansOnly(false);

    assertThat(kept.counts().unrecognizedFound()).isEqualTo(links.size());
    assertThat(kept.counts().unrecognizedBytes()).isZero();
    assertThat(links).allMatch(l -> Files.exists(l, LinkOption.NOFOLLOW_LINKS));

    CleanupRun removed = orphansOnly(true);

    assertThat(removed.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(removed.counts().unrecognizedDeleted()).isEqualTo(links.size());
    assertThat(links).noneMatch(l -> Files.exists(l, LinkOption.NOFOLLOW_LINKS));
    assertTargetsIntact();
  }

  @Test
  void deletesAnExpiredJobWithLinksInsideItsOutputsAndAsItsUploadButNotTheirTargets()
      throws Exception {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(old().minus(Duration.ofDays(60))).create();
    Files.createSymbolicLink(job.outputDir().resolve("to-dir"), preciousDir);
    Files.createSymbolicLink(job.outputDir().resolve("to-root"), Path.of("/"));
    Files.createSymbolicLink(job.outputDir().resolve("visualizations/to-file"), precious);
    Files.createSymbolicLink(job.outputDir().resolve("loop"), job.outputDir().resolve("loop"));
    Files.delete(job.upload());
    Files.createSymbolicLink(job.upload(), precious);

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(fixtures.gone(job)).isTrue();
    assertThat(Files.exists(job.upload(), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertTargetsIntact();
  }

  @Test
  void removesOrphansWhoseNamesHoldSpacesNewlinesAndTheLongestNameTheFilesystemAllows() {
    String longTail = "x".repeat(255 - 37 - ".csv".length()) + ".csv";
    List<String> uploadNames =
        List.of(
            UUID.randomUUID() + "_with spaces  and\ttabs.csv",
            UUID.randomUUID() + "_line\nbreak\r\n.csv",
            UUID.randomUUID() + "_" + longTail,
            UUID.randomUUID() + "_ü-名前-🙂.csv");
    for (String name : uploadNames) {
      Path file = layout.uploadsRoot().resolve(name);
      Fixtures.write(file, "orphan");
      Fixtures.touch(file, old());
    }
    Path dir = layout.outputDir(UUID.randomUUID());
    Path deepName = dir.resolve("a b\nc").resolve("y".repeat(255));
    Fixtures.write(deepName, "deep");
    Fixtures.touch(dir, old());

    CleanupRun run = orphansOnly(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().orphanedUploads()).isEqualTo(uploadNames.size());
    assertThat(run.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(layout.uploadsRoot()).isEmptyDirectory();
    assertThat(layout.outputsRoot()).isEmptyDirectory();
  }

  @Test
  void removesAnOrphanWhoseNameIsNotValidUtf8AndNeverReportsAFileItLeftBehind() throws Exception {
    UUID id = UUID.randomUUID();
    // 0xff and 0xfe never occur in UTF-8: Java cannot turn this name into a String and back
    shell("printf orphan > \"$1/$2_$(printf 'bad\\377\\376name')\"", layout.uploadsRoot(), id);
    shell("mkdir \"$1/$(printf 'not-ours-\\377')\"", layout.outputsRoot(), id);
    shell("touch -h -d '3 days ago' \"$1\"/*", layout.uploadsRoot(), id);
    shell("touch -h -d '3 days ago' \"$1\"/*", layout.outputsRoot(), id);
    clock.set(Instant.now());

    CleanupRun run = orphansOnly(true);

    assertThat(entries(layout.uploadsRoot())).isZero();
    assertThat(entries(layout.outputsRoot())).isZero();
    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().orphanedUploads()).isEqualTo(1);
    assertThat(run.counts().orphanBytes()).isEqualTo("orphan".length());
    assertThat(run.counts().unrecognizedDeleted()).isEqualTo(1);
  }

  @Test
  void keepsAnUnrecognisedNameThatIsNotValidUtf8AndStillCountsIt() throws Exception {
    shell("printf 12345 > \"$1/$(printf 'foreign-\\377')\"", layout.uploadsRoot(), null);
    shell("touch -h -d '3 days ago' \"$1\"/*", layout.uploadsRoot(), null);
    clock.set(Instant.now());

    CleanupRun run = orphansOnly(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(entries(layout.uploadsRoot())).isEqualTo(1);
    assertThat(run.counts().unrecognizedFound()).isEqualTo(1);
    assertThat(run.counts().unrecognizedBytes()).isEqualTo(5);
  }

  private static long entries(Path dir) throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  /** Runs {@code script} with $1 = dir and $2 = id, for names Java cannot spell. */
  private static void shell(String script, Path dir, UUID id) throws Exception {
    Process process =
        new ProcessBuilder(
                "sh", "-c", script, "sh", dir.toString(), id == null ? "" : id.toString())
            .inheritIO()
            .start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(script).isZero();
  }
}
