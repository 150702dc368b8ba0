package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static dev.storekeeper.jobs.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Fixtures.Entry;
import dev.storekeeper.StorekeeperIT;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The cleanup engine against a real database: what it must delete, and above all what it must keep.
 * Runs on both storage backends, each on H2 and PostgreSQL, through its subclasses: {@code
 * CleanupServiceFilesystemIT} adds what only a filesystem has (links, permissions), {@code
 * CleanupServiceS3IT} what only a bucket has (hostile keys and rows). Configured retention: 30 days
 * completed, 7 failed, 7 cancelled, 24 h orphan grace.
 */
abstract class CleanupServiceIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  Fixtures fixtures;

  Instant now() {
    return clock.instant();
  }

  @BeforeEach
  void fixtures() {
    fixtures = backendFixtures();
  }

  @AfterEach
  void noCrashes() {
    executor.checkpoint = step -> {};
  }

  CleanupRun run(CleanupRequest request) {
    return cleanup.run(request, CleanupProgress.NONE);
  }

  CleanupRun full() {
    return run(CleanupRequest.full(Trigger.CLI, false));
  }

  CleanupRun dry() {
    return run(CleanupRequest.full(Trigger.CLI, true));
  }

  List<CleanupItem> items(CleanupRun run) {
    return cleanup.items(run.id(), 0, 10_000);
  }

  @Test
  void deletesCompletedJobJustAfterCutoffWithRowMetricsUploadAndOutputs() {
    CreatedJob old =
        fixtures
            .aJob(COMPLETED)
            .finishedAt(now().minus(Duration.ofDays(30)).minusSeconds(1))
            .create();

    CleanupRun run = full();

    assertThat(fixtures.gone(old)).isTrue();
    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(run.counts().metricsDeleted()).isEqualTo(2);
    assertThat(run.counts().uploadFilesDeleted()).isEqualTo(1);
    assertThat(run.counts().outputDirsDeleted()).isEqualTo(1);
    assertThat(run.counts().bytesFreed()).isEqualTo(8 + 11 + 9);
  }

  @Test
  void keepsCompletedJobExactlyAtAndJustBeforeCutoff() {
    CreatedJob atCutoff =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(30))).create();
    CreatedJob inside =
        fixtures
            .aJob(COMPLETED)
            .finishedAt(now().minus(Duration.ofDays(30)).plusSeconds(1))
            .create();

    CleanupRun run = full();

    assertThat(fixtures.intact(atCutoff)).isTrue();
    assertThat(fixtures.intact(inside)).isTrue();
    assertThat(run.counts().completedJobs()).isZero();
  }

  @Test
  void keepsFailedJobExactlyAtCutoffAndDeletesItJustAfter() {
    CreatedJob atCutoff =
        fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(7))).create();
    CreatedJob after =
        fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(7)).minusMillis(1)).create();

    CleanupRun run = full();

    assertThat(fixtures.intact(atCutoff)).isTrue();
    assertThat(fixtures.gone(after)).isTrue();
    assertThat(run.counts().failedJobs()).isEqualTo(1);
  }

  @Test
  void cleansCancelledJobsWithTheirOwnRetention() {
    CreatedJob old = fixtures.aJob(CANCELLED).finishedAt(now().minus(Duration.ofDays(8))).create();
    CreatedJob recent =
        fixtures.aJob(CANCELLED).finishedAt(now().minus(Duration.ofDays(6))).create();

    CleanupRun run = full();

    assertThat(fixtures.gone(old)).isTrue();
    assertThat(fixtures.intact(recent)).isTrue();
    assertThat(run.counts().cancelledJobs()).isEqualTo(1);
  }

  @Test
  void zeroDayRetentionDeletesEverythingFinishedBeforeNowButNotLaterOnes() {
    CreatedJob justFinished = fixtures.aJob(COMPLETED).finishedAt(now().minusMillis(1)).create();
    CreatedJob finishingNow = fixtures.aJob(COMPLETED).finishedAt(now()).create();

    CleanupRun run =
        run(new CleanupRequest(Trigger.API, false, true, false, false, 0, null, null, false));

    assertThat(fixtures.gone(justFinished)).isTrue();
    assertThat(fixtures.intact(finishingNow)).isTrue();
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(run.parameters()).contains("\"completed_days\":0");
  }

  @Test
  void neverTouchesPendingOrRunningJobsHoweverOld() {
    CreatedJob pending = fixtures.aJob(PENDING).create();
    CreatedJob running = fixtures.aJob(RUNNING).create();
    clock.advance(Duration.ofDays(3650));

    CleanupRun run =
        run(new CleanupRequest(Trigger.API, false, false, false, false, 0, 0, 0, false));

    assertThat(fixtures.intact(pending)).isTrue();
    assertThat(fixtures.intact(running)).isTrue();
    assertThat(run.counts().itemsRecorded()).isZero();
  }

  @Test
  void neverDeletesAFinishedJobWithoutCompletionTimestamp() {
    CreatedJob noTimestamp = fixtures.aJob(FAILED).create();
    clock.advance(Duration.ofDays(3650));

    run(new CleanupRequest(Trigger.API, false, false, false, false, 0, 0, 0, false));

    assertThat(fixtures.intact(noTimestamp)).isTrue();
  }

  @Test
  void selectorsOnlyCleanWhatTheyName() {
    CreatedJob completed =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(90))).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(90))).create();
    CreatedJob cancelled =
        fixtures.aJob(CANCELLED).finishedAt(now().minus(Duration.ofDays(90))).create();
    Entry orphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));

    run(new CleanupRequest(Trigger.CLI, false, false, true, false, null, null, null, false));

    assertThat(fixtures.intact(completed)).isTrue();
    assertThat(fixtures.gone(failed)).isTrue();
    assertThat(fixtures.gone(cancelled)).isTrue();
    assertThat(orphan.exists()).isTrue();

    run(new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, false));

    assertThat(fixtures.intact(completed)).isTrue();
    assertThat(orphan.exists()).isFalse();
  }

  @Test
  void retentionOverrideAppliesToThisRunOnly() {
    CreatedJob fortyDays =
        fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40))).create();

    run(new CleanupRequest(Trigger.CLI, false, false, false, false, 60, null, null, false));
    assertThat(fixtures.intact(fortyDays)).isTrue();

    full();
    assertThat(fixtures.gone(fortyDays)).isTrue();
  }

  @Test
  void deletesManyJobsAcrossBatchesOldestFirst() {
    List<CreatedJob> old = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      old.add(
          fixtures
              .aJob(COMPLETED)
              .finishedAt(now().minus(Duration.ofDays(31 + i)))
              .metrics(1)
              .create());
    }
    CleanupRun run = full();

    assertThat(old).allMatch(fixtures::gone);
    assertThat(run.counts().completedJobs()).isEqualTo(25);
    List<CleanupItem> items = items(run);
    assertThat(items)
        .extracting(CleanupItem::ageSeconds)
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
  }

  @Test
  void reportsExactlyWhatTheRealRunThenDeletes() {
    for (int i = 0; i < 7; i++) {
      fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(31 + i))).create();
      fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(8 + i))).create();
      fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(i))).create();
    }
    fixtures.aJob(CANCELLED).finishedAt(now().minus(Duration.ofDays(100))).create();
    fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));
    fixtures.anOrphanOutput(now().minus(Duration.ofDays(3)));
    fixtures.anOrphanUpload(now().minus(Duration.ofHours(1)));
    fixtures.upload("notes.txt").write("operator's file");

    CleanupRun dry = dry();
    List<CleanupItem> wouldDelete = items(dry);
    CleanupRun real = full();
    List<CleanupItem> deleted = items(real);

    assertThat(dry.dryRun()).isTrue();
    assertThat(withoutResult(wouldDelete)).isEqualTo(withoutResult(deleted));
    assertThat(dry.counts()).isEqualTo(real.counts());
    assertThat(wouldDelete)
        .filteredOn(i -> i.result() != CleanupItem.Result.KEPT)
        .allMatch(i -> i.result() == CleanupItem.Result.WOULD_DELETE);
    assertThat(deleted)
        .filteredOn(i -> i.result() != CleanupItem.Result.KEPT)
        .allMatch(i -> i.result() == CleanupItem.Result.DELETED);
    assertThat(real.counts().completedJobs()).isEqualTo(7);
    assertThat(real.counts().failedJobs()).isEqualTo(7);
    assertThat(real.counts().cancelledJobs()).isEqualTo(1);
    assertThat(real.counts().orphanedUploads()).isEqualTo(1);
    assertThat(real.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(real.counts().unrecognizedFound()).isEqualTo(1);
  }

  @Test
  void changesNothing() {
    CreatedJob old = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(90))).create();
    Entry orphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));

    CleanupRun run = dry();

    assertThat(fixtures.intact(old)).isTrue();
    assertThat(orphan.exists()).isTrue();
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(run.counts().bytesFreed()).isPositive();
  }

  private List<String> withoutResult(List<CleanupItem> items) {
    return items.stream()
        .map(
            i ->
                i.seq()
                    + "|"
                    + i.category()
                    + "|"
                    + i.jobId()
                    + "|"
                    + i.path()
                    + "|"
                    + i.ageSeconds()
                    + "|"
                    + i.bytes()
                    + "|"
                    + i.metrics()
                    + "|"
                    + i.reason())
        .toList();
  }

  @Test
  void removesOrphansOlderThanTheGraceWindowOnly() {
    Entry oldUpload = fixtures.anOrphanUpload(now().minus(Duration.ofHours(24)).minusSeconds(1));
    Entry youngUpload = fixtures.anOrphanUpload(now().minus(Duration.ofHours(23)));
    Entry oldOutput = fixtures.anOrphanOutput(now().minus(Duration.ofDays(2)));
    Entry youngOutput = fixtures.anOrphanOutput(now().minus(Duration.ofHours(1)));

    CleanupRun run = full();

    assertThat(oldUpload.exists()).isFalse();
    assertThat(oldOutput.exists()).isFalse();
    assertThat(youngUpload.exists()).isTrue();
    assertThat(youngOutput.exists()).isTrue();
    assertThat(run.counts().orphanedUploads()).isEqualTo(1);
    assertThat(run.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
  }

  @Test
  void anOrphanWhoseRowAppearsJustBeforeItIsClaimedIsKeptAndTheOthersStillGo() {
    Entry raced = fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));
    Entry other = fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));
    UUID racedId = dev.storekeeper.storage.StorageLayout.jobIdOfUpload(raced.name()).orElseThrow();
    executor.checkpoint =
        step -> {
          if (step.equals("orphans-found") && !fixtures.rowExists(racedId)) {
            // an upload commits its row between the scan and the claim
            jdbc.sql(
                    """
                    insert into jobs (id, filename, file_path, status, created_at)
                    values (:id, 'lost.csv', :path, 'pending', :now)
                    """)
                .param("id", racedId)
                .param("path", raced.stored())
                .param("now", dev.storekeeper.jobs.Sql.ts(now()))
                .update();
          }
        };

    CleanupRun run =
        run(new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, false));

    assertThat(raced.exists()).isTrue();
    assertThat(other.exists()).isFalse();
    assertThat(fixtures.rowExists(racedId)).isTrue();
    assertThat(run.counts().orphanedUploads()).isEqualTo(1);
    assertThat(
            jdbc.sql("select status from jobs where id = :id")
                .param("id", racedId)
                .query(String.class)
                .single())
        .isEqualTo("pending");
  }

  @Test
  void neverTakesTheFilesOfAnExistingJobForOrphans() {
    CreatedJob live = fixtures.aJob(RUNNING).create();
    live.uploadEntry().touch(now().minus(Duration.ofDays(300)));
    live.outputEntry().touch(now().minus(Duration.ofDays(300)));

    run(new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, false));

    assertThat(fixtures.intact(live)).isTrue();
  }

  @Test
  void listsButKeepsUnrecognisedNamesUnlessAskedToRemoveThem() {
    Entry notes = fixtures.upload("README.txt").write("keep me");
    Entry dir = fixtures.output("manual-backup");
    dir.resolve("data.bin").write("12345");
    notes.touch(now().minus(Duration.ofDays(5)));
    dir.touch(now().minus(Duration.ofDays(5)));

    CleanupRun run = full();

    assertThat(notes.exists()).isTrue();
    assertThat(dir.resolve("data.bin").exists()).isTrue();
    assertThat(run.counts().unrecognizedFound()).isEqualTo(2);
    assertThat(run.counts().unrecognizedBytes()).isEqualTo(7 + 5);
    assertThat(items(run))
        .filteredOn(i -> i.category() == Category.UNRECOGNIZED)
        .allMatch(i -> i.result() == CleanupItem.Result.KEPT);

    CleanupRun included =
        run(new CleanupRequest(Trigger.CLI, false, false, false, true, null, null, null, true));

    assertThat(notes.exists()).isFalse();
    assertThat(dir.exists()).isFalse();
    assertThat(included.counts().unrecognizedDeleted()).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"claimed", "files", "rows"})
  void aCrashAfterAnyStepConvergesOnTheNextRun(String step) {
    List<CreatedJob> expired = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expired.add(
          fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40 + i))).create());
    }
    CreatedJob kept = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(1))).create();
    Entry orphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));
    executor.checkpoint =
        reached -> {
          if (reached.equals(step)) {
            throw new SimulatedCrash();
          }
        };

    assertThatThrownBy(this::full).isInstanceOf(SimulatedCrash.class);
    executor.checkpoint = reached -> {};

    // the crashed holder never released the lock: the next run waits out the lease
    assertThatThrownBy(this::full).isInstanceOf(AlreadyRunningException.class);
    clock.advance(Duration.ofMinutes(2));
    CleanupRun second = full();

    assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(expired).allMatch(fixtures::gone);
    assertThat(fixtures.intact(kept)).isTrue();
    assertThat(orphan.exists()).isFalse();
    assertThat(
            jdbc.sql("select count(*) from jobs where status = 'deleting'")
                .query(Long.class)
                .single())
        .isZero();
    assertThat(cleanup.list(0, 10))
        .anyMatch(
            r ->
                r.outcome() == Outcome.FAILED
                    && r.errors().stream().anyMatch(e -> e.contains("abandoned")));
  }

  @Test
  void twoRunsStartedAtOnceExactlyOneProceedsAndTheOtherNamesIt() throws Exception {
    for (int i = 0; i < 20; i++) {
      fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40 + i))).create();
    }
    CountDownLatch holdFirst = new CountDownLatch(1);
    executor.checkpoint =
        step -> {
          try {
            holdFirst.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    CyclicBarrier together = new CyclicBarrier(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<Object>> attempts = new ArrayList<>();
      for (Trigger trigger : List.of(Trigger.CLI, Trigger.API)) {
        attempts.add(
            threads.submit(
                () -> {
                  together.await();
                  try {
                    return cleanup.start(CleanupRequest.full(trigger, false), CleanupProgress.NONE);
                  } catch (AlreadyRunningException busy) {
                    return busy;
                  }
                }));
      }
      Object a = attempts.get(0).get();
      Object b = attempts.get(1).get();
      List<Object> outcomes = List.of(a, b);
      assertThat(outcomes).filteredOn(o -> o instanceof AlreadyRunningException).hasSize(1);
      CleanupService.StartedRun started =
          (CleanupService.StartedRun)
              outcomes.stream()
                  .filter(o -> o instanceof CleanupService.StartedRun)
                  .findFirst()
                  .orElseThrow();
      AlreadyRunningException refused =
          (AlreadyRunningException)
              outcomes.stream()
                  .filter(o -> o instanceof AlreadyRunningException)
                  .findFirst()
                  .orElseThrow();
      assertThat(refused.runningRunId()).isEqualTo(started.runId());
      assertThat(refused.getMessage()).contains(started.runId().toString());

      holdFirst.countDown();
      assertThat(started.result().get().outcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(full().outcome()).isEqualTo(Outcome.SUCCEEDED);
    } finally {
      holdFirst.countDown();
      threads.shutdownNow();
    }
  }

  @Test
  void recordsEveryRunWithTriggerParametersCountsAndItems() {
    CreatedJob old = fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(8))).create();

    CleanupRun run =
        run(new CleanupRequest(Trigger.API, false, false, true, false, null, 5, null, false));

    CleanupRun stored = cleanup.find(run.id()).orElseThrow();
    assertThat(stored.trigger()).isEqualTo(Trigger.API);
    assertThat(stored.parameters()).contains("\"failed_days\":5");
    assertThat(stored.finishedAt()).isNotNull();
    assertThat(stored.counts().failedJobs()).isEqualTo(1);
    List<CleanupItem> items = items(stored);
    assertThat(items)
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.jobId()).isEqualTo(old.id());
              assertThat(item.category()).isEqualTo(Category.FAILED_JOB);
              assertThat(item.reason()).contains("failed 8 days ago");
              assertThat(item.ageSeconds()).isEqualTo(Duration.ofDays(8).toSeconds());
            });
  }

  @Test
  void forgetsRunsOlderThanTheHistoryWindow() {
    CleanupRun ancient = full();
    clock.advance(Duration.ofDays(91));
    CleanupRun recent = full();

    assertThat(cleanup.find(ancient.id())).isEmpty();
    assertThat(cleanup.find(recent.id())).isPresent();
  }

  @Test
  void deletingOneJobGoesThroughTheSameProtocolAndIsRecorded() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofHours(1))).create();
    CreatedJob running = fixtures.aJob(RUNNING).create();

    CleanupRun run = cleanup.deleteJob(job.id(), Trigger.API);

    assertThat(fixtures.gone(job)).isTrue();
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(items(run))
        .singleElement()
        .extracting(CleanupItem::reason)
        .isEqualTo("deleted on request");
    assertThatThrownBy(() -> cleanup.deleteJob(running.id(), Trigger.API))
        .hasMessageContaining("cancel it");
    assertThat(fixtures.intact(running)).isTrue();
  }
}
