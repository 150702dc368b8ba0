package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Fixtures.Entry;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobRepository;
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
 * item that keeps failing is parked as stuck where operators see it. Runs on both storage backends;
 * what needs a filesystem (deep trees, permissions, relative paths) is in {@code
 * CleanupIsolationFilesystemIT}.
 */
abstract class CleanupIsolationIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  @Autowired JobRepository jobs;
  @Autowired CleanupReports reports;
  Fixtures fixtures;

  @BeforeEach
  void fixtures() {
    fixtures = backendFixtures();
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
    Entry foreign = job.uploadEntry().moveTo(fixtures.upload(UUID.randomUUID() + "_scan.csv"));
    foreign.touch(now().minus(Duration.ofDays(3)));
    setFilePath(job.id(), foreign.stored());
    return new CreatedJob(job.id(), foreign, job.outputEntry());
  }

  void setFilePath(UUID id, String path) {
    jdbc.sql("update jobs set file_path = :path where id = :id")
        .param("path", path)
        .param("id", id)
        .update();
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
    Entry foreign = job.uploadEntry().moveTo(fixtures.upload("scan from the old system.csv"));
    foreign.touch(now().minus(Duration.ofDays(3)));
    setFilePath(job.id(), foreign.stored());

    CleanupRun run =
        cleanup.run(
            new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, true),
            CleanupProgress.NONE);

    assertThat(run.counts().unrecognizedDeleted()).isZero();
    assertThat(foreign.exists()).isTrue();
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
  void anExpiredJobWhoseUploadLiesOutsideTheUploadsDirectoryIsDeletedAndTheFileKept() {
    CreatedJob job = expired();
    Entry elsewhere = job.uploadEntry().moveTo(fixtures.outside("keep.csv"));
    setFilePath(job.id(), elsewhere.stored());

    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(fixtures.rowExists(job.id())).isFalse();
    assertThat(elsewhere.exists()).isTrue();
    assertThat(cleanup.items(run.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.reason()).contains("left in place"));
  }

  @Test
  void anUploadTwoJobsReferToGoesOnlyWithTheLastOfThem() {
    CreatedJob first = expired();
    CreatedJob second =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    setFilePath(second.id(), first.uploadEntry().stored());

    CleanupRun run = full();

    assertThat(fixtures.rowExists(first.id())).isFalse();
    assertThat(first.uploadEntry().exists()).as("still second's upload").isTrue();
    assertThat(cleanup.items(run.id(), 0, 10))
        .singleElement()
        .satisfies(item -> assertThat(item.reason()).contains("also referenced by another job"));

    clock.advance(Duration.ofDays(40));
    full();

    assertThat(first.uploadEntry().exists()).isFalse();
    assertThat(fixtures.rowExists(second.id())).isFalse();
  }

  @Test
  void anOutputDirectoryAnotherJobsResultPathPointsIntoIsNeverAnOrphan() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Entry shared = fixtures.output(UUID.randomUUID().toString());
    shared.resolve("results.json").write("{}").touch(now().minus(Duration.ofDays(3)));
    shared.touch(now().minus(Duration.ofDays(3)));
    jdbc.sql("update jobs set result_path = :path where id = :id")
        .param("path", shared.resolve("results.json").stored())
        .param("id", job.id())
        .update();

    CleanupRun run = full();

    assertThat(run.counts().orphanedOutputs()).isZero();
    assertThat(shared.resolve("results.json").exists()).isTrue();
  }

  @Test
  void theOrphanClaimItselfRefusesAnEntryAResultPathIsOrLiesBelow() {
    // the claim is what decides when a reference appears after the run read them (once per run)
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    CreatedJob other =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Entry exact = oldOutputEntry();
    Entry below = oldOutputEntry();
    Entry unrelated = oldOutputEntry();
    setResultPath(job.id(), exact.stored());
    setResultPath(other.id(), below.resolve("results.json").stored());
    UUID run = UUID.randomUUID();

    assertThat(claim(exact, run)).as("a result_path equal to the entry").isFalse();
    assertThat(claim(below, run)).as("a result_path below the entry").isFalse();
    assertThat(claim(unrelated, run)).as("no reference").isTrue();
  }

  private boolean claim(Entry outputEntry, UUID run) {
    return jobs.claimOrphan(
        UUID.fromString(outputEntry.name()), outputEntry.stored(), false, now(), run);
  }

  @Test
  void aResultPathBesideAnEntryWhoseNameBeginsTheSameDoesNotKeepIt() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Entry orphan = oldOutputEntry();
    // sorts inside the index range [entry, entry + "0") but is neither the entry nor below it
    Entry beside = orphan.sibling(orphan.name() + "-copy");
    beside.resolve("results.json").write("{}");
    setResultPath(job.id(), beside.resolve("results.json").stored());

    full();

    assertThat(orphan.exists()).isFalse();
    assertThat(beside.resolve("results.json").exists()).as("the other job's result").isTrue();
    assertThat(fixtures.rowExists(job.id())).isTrue();
  }

  private Entry oldOutputEntry() {
    Entry entry = fixtures.output(UUID.randomUUID().toString());
    entry.resolve("results.json").write("{}").touch(now().minus(Duration.ofDays(3)));
    entry.touch(now().minus(Duration.ofDays(3)));
    return entry;
  }

  private void setResultPath(UUID id, String path) {
    jdbc.sql("update jobs set result_path = :path where id = :id")
        .param("path", path)
        .param("id", id)
        .update();
  }
}
