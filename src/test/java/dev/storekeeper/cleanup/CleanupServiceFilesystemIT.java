package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Undeletable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The cleanup engine's cases only a filesystem has: symbolic links (never followed out of the data
 * directory) and a file that permissions keep (a partial run, retried). A bucket has neither.
 */
abstract class CleanupServiceFilesystemIT extends CleanupServiceIT {

  @Test
  void removesAnOrphanSymlinkButNeverItsTargetOutsideTheDataDirectory() throws Exception {
    Path outside = Files.createTempDirectory("storekeeper-outside");
    Fixtures.write(outside.resolve("precious.txt"), "do not delete");
    Path link = layout.uploadsRoot().resolve(UUID.randomUUID() + "_link");
    Files.createSymbolicLink(link, outside);
    Path outLink = layout.outputsRoot().resolve(UUID.randomUUID().toString());
    Files.createSymbolicLink(outLink, outside);
    Path unrecognizedLink = layout.uploadsRoot().resolve("some-link");
    Files.createSymbolicLink(unrecognizedLink, Path.of("/"));
    for (Path planted : List.of(link, outLink, unrecognizedLink)) {
      Fixtures.touchLink(planted, now().minus(Duration.ofDays(2)));
    }

    run(new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, true));

    assertThat(link).doesNotExist();
    assertThat(outLink).doesNotExist();
    assertThat(unrecognizedLink).doesNotExist();
    assertThat(outside.resolve("precious.txt")).hasContent("do not delete");
    assertThat(Path.of("/etc/hostname")).exists();
  }

  @Test
  void leavesAJobsOutputAloneWhenItsOutputDirectoryIsALinkToElsewhere() throws Exception {
    Path outside = Files.createTempDirectory("storekeeper-outside");
    Fixtures.write(outside.resolve("precious.txt"), "do not delete");
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(90))).create();
    deleteTree(job.outputDir());
    Files.createSymbolicLink(job.outputDir(), outside);

    full();

    assertThat(fixtures.rowExists(job.id())).isFalse();
    assertThat(job.outputDir()).doesNotExist();
    assertThat(outside.resolve("precious.txt")).hasContent("do not delete");
  }

  @Test
  void aFileThatCannotBeDeletedMakesThePartialOutcomeAndIsRetriedNextRun() throws Exception {
    CreatedJob stuck =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(90))).create();
    CreatedJob fine =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(91))).create();
    Path sub = stuck.outputDir().resolve("visualizations/overlays");
    Undeletable blocker = Undeletable.plantIn(sub);

    try {
      CleanupRun first = full();

      assertThat(first.outcome()).isEqualTo(Outcome.PARTIAL);
      assertThat(first.counts().errorCount()).isEqualTo(1);
      assertThat(fixtures.gone(fine)).isTrue();
      assertThat(fixtures.rowExists(stuck.id())).isTrue();
      assertThat(first.errors()).anyMatch(e -> e.contains(stuck.id().toString()));
      assertThat(
              jdbc.sql("select cleanup_error from jobs where id = :id")
                  .param("id", stuck.id())
                  .query(String.class)
                  .single())
          .isNotBlank();
    } finally {
      blocker.release();
    }

    CleanupRun second = full();

    assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(second.counts().resumedJobs()).isEqualTo(1);
    assertThat(fixtures.rowExists(stuck.id())).isFalse();
    assertThat(stuck.outputDir()).doesNotExist();
  }
}
