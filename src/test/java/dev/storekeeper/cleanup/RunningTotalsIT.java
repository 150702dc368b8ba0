package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.cleanup.CleanupReports.CountAndBytes;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.JobTotalsRepository.Figures;
import dev.storekeeper.jobs.JobTotalsService;
import dev.storekeeper.jobs.JobTotalsService.Check;
import dev.storekeeper.jobs.JobTotalsService.Drift;
import dev.storekeeper.jobs.Sql;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The running totals behind the statistics (issue 15, V11): after every kind of write to {@code
 * jobs} — uploads, processing, imports, holds, an operator's SQL, the cleanup's claims, parking and
 * deletes, single-job deletes, orphan claims — they equal a recomputation from the jobs, and they
 * never drift while uploads, processing, holds and cleanups run at once.
 */
@TestPropertySource(properties = {"CLEANUP_BATCH_SIZE=7", "MAX_CONCURRENT_JOBS=3"})
abstract class RunningTotalsIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupReports reports;
  @Autowired HoldService holds;
  @Autowired JobRepository jobs;
  @Autowired JobTotalsService totals;
  Fixtures fixtures;
  Http http;

  @BeforeEach
  void fixtures() {
    fixtures = new Fixtures(jdbc, layout);
    http = new Http(port);
  }

  // ---- helpers ---------------------------------------------------------------------------------

  static byte[] csv(int n) {
    return ("subject,volume\nsub-" + n + ",1200.5\n").getBytes(StandardCharsets.UTF_8);
  }

  UUID upload(int n) {
    Http.Response created = http.upload("file", "scan-" + n + ".csv", csv(n));
    assertThat(created.status()).as("%s", created.body()).isIn(201, 202);
    return UUID.fromString(created.json().get("id").asText());
  }

  void awaitProcessed() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                jdbc.sql("select count(*) from jobs where status in ('pending', 'running')")
                        .query(Long.class)
                        .single()
                    == 0);
  }

  CreatedJob finished(JobStatus status, Duration ago) {
    return fixtures.aJob(status).finishedAt(clock.instant().minus(ago)).create();
  }

  CleanupRun fullRun() {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
  }

  /**
   * The check finds nothing, and every figure of the statistics that comes from the totals equals
   * the same figure computed here from the jobs, with SQL of the test's own.
   */
  void assertTotalsExact() {
    assertThat(totals.verify().drifts()).as("drift found by the check").isEmpty();
    StorageStats stats = reports.stats(false);
    assertThat(stats.jobs()).isEqualTo(byStatusFromJobs());
    assertThat(withoutOrphans(stats.reclaimable())).isEqualTo(reclaimableFromJobs());
    assertThat(stats.held()).isEqualTo(countAndBytes("held_at is not null", Map.of()));
  }

  Map<String, CountAndBytes> byStatusFromJobs() {
    Map<String, CountAndBytes> expected = new LinkedHashMap<>();
    for (JobStatus status : JobStatus.values()) {
      expected.put(
          status.value(), countAndBytes("status = :status", Map.of("status", status.value())));
    }
    return expected;
  }

  Map<String, CountAndBytes> reclaimableFromJobs() {
    RetentionPolicy policy = cleanup.properties().defaultPolicy();
    Map<String, CountAndBytes> expected = new LinkedHashMap<>();
    for (JobStatus status : List.of(COMPLETED, FAILED, CANCELLED)) {
      expected.put(
          status.value(),
          countAndBytes(
              "status = :status and completed_at < :cutoff",
              Map.of(
                  "status",
                  status.value(),
                  "cutoff",
                  Sql.ts(policy.cutoff(status, clock.instant())))));
    }
    return expected;
  }

  CountAndBytes countAndBytes(String where, Map<String, Object> params) {
    return jdbc.sql(
            "select count(*) as n, coalesce(sum(upload_bytes + output_bytes), 0) as b from jobs"
                + " where "
                + where)
        .params(params)
        .query((rs, n) -> new CountAndBytes(rs.getLong("n"), rs.getLong("b")))
        .single();
  }

  static Map<String, CountAndBytes> withoutOrphans(Map<String, CountAndBytes> reclaimable) {
    Map<String, CountAndBytes> statuses = new LinkedHashMap<>(reclaimable);
    statuses.keySet().removeAll(Set.of("orphans", "total"));
    return statuses;
  }

  // ---- after each kind of write ----------------------------------------------------------------

  @Test
  void totalsFollowUploadsAndProcessing() {
    assertTotalsExact();

    upload(1);
    upload(2);
    // the workers may be processing them now: the statistics and this test's own SQL would read
    // two different moments, so only the check, which reads one snapshot, is asked here
    assertThat(totals.verify().drifts()).as("drift while the jobs are processed").isEmpty();

    awaitProcessed();
    assertTotalsExact();
    assertThat(reports.stats(false).jobs().get("completed").count()).isEqualTo(2);
  }

  @Test
  void totalsFollowImportsHoldsAndAnOperatorsOwnSql() {
    CreatedJob old = finished(COMPLETED, Duration.ofDays(40));
    finished(COMPLETED, Duration.ofDays(2));
    CreatedJob failed = finished(FAILED, Duration.ofDays(9));
    finished(CANCELLED, Duration.ofDays(1));
    fixtures.aJob(JobStatus.PENDING).create();
    assertTotalsExact();

    holds.hold(old.id(), "audit", "test");
    holds.hold(failed.id(), "audit", "test");
    assertTotalsExact();
    holds.release(failed.id());
    assertTotalsExact();

    jdbc.sql("update jobs set upload_bytes = upload_bytes + 1000 where id = :id")
        .param("id", old.id())
        .update();
    jdbc.sql("update jobs set completed_at = :at where id = :id")
        .param("at", Sql.ts(clock.instant().minus(Duration.ofDays(100))))
        .param("id", failed.id())
        .update();
    jdbc.sql("update jobs set progress = 50").update();
    assertTotalsExact();

    jdbc.sql("delete from metrics").update();
    jdbc.sql("delete from jobs").update();
    assertTotalsExact();
    assertThat(reports.stats(false).totalSizeBytes()).isZero();
  }

  @Test
  void totalsFollowCleanupRunsSingleDeletesAndOrphans() {
    for (int i = 0; i < 10; i++) {
      finished(COMPLETED, Duration.ofDays(40 + i));
      finished(FAILED, Duration.ofDays(8 + i));
    }
    CreatedJob recent = finished(COMPLETED, Duration.ofDays(1));
    CreatedJob kept = finished(CANCELLED, Duration.ofDays(20));
    holds.hold(kept.id(), "legal", "test");
    fixtures.orphanUpload(clock.instant().minus(Duration.ofDays(3)));
    fixtures.orphanOutput(clock.instant().minus(Duration.ofDays(3)));
    assertTotalsExact();

    CleanupRun run = fullRun();

    assertThat(run.counts().completedJobs()).isEqualTo(10);
    assertThat(run.counts().orphanedUploads()).isEqualTo(1);
    assertTotalsExact();
    assertThat(reports.stats(false).jobs().get("completed").count()).isEqualTo(1);

    cleanup.deleteJob(recent.id(), Trigger.API);
    assertTotalsExact();
    assertThat(reports.stats(false).jobs().get("completed").count()).isZero();
  }

  @Test
  void totalsFollowParkingAndRetryingStuckDeletions() {
    CreatedJob job = finished(FAILED, Duration.ofDays(30));
    UUID runId = UUID.randomUUID();
    jobs.claim(
        List.of(job.id()),
        FAILED,
        clock.instant(),
        JobRepository.Position.END,
        runId); // the claim step of a run, directly: the run itself removes the files at once
    assertTotalsExact();

    jobs.recordCleanupFailure(job.id(), "disk on fire", 1);
    assertTotalsExact();
    assertThat(reports.stats(false).stuck().count()).isEqualTo(1);

    jobs.retryStuck();
    assertTotalsExact();
    assertThat(reports.stats(false).jobs().get("deleting").count()).isEqualTo(1);

    fullRun();
    assertTotalsExact();
    assertThat(fixtures.rowExists(job.id())).isFalse();
  }

  @Test
  void reclaimableCountsOnlyWhatFinishedBeforeTheCutoffInsideItsDayAndHour() {
    // the completed cutoff falls 20 minutes into an hour, 12 hours into a (UTC) day
    clock.set(START.plus(Duration.ofMinutes(20)));
    Instant cutoff = START.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(20));
    for (Duration offset :
        List.of(
            Duration.ofDays(-3),
            Duration.ofHours(-13),
            Duration.ofMinutes(-740),
            Duration.ofMinutes(-81),
            Duration.ofMinutes(-21),
            Duration.ofMinutes(-20),
            Duration.ofSeconds(-1),
            Duration.ZERO,
            Duration.ofSeconds(1),
            Duration.ofMinutes(39).plusSeconds(59),
            Duration.ofMinutes(40),
            Duration.ofHours(12))) {
      fixtures.aJob(COMPLETED).withoutFiles().finishedAt(cutoff.plus(offset)).create();
    }

    assertTotalsExact();
    assertThat(reports.stats(false).reclaimable().get("completed").count()).isEqualTo(7);
  }

  // ---- the check and the repair ----------------------------------------------------------------

  @Test
  void verifyReportsDriftInjectedBySqlAndRepairCorrectsIt() {
    finished(COMPLETED, Duration.ofDays(40));
    finished(FAILED, Duration.ofDays(1));
    assertThat(totals.verify().clean()).isTrue();

    jdbc.sql("update job_totals set jobs = jobs + 5 where name = 'pending' and stripe = 3")
        .update();
    jdbc.sql(
            """
            update job_completions set output_bytes = output_bytes - 7
             where status = 'failed' and span = 'hour'
            """)
        .update();
    jdbc.sql("delete from job_completions where status = 'completed'").update();

    Check check = totals.verify();

    assertThat(check.clean()).isFalse();
    assertThat(check.drifts())
        .extracting(Drift::name, Drift::span)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("pending", null),
            org.assertj.core.groups.Tuple.tuple("completed", "day"),
            org.assertj.core.groups.Tuple.tuple("completed", "hour"),
            org.assertj.core.groups.Tuple.tuple("failed", "hour"));
    assertThat(check.drifts().get(0).stored()).isEqualTo(new Figures(5, 0, 0));
    assertThat(check.drifts().get(0).actual()).isEqualTo(Figures.NONE);

    Check repair = totals.repair();

    assertThat(repair.drifts()).hasSize(4);
    assertThat(repair.repaired()).isTrue();
    assertTotalsExact();
  }

  @Test
  void theApiChecksAndRepairsTheTotalsForTheAdminOnly() {
    finished(COMPLETED, Duration.ofDays(40));
    String[] admin = {"Authorization", "Bearer " + ADMIN_TOKEN};

    Http.Response clean = http.get("/cleanup/stats/verify", admin);

    assertThat(clean.status()).isEqualTo(200);
    assertThat(clean.json().path("clean").asBoolean()).isTrue();
    assertThat(clean.json().path("drifts")).isEmpty();

    jdbc.sql("update job_completions set jobs = jobs + 1 where span = 'day'").update();
    Http.Response drift = http.get("/cleanup/stats/verify", admin);

    assertThat(drift.json().path("clean").asBoolean()).isFalse();
    assertThat(drift.json().path("drifts").get(0).path("name").asString()).isEqualTo("completed");
    assertThat(drift.json().path("drifts").get(0).path("span").asString()).isEqualTo("day");

    assertThat(http.get("/cleanup/stats/verify").status()).isEqualTo(401);
    assertThat(http.post("/cleanup/stats/repair").status()).isEqualTo(401);
    Http.Response unknown = http.get("/cleanup/stats/verify?repair=true", admin);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("parameter").asString()).isEqualTo("repair");
    assertThat(totals.verify().clean()).as("nothing was corrected by refused calls").isFalse();

    Http.Response repaired = http.post("/cleanup/stats/repair", admin);

    assertThat(repaired.status()).isEqualTo(200);
    assertThat(repaired.json().path("repaired").asBoolean()).isTrue();
    assertThat(repaired.json().path("drifts")).hasSize(1);
    assertTotalsExact();
  }

  // ---- never drift under concurrency -----------------------------------------------------------

  @Test
  void totalsNeverDriftUnderConcurrentUploadsProcessingHoldsAndCleanup() throws Exception {
    List<CreatedJob> expired = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      expired.add(finished(i % 3 == 0 ? FAILED : COMPLETED, Duration.ofDays(40 + i % 5)));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    List<Callable<Integer>> work = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int thread = t;
      work.add(
          () -> {
            for (int i = 0; i < 15; i++) {
              upload(thread * 100 + i);
            }
            return 15;
          });
    }
    work.add(
        () -> {
          int runs = 0;
          for (; runs < 3; runs++) {
            fullRun();
          }
          return runs;
        });
    work.add(
        () -> {
          int changes = 0;
          for (CreatedJob job : expired.subList(0, 20)) {
            try {
              holds.hold(job.id(), "race", "test");
              holds.release(job.id());
              changes++;
            } catch (dev.storekeeper.NotFoundException gone) {
              // the cleanup claimed it first
            }
          }
          return changes;
        });
    ExecutorService pool = Executors.newFixedThreadPool(work.size() + 1);
    try {
      Future<Integer> checks =
          pool.submit(
              () -> {
                int n = 0;
                while (writing.get()) {
                  assertThat(totals.verify().drifts())
                      .as("a check during the writes sees one snapshot")
                      .isEmpty();
                  n++;
                }
                return n;
              });
      List<Future<Integer>> done = pool.invokeAll(work);
      for (Future<Integer> each : done) {
        each.get();
      }
      awaitProcessed();
      writing.set(false);
      assertThat(checks.get()).isPositive();
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
    assertTotalsExact();

    // what a hold kept back from the runs above goes now
    fullRun();
    assertTotalsExact();
    assertThat(reports.stats(false).jobs().get("completed").count()).isEqualTo(30);
  }
}
