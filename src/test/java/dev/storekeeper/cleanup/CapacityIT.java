package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static dev.storekeeper.jobs.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Capacity watermarks (issue 12), driven through the quota and a fake filesystem view ({@link
 * QuotaIT}). Watermarks are the defaults, 85 % and 80 %; RETENTION_MIN_HOURS 24.
 */
abstract class CapacityIT extends QuotaIT {

  @Autowired CapacityService capacity;

  @AfterEach
  void manual() {
    capacity.automatic = false;
  }

  Instant daysAgo(double days) {
    return clock.instant().minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
  }

  /** {@code count} completed jobs, oldest first, a minute apart, the first {@code days} ago. */
  List<CreatedJob> completed(int count, double days) {
    List<CreatedJob> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      created.add(fixtures.aJob(COMPLETED).finishedAt(daysAgo(days).plusSeconds(60L * i)).create());
    }
    return created;
  }

  CreatedJob job(JobStatus status, Instant finished) {
    return fixtures.aJob(status).finishedAt(finished).create();
  }

  List<UUID> deletedInOrder(CleanupRun run) {
    return cleanup.items(run.id(), 0, 1000).stream()
        .filter(item -> item.result() != CleanupItem.Result.KEPT)
        .map(CleanupItem::jobId)
        .toList();
  }

  long runsRecorded() {
    return jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single();
  }

  @Test
  void deletesOldestFirstUntilBelowTheLowWatermarkAndStops() {
    List<CreatedJob> jobs = completed(33, 40); // 924 of 1000 bytes: 92 %

    CleanupRun dry = capacity.run(Trigger.CLI, true, CleanupProgress.NONE);
    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow();

    // 924 - 5 * 28 = 784 < 800; four would leave 812
    List<UUID> oldestFive = jobs.subList(0, 5).stream().map(CreatedJob::id).toList();
    assertThat(deletedInOrder(run)).containsExactlyElementsOf(oldestFive);
    assertThat(deletedInOrder(dry)).containsExactlyElementsOf(oldestFive);
    jobs.subList(0, 5).forEach(job -> assertThat(fixtures.gone(job)).isTrue());
    jobs.subList(5, 33).forEach(job -> assertThat(fixtures.intact(job)).isTrue());
    assertThat(run.trigger()).isEqualTo(Trigger.CAPACITY);
    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().completedJobs()).isEqualTo(5);
    assertThat(run.counts().bytesFreed()).isEqualTo(140);
    assertThat(cleanup.items(run.id(), 0, 1).get(0).reason())
        .startsWith("capacity: usage 92 % (quota) ≥ high watermark 85 %; removed to reach 80 %");
    assertThat(capacity.status().usage().percent()).isEqualTo(78);
    assertThat(capacity.check(Trigger.CAPACITY)).as("below high: no run").isEmpty();
  }

  @Test
  void countsTheDeletionsItResumesTowardsItsTarget() {
    List<CreatedJob> jobs = completed(33, 40); // 92 %: 5 jobs must go
    // a crashed run had claimed the three oldest
    jdbc.sql("update jobs set status = 'deleting' where id in (:ids)")
        .param("ids", jobs.subList(0, 3).stream().map(CreatedJob::id).toList())
        .update();

    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow();

    assertThat(run.counts().resumedJobs()).isEqualTo(3);
    assertThat(run.counts().completedJobs()).as("two more, not five").isEqualTo(2);
    jobs.subList(0, 5).forEach(job -> assertThat(fixtures.gone(job)).isTrue());
    jobs.subList(5, 33).forEach(job -> assertThat(fixtures.intact(job)).isTrue());
  }

  @Test
  void doesNothingBelowTheHighWatermark() {
    List<CreatedJob> jobs = completed(30, 40); // 840: 84 %, above low but below high

    assertThat(capacity.check(Trigger.CAPACITY)).isEmpty();

    jobs.forEach(job -> assertThat(fixtures.intact(job)).isTrue());
    assertThat(runsRecorded()).isZero();
  }

  @Test
  void takesTheOldestCompletionAcrossStatusesFailedAndCancelledBeforeCompletedOnTies() {
    List<CreatedJob> fillers = completed(27, 0.5); // too recent for capacity
    CreatedJob oldest = job(COMPLETED, daysAgo(5));
    CreatedJob failed4 = job(FAILED, daysAgo(4));
    CreatedJob completed3 = job(COMPLETED, daysAgo(3));
    CreatedJob failed3 = job(FAILED, daysAgo(3));
    CreatedJob completed2 = job(COMPLETED, daysAgo(2));
    CreatedJob cancelled2 = job(CANCELLED, daysAgo(2));

    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow(); // 33 jobs: 5 must go

    assertThat(deletedInOrder(run))
        .containsExactly(oldest.id(), failed4.id(), failed3.id(), completed3.id(), cancelled2.id());
    assertThat(fixtures.intact(completed2)).isTrue();
    fillers.forEach(job -> assertThat(fixtures.intact(job)).isTrue());
    assertThat(run.counts().failedJobs()).isEqualTo(2);
    assertThat(run.counts().cancelledJobs()).isEqualTo(1);
    assertThat(run.counts().completedJobs()).isEqualTo(2);
  }

  @Test
  void neverTouchesPendingRunningHeldOrTooRecentJobsAndWarnsWhenNothingIsLeft() {
    List<CreatedJob> kept = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      kept.add(fixtures.aJob(PENDING).create());
      kept.add(fixtures.aJob(RUNNING).create());
      CreatedJob held = job(i % 2 == 0 ? FAILED : COMPLETED, daysAgo(60 + i));
      holds.hold(held.id(), "legal", "admin");
      kept.add(held);
      kept.add(job(FAILED, daysAgo(0.9))); // 21.6 h: inside RETENTION_MIN_HOURS
    }
    CreatedJob eligible = job(CANCELLED, daysAgo(30));
    // 33 jobs, 92 %; only one may go

    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow();

    assertThat(deletedInOrder(run)).containsExactly(eligible.id());
    assertThat(fixtures.gone(eligible)).isTrue();
    kept.forEach(job -> assertThat(fixtures.intact(job)).as("job %s", job.id()).isTrue());
    CapacityService.Status status = capacity.status();
    assertThat(status.usage().percent()).isEqualTo(89);
    assertThat(status.exhausted()).isTrue();
    JsonNode health = http.get("/actuator/health", ADMIN).json();
    JsonNode cleanupHealth = health.at("/components/cleanup");
    assertThat(cleanupHealth.get("status").asText()).isEqualTo("WARN");
    assertThat(cleanupHealth.at("/details/capacity_problem").asText())
        .contains("capacity exhausted: usage 89 % (quota) ≥ high watermark 85 %");
    assertThat(http.get("/actuator/prometheus", ADMIN).body())
        .contains("storekeeper_capacity_exhausted 1.0")
        .contains("storekeeper_capacity_above_high_watermark 1.0")
        .contains("storekeeper_capacity_usage_ratio 0.896");
  }

  @Test
  void healthIsUpAndNothingExhaustedBelowTheHighWatermark() {
    completed(10, 40);

    assertThat(capacity.status().exhausted()).isFalse();
    JsonNode cleanupHealth = http.get("/actuator/health", ADMIN).json().at("/components/cleanup");
    assertThat(cleanupHealth.get("status").asText()).isEqualTo("UP");
    assertThat(cleanupHealth.at("/details/capacity_usage_percent").asInt()).isEqualTo(28);
    // the capacity gauges are cached for a few seconds (an earlier test's figures may show)
    assertThat(http.get("/actuator/prometheus", ADMIN).body())
        .contains("storekeeper_capacity_watermark_ratio{level=\"high\"} 0.85")
        .contains("storekeeper_capacity_watermark_ratio{level=\"low\"} 0.8");
  }

  @Test
  void keepsTheKeepLastNewestCompletedJobsEvenAboveTheWatermark() {
    List<CreatedJob> old = completed(4, 40);
    for (int i = 0; i < 29; i++) {
      fixtures.aJob(PENDING).create();
    }
    // 33 jobs: 92 %, 5 would have to go, but keep-last keeps the 2 newest completed

    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow();

    assertThat(deletedInOrder(run)).containsExactly(old.get(0).id(), old.get(1).id());
    assertThat(fixtures.intact(old.get(2))).isTrue();
    assertThat(fixtures.intact(old.get(3))).isTrue();
    assertThat(run.counts().keptLastJobs()).isEqualTo(2);
    assertThat(capacity.status().exhausted()).isTrue();
  }

  @Test
  void aFilesystemAboveTheHighWatermarkIsBroughtBelowTheLowOne() {
    List<CreatedJob> jobs = completed(8, 40); // quota: 22 %
    space.holding(1000, 680, layout.uploadsRoot(), layout.outputsRoot()); // 680 + 224: 90 %

    CleanupRun run = capacity.check(Trigger.CAPACITY).orElseThrow();

    // needs more than 104 bytes removed from disk: 4 jobs of 28
    assertThat(deletedInOrder(run))
        .containsExactlyElementsOf(jobs.subList(0, 4).stream().map(CreatedJob::id).toList());
    jobs.subList(4, 8).forEach(job -> assertThat(fixtures.intact(job)).isTrue());
    assertThat(capacity.status().usage().percent()).isEqualTo(79);
    assertThat(cleanup.items(run.id(), 0, 1).get(0).reason())
        .startsWith("capacity: usage 90 % (" + layout.uploadsRoot() + ") ≥ high watermark 85 %");
  }

  @Test
  void aCheckThatFindsTheLockHeldSkipsAndDeletesNothing() {
    List<CreatedJob> jobs = completed(33, 40);
    jdbc.sql(
            """
            update cleanup_lock set run_id = :run, node = 'node-b:4242', acquired_at = :now,
                                    heartbeat_at = :now
            """)
        .param("run", UUID.randomUUID())
        .param("now", Sql.ts(clock.instant()))
        .update();

    Optional<CleanupRun> run = capacity.check(Trigger.CAPACITY);

    assertThat(run).isEmpty();
    jobs.forEach(job -> assertThat(fixtures.intact(job)).isTrue());
    assertThat(runsRecorded()).isZero();
  }

  @Test
  void anUploadThatCrossesTheHighWatermarkStartsACapacityRun() {
    List<CreatedJob> jobs = completed(29, 40); // 812: 81 %
    capacity.automatic = true;

    Http.Response upload =
        http.upload("file", "big.csv", "a,b\n".repeat(15).getBytes()); // 872: 87 %

    assertThat(upload.status()).isEqualTo(201);
    UUID uploaded = UUID.fromString(upload.json().get("id").asText());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                jdbc.sql(
                            "select count(*) from cleanup_runs where \"trigger\" = 'capacity' and"
                                + " outcome <> 'running'")
                        .query(Long.class)
                        .single()
                    > 0);
    assertThat(fixtures.gone(jobs.get(0))).isTrue();
    assertThat(fixtures.gone(jobs.get(1))).isTrue();
    assertThat(fixtures.gone(jobs.get(2))).isTrue();
    assertThat(fixtures.rowExists(uploaded)).isTrue();
    assertThat(fixtures.intact(jobs.get(28))).isTrue();
  }

  @Test
  void aCapacityDryRunThroughTheApiListsWhatWouldGoAndDeletesNothing() {
    List<CreatedJob> jobs = completed(33, 40);

    Http.Response response = http.post("/cleanup/run?capacity=true&dry_run=true", ADMIN);

    assertThat(response.status()).isEqualTo(200);
    JsonNode report = response.json();
    assertThat(report.path("trigger").asText()).isEqualTo("api");
    assertThat(report.path("parameters").path("capacity").asBoolean()).isTrue();
    assertThat(report.path("parameters").path("bytes_to_free").asLong()).isEqualTo(125);
    assertThat(report.path("items")).hasSize(5);
    report
        .path("items")
        .forEach(item -> assertThat(item.path("result").asText()).isEqualTo("would_delete"));
    jobs.forEach(job -> assertThat(fixtures.intact(job)).isTrue());
  }

  @Test
  void aCapacityRunThroughTheApiRefusesSelectorsAndOverridesNamingThem() {
    for (String parameter :
        List.of("keep_last=1", "completed_days=3", "orphaned_only=true", "retry_stuck=false")) {
      Http.Response response =
          http.post("/cleanup/run?capacity=true&dry_run=true&" + parameter, ADMIN);

      assertThat(response.status()).as(parameter).isEqualTo(400);
      assertThat(response.json().path("parameter").asText())
          .isEqualTo(parameter.substring(0, parameter.indexOf('=')));
    }
    assertThat(runsRecorded()).isZero();
  }
}
