package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.DeepTree;
import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.Undeletable;
import dev.storekeeper.jobs.JobRepository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One item that cannot be handled must fail alone (issue 11, section 3): a tree deeper than any
 * recursion, an unexpected exception or error on one job, a file that never goes. The run ends
 * {@code partial}, the lock and the ledger row are released, later runs are not blocked, and an
 * item that keeps failing is parked as stuck where operators see it.
 */
abstract class CleanupIsolationIT extends StorekeeperIT {

  /** Deeper than the recursive walk this replaced survived (it overflowed at about 2,000). */
  private static final int DEEP = 3_000;

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  @Autowired JobRepository jobs;
  @Autowired CleanupReports reports;
  Fixtures fixtures;

  @BeforeEach
  void fixtures() {
    fixtures = new Fixtures(jdbc, layout);
  }

  @AfterEach
  void noSeams() {
    executor.checkpoint = step -> {};
    executor.beforeFiles = job -> {};
  }

  Instant now() {
    return clock.instant();
  }

  CleanupRun full() {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
  }

  CleanupRun dry() {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, true), CleanupProgress.NONE);
  }

  CreatedJob expired() {
    return fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40))).create();
  }

  /** The cleanup component of {@code /health}, read through HTTP as operators read it. */
  String cleanupHealth() {
    return new Http(port)
        .get("/health", "Authorization", "Bearer " + ADMIN_TOKEN)
        .json()
        .path("components")
        .path("cleanup")
        .path("status")
        .asString();
  }

  String status(UUID id) {
    return jdbc.sql("select status from jobs where id = :id")
        .param("id", id)
        .query(String.class)
        .optional()
        .orElse("(none)");
  }

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
  void anUnexpectedExceptionOnOneJobFailsThatJobAloneAndReleasesTheLock() {
    CreatedJob poison = expired();
    CreatedJob other = expired();
    executor.beforeFiles =
        job -> {
          if (job.id().equals(poison.id())) {
            throw new IllegalStateException("something nobody expected");
          }
        };

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(fixtures.gone(other)).isTrue();
    assertThat(run.errors())
        .singleElement()
        .asString()
        .startsWith(poison.id() + ": internal error: ")
        .contains("something nobody expected");
    assertThat(cleanup.runningRunId()).isEmpty();
    assertThat(status(poison.id())).isEqualTo("deleting");

    executor.beforeFiles = job -> {};
    CleanupRun next = full();

    assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(next.counts().resumedJobs()).isEqualTo(1);
    assertThat(fixtures.gone(poison)).isTrue();
  }

  @Test
  void anErrorOnOneJobFailsThatJobAloneToo() {
    CreatedJob poison = expired();
    CreatedJob other = expired();
    executor.beforeFiles =
        job -> {
          if (job.id().equals(poison.id())) {
            throw new StackOverflowError("a walk that recursed");
          }
        };

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(fixtures.gone(other)).isTrue();
    assertThat(run.errors()).singleElement().asString().contains("StackOverflowError");
    assertThat(cleanup.runningRunId()).isEmpty();
  }

  @Test
  void anErrorOutsideAnyItemEndsTheRunFailedAndStillReleasesTheLockAndTheLedgerRow() {
    expired();
    executor.checkpoint =
        step -> {
          if (step.equals("rows")) {
            throw new LinkageError("a class that would not load");
          }
        };

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(run.finishedAt()).isNotNull();
    assertThat(run.errors().get(0)).contains("a class that would not load");
    assertThat(cleanup.runningRunId()).isEmpty();

    executor.checkpoint = step -> {};
    CleanupRun next = full();

    assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
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
  void aDryRunWithRetryStuckListsWhatARealRunWouldRetry() throws Exception {
    CreatedJob stuck = expired();
    jdbc.sql("update jobs set status = 'stuck', cleanup_attempts = 5 where id = :id")
        .param("id", stuck.id())
        .update();

    CleanupRun dry =
        cleanup.run(
            CleanupRequest.full(Trigger.CLI, true).withRetryStuck(true), CleanupProgress.NONE);
    CleanupRun plain = dry();

    assertThat(dry.counts().resumedJobs()).isEqualTo(1);
    assertThat(plain.counts().resumedJobs()).isZero();
    assertThat(status(stuck.id())).isEqualTo("stuck");
  }

  // ---- section 9: a reference makes it live --------------------------------------------------

  /** A job row as the reference application leaves it: its upload named by another UUID. */
  CreatedJob referenceStyleJob(dev.storekeeper.jobs.JobStatus status, Instant finished) {
    CreatedJob job = fixtures.aJob(status).finishedAt(finished).create();
    Path foreign = layout.uploadsRoot().resolve(UUID.randomUUID() + "_scan.csv");
    move(job.upload(), foreign);
    Fixtures.touch(foreign, now().minus(Duration.ofDays(3)));
    setFilePath(job.id(), foreign.toString());
    return new CreatedJob(job.id(), foreign, job.outputDir());
  }

  void setFilePath(UUID id, String path) {
    jdbc.sql("update jobs set file_path = :path where id = :id")
        .param("path", path)
        .param("id", id)
        .update();
  }

  static void move(Path from, Path to) {
    try {
      Files.move(from, to);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anUploadAJobRefersToIsNeverAnOrphanWhateverItsName() {
    List<CreatedJob> live =
        List.of(
            referenceStyleJob(dev.storekeeper.jobs.JobStatus.PENDING, null),
            referenceStyleJob(dev.storekeeper.jobs.JobStatus.RUNNING, null),
            referenceStyleJob(COMPLETED, now().minus(Duration.ofDays(1))));

    CleanupRun dry = dry();
    CleanupRun run = full();

    assertThat(dry.counts().orphanedUploads()).isZero();
    assertThat(run.counts().orphanedUploads()).isZero();
    assertThat(live).allMatch(fixtures::intact);
  }

  @Test
  void anUploadWithAForeignNameThatAJobRefersToIsKeptEvenWhenForeignNamesAreRemoved() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Path foreign = layout.uploadsRoot().resolve("scan from the old system.csv");
    move(job.upload(), foreign);
    Fixtures.touch(foreign, now().minus(Duration.ofDays(3)));
    setFilePath(job.id(), foreign.toString());

    CleanupRun run =
        cleanup.run(
            new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, true),
            CleanupProgress.NONE);

    assertThat(run.counts().unrecognizedDeleted()).isZero();
    assertThat(foreign).exists();
    assertThat(cleanup.items(run.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.reason()).contains("a job refers to it"));
  }

  @Test
  void anExpiredJobWhoseUploadIsNamedByAnotherUuidIsDeletedWithItAndNothingStaysDeleting() {
    CreatedJob job = referenceStyleJob(FAILED, now().minus(Duration.ofDays(10)));

    CleanupRun dry = dry();
    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().failedJobs()).isEqualTo(1);
    assertThat(run.counts().uploadFilesDeleted()).isEqualTo(1);
    assertThat(dry.counts().bytesFreed()).isEqualTo(run.counts().bytesFreed());
    assertThat(fixtures.gone(job)).isTrue();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
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

  @Test
  void anExpiredJobWhoseUploadLiesOutsideTheUploadsDirectoryIsDeletedAndTheFileKept()
      throws Exception {
    CreatedJob job = expired();
    Path elsewhere = Files.createTempDirectory(layout.dataDir(), "elsewhere").resolve("keep.csv");
    move(job.upload(), elsewhere);
    setFilePath(job.id(), elsewhere.toString());

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(fixtures.rowExists(job.id())).isFalse();
    assertThat(elsewhere).exists();
    assertThat(cleanup.items(run.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.reason()).contains("left in place"));
  }

  @Test
  void anUploadTwoJobsReferToGoesOnlyWithTheLastOfThem() {
    CreatedJob first = expired();
    CreatedJob second =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    setFilePath(second.id(), first.upload().toString());

    CleanupRun run = full();

    assertThat(fixtures.rowExists(first.id())).isFalse();
    assertThat(first.upload()).as("still second's upload").exists();
    assertThat(cleanup.items(run.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.reason()).contains("also referenced by another job"));

    clock.advance(Duration.ofDays(40));
    full();

    assertThat(first.upload()).doesNotExist();
    assertThat(fixtures.rowExists(second.id())).isFalse();
  }

  @Test
  void anOutputDirectoryAnotherJobsResultPathPointsIntoIsNeverAnOrphan() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Path shared = layout.outputDir(UUID.randomUUID());
    Fixtures.write(shared.resolve("results.json"), "{}");
    Fixtures.touch(shared.resolve("results.json"), now().minus(Duration.ofDays(3)));
    Fixtures.touch(shared, now().minus(Duration.ofDays(3)));
    jdbc.sql("update jobs set result_path = :path where id = :id")
        .param("path", shared.resolve("results.json").toString())
        .param("id", job.id())
        .update();

    CleanupRun run = full();

    assertThat(run.counts().orphanedOutputs()).isZero();
    assertThat(shared.resolve("results.json")).exists();
  }

  @Test
  void theOrphanClaimItselfRefusesAnEntryAResultPathIsOrLiesBelow() {
    // the claim is what decides when a reference appears after the run read them (once per run)
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    CreatedJob other =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Path exact = oldOutputEntry();
    Path below = oldOutputEntry();
    Path unrelated = oldOutputEntry();
    setResultPath(job.id(), exact.toString());
    setResultPath(other.id(), below.resolve("results.json").toString());
    UUID run = UUID.randomUUID();

    assertThat(claim(exact, run)).as("a result_path equal to the entry").isFalse();
    assertThat(claim(below, run)).as("a result_path below the entry").isFalse();
    assertThat(claim(unrelated, run)).as("no reference").isTrue();
  }

  private boolean claim(Path outputEntry, UUID run) {
    return jobs.claimOrphan(
        UUID.fromString(outputEntry.getFileName().toString()),
        outputEntry.toString(),
        false,
        now(),
        run);
  }

  @Test
  void aResultPathBesideAnEntryWhoseNameBeginsTheSameDoesNotKeepIt() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Path orphan = oldOutputEntry();
    // sorts inside the index range [entry, entry + "0") but is neither the entry nor below it
    Path beside = orphan.resolveSibling(orphan.getFileName() + "-copy");
    Fixtures.write(beside.resolve("results.json"), "{}");
    setResultPath(job.id(), beside.resolve("results.json").toString());

    full();

    assertThat(orphan).doesNotExist();
    assertThat(beside.resolve("results.json")).as("the other job's result").exists();
    assertThat(fixtures.rowExists(job.id())).isTrue();
  }

  private Path oldOutputEntry() {
    Path entry = layout.outputDir(UUID.randomUUID());
    Fixtures.write(entry.resolve("results.json"), "{}");
    Fixtures.touch(entry.resolve("results.json"), now().minus(Duration.ofDays(3)));
    Fixtures.touch(entry, now().minus(Duration.ofDays(3)));
    return entry;
  }

  private void setResultPath(UUID id, String path) {
    jdbc.sql("update jobs set result_path = :path where id = :id")
        .param("path", path)
        .param("id", id)
        .update();
  }
}
