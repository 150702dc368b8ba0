package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static dev.storekeeper.jobs.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs spanning many batches (four jobs each), where one batch's files are removed while the next
 * batch is claimed and the one before it has its rows deleted: the same promises as a single batch,
 * and a crash with batches at different steps still converges without touching kept jobs.
 */
@TestPropertySource(properties = "CLEANUP_BATCH_SIZE=4")
abstract class CleanupBatchesIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  Fixtures fixtures;
  final List<CreatedJob> expired = new ArrayList<>();
  final List<CreatedJob> kept = new ArrayList<>();
  final List<Path> orphans = new ArrayList<>();

  @BeforeEach
  void dataset() {
    fixtures = new Fixtures(jdbc, layout);
    for (int i = 0; i < 22; i++) {
      expired.add(
          fixtures
              .aJob(COMPLETED)
              .finishedAt(clock.instant().minus(Duration.ofDays(31 + i)))
              .metrics(1 + i % 3)
              .create());
    }
    for (int i = 0; i < 9; i++) {
      expired.add(
          fixtures.aJob(FAILED).finishedAt(clock.instant().minus(Duration.ofDays(8 + i))).create());
    }
    for (int i = 0; i < 7; i++) {
      kept.add(
          fixtures
              .aJob(COMPLETED)
              .finishedAt(clock.instant().minus(Duration.ofDays(29)).plusSeconds(i))
              .metrics(2)
              .create());
      kept.add(
          fixtures.aJob(FAILED).finishedAt(clock.instant().minus(Duration.ofDays(6))).create());
    }
    kept.add(fixtures.aJob(PENDING).create());
    kept.add(fixtures.aJob(RUNNING).create());
    for (int i = 0; i < 5; i++) {
      orphans.add(fixtures.orphanUpload(clock.instant().minus(Duration.ofDays(2))));
      orphans.add(fixtures.orphanOutput(clock.instant().minus(Duration.ofDays(2))));
    }
  }

  @AfterEach
  void noCrashes() {
    executor.checkpoint = step -> {};
  }

  CleanupRun full(boolean dryRun) {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, dryRun), CleanupProgress.NONE);
  }

  @Test
  void manyBatchesDeleteExactlyTheExpiredAndKeepEverythingElse() {
    CleanupRun run = full(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().completedJobs()).isEqualTo(22);
    assertThat(run.counts().failedJobs()).isEqualTo(9);
    // completed: 1 + i % 3 metric rows for i < 22 (8 with 1, 7 with 2, 7 with 3); failed: 2 each
    assertThat(run.counts().metricsDeleted()).isEqualTo(8 + 7 * 2 + 7 * 3 + 9 * 2);
    assertThat(expired).allMatch(fixtures::gone);
    assertThat(kept).allMatch(fixtures::intact);
    assertThat(orphans).allMatch(Files::notExists);
    List<CleanupItem> items = cleanup.items(run.id(), 0, 1000);
    assertThat(items).hasSize(31 + 10);
    assertThat(items).allMatch(item -> item.result() == CleanupItem.Result.DELETED);
    assertThat(items.stream().filter(item -> item.jobId() != null).map(CleanupItem::jobId))
        .doesNotHaveDuplicates()
        .containsAll(expired.stream().map(CreatedJob::id).toList());
  }

  @Test
  void aDryRunOverManyBatchesListsWhatTheRealRunThenDeletes() {
    CleanupRun dry = full(true);
    assertThat(kept).allMatch(fixtures::intact);
    assertThat(expired).allMatch(fixtures::intact);
    CleanupRun real = full(false);

    assertThat(described(dry)).hasSize(41).containsExactlyInAnyOrderElementsOf(described(real));
  }

  private List<String> described(CleanupRun run) {
    return cleanup.items(run.id(), 0, 1000).stream()
        .map(
            item ->
                item.category()
                    + " "
                    + item.jobId()
                    + " "
                    + item.path()
                    + " "
                    + item.bytes()
                    + " "
                    + item.metrics())
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"claimed", "files", "rows"})
  void aCrashWithBatchesInFlightKeepsEveryVisibleJobWholeAndConverges(String step) {
    AtomicInteger reached = new AtomicInteger();
    executor.checkpoint =
        at -> {
          // the third time: earlier batches are finished or have their files in progress
          if (at.equals(step) && reached.incrementAndGet() == 3) {
            throw new SimulatedCrash();
          }
        };

    assertThatThrownBy(() -> full(false)).isInstanceOf(SimulatedCrash.class);
    executor.checkpoint = at -> {};

    // after the crash: every job not being deleted still has all its files and rows
    assertThat(kept).allMatch(fixtures::intact);
    for (CreatedJob job : expired) {
      String status =
          jdbc.sql("select status from jobs where id = :id")
              .param("id", job.id())
              .query(String.class)
              .optional()
              .orElse("(gone)");
      if (!status.equals("deleting") && !status.equals("(gone)")) {
        assertThat(fixtures.intact(job)).as("%s job %s", status, job.id()).isTrue();
      }
    }

    clock.advance(Duration.ofMinutes(2)); // the crashed holder's lease runs out
    CleanupRun second = full(false);

    assertThat(second.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(expired).allMatch(fixtures::gone);
    assertThat(kept).allMatch(fixtures::intact);
    assertThat(orphans).allMatch(Files::notExists);
    assertThat(
            jdbc.sql("select count(*) from jobs where status = 'deleting'")
                .query(Long.class)
                .single())
        .isZero();
  }
}
