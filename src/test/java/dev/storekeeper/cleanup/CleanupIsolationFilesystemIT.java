package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.DeepTree;
import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Undeletable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Isolation cases only a filesystem has: trees deeper than any recursion, a file permissions keep
 * (parked as stuck), a relative {@code file_path} as the reference application stores it. A bucket
 * has no depth, no permissions per key and no relative keys.
 */
abstract class CleanupIsolationFilesystemIT extends CleanupIsolationIT {

  /** Deeper than the recursive walk this replaced survived (it overflowed at about 2,000). */
  private static final int DEEP = 3_000;

  @Test
  void removesADirectoryTreeDeeperThanAnyRecursionUnderAnExpiredJob() throws Exception {
    CreatedJob job = expired();
    DeepTree.chain(job.outputDir(), "unpacked", DEEP, 12);

    CleanupRun dry = dry();
    CleanupRun real = full();

    assertThat(real.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(real.counts().completedJobs()).isEqualTo(1);
    assertThat(dry.counts().bytesFreed()).isEqualTo(real.counts().bytesFreed());
    assertThat(real.counts().bytesFreed()).isEqualTo(8 + 11 + 9 + 12);
    assertThat(fixtures.gone(job)).isTrue();
  }

  @Test
  void removesADirectoryTreeDeeperThanAnyRecursionThatIsAnOrphan() throws Exception {
    Path orphan = layout.outputDir(UUID.randomUUID());
    Files.createDirectories(orphan);
    DeepTree.chain(orphan, "unpacked", DEEP, 5);
    Fixtures.touch(orphan, now().minus(Duration.ofDays(3)));

    CleanupRun run = cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(orphan).doesNotExist();
  }

  @Test
  void anItemThatFailsEveryRunIsParkedAsStuckAndNoLongerMakesRunsPartial() throws Exception {
    int attempts = cleanup.properties().cleanupMaxItemAttempts();
    CreatedJob stuck = expired();
    Undeletable locked = Undeletable.plantIn(stuck.outputDir().resolve("locked"));
    try {
      for (int run = 1; run <= attempts; run++) {
        CleanupRun partial = full();
        assertThat(partial.outcome()).as("run %d", run).isEqualTo(Outcome.PARTIAL);
      }
      assertThat(status(stuck.id())).isEqualTo("stuck");
      assertThat(full().outcome()).as("a parked item blocks nothing").isEqualTo(Outcome.SUCCEEDED);

      CleanupReports.Stuck shown = reports.stats(false).stuck();
      assertThat(shown.count()).isEqualTo(1);
      assertThat(shown.first())
          .singleElement()
          .satisfies(
              item -> {
                assertThat(item.jobId()).isEqualTo(stuck.id());
                assertThat(item.attempts()).isEqualTo(attempts);
                assertThat(item.error()).contains("locked.bin");
              });
      assertThat(cleanupHealth()).isEqualTo("WARN");
    } finally {
      locked.release();
    }

    CleanupRun retried =
        cleanup.run(
            CleanupRequest.full(Trigger.CLI, false).withRetryStuck(true), CleanupProgress.NONE);

    assertThat(retried.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(retried.counts().resumedJobs()).isEqualTo(1);
    assertThat(fixtures.gone(stuck)).isTrue();
    assertThat(reports.stats(false).stuck().count()).isZero();
    assertThat(cleanupHealth()).isEqualTo("UP");
  }

  @Test
  void aRelativeFilePathAsTheReferenceApplicationStoresItIsFollowed() {
    CreatedJob job = referenceStyleJob(COMPLETED, now().minus(Duration.ofDays(40)));
    Path relative = Path.of("").toAbsolutePath().relativize(job.upload());
    setFilePath(job.id(), relative.toString());

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(job.upload()).doesNotExist();
    assertThat(fixtures.rowExists(job.id())).isFalse();
  }
}
