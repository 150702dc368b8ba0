package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.ConflictException;
import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Fixtures.Entry;
import dev.storekeeper.Http;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Plan → apply (issue 12): applying a plan deletes only its items, each re-checked when it is
 * claimed; whatever changed since planning (a hold, a re-run, keep-last, more expired jobs and
 * orphans) is kept. Configured retention: 30 days completed, 7 failed, orphans 24 h. Runs on both
 * storage backends (subclasses per backend and database).
 */
abstract class PlansIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  @Autowired HoldService holds;
  Fixtures fixtures;
  Http http;

  @BeforeEach
  void fixtures() {
    fixtures = backendFixtures();
    http = new Http(port);
  }

  @AfterEach
  void noSeams() {
    executor.checkpoint = step -> {};
  }

  Instant now() {
    return clock.instant();
  }

  CreatedJob finished(dev.storekeeper.jobs.JobStatus status, Duration ago) {
    return fixtures.aJob(status).finishedAt(now().minus(ago)).create();
  }

  CleanupRun plan(CleanupRequest request) {
    return cleanup.plan(request, CleanupProgress.NONE);
  }

  CleanupRun planAll() {
    return plan(CleanupRequest.full(Trigger.CLI, true));
  }

  CleanupRun apply(CleanupRun plan) {
    return cleanup.applyPlan(plan.id(), false, Trigger.CLI, CleanupProgress.NONE);
  }

  List<CleanupItem> items(CleanupRun run) {
    return cleanup.items(run.id(), 0, 1000);
  }

  CleanupItem itemOf(CleanupRun run, UUID jobId) {
    return items(run).stream().filter(i -> jobId.equals(i.jobId())).findFirst().orElseThrow();
  }

  String[] admin() {
    return new String[] {"Authorization", "Bearer " + ADMIN_TOKEN};
  }

  // ---- only the plan ---------------------------------------------------------------------------

  @Test
  void applyDeletesNothingOutsideThePlanEvenWhenMoreHasExpiredSince() {
    CreatedJob planned = finished(COMPLETED, Duration.ofDays(40));
    CreatedJob plannedFailed = finished(FAILED, Duration.ofDays(8));
    Entry plannedOrphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));
    CreatedJob almost = finished(COMPLETED, Duration.ofDays(30).minusHours(1));
    CleanupRun plan = planAll();

    clock.advance(Duration.ofHours(2));
    CreatedJob expiredSince = almost;
    CreatedJob newlyExpired = finished(FAILED, Duration.ofDays(9));
    Entry newOrphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(3)));
    Entry newOrphanOutput = fixtures.anOrphanOutput(now().minus(Duration.ofDays(3)));
    CleanupRun applied = apply(plan);

    assertThat(fixtures.gone(planned)).isTrue();
    assertThat(fixtures.gone(plannedFailed)).isTrue();
    assertThat(plannedOrphan.exists()).isFalse();
    assertThat(fixtures.intact(expiredSince)).as("expired after the plan was made").isTrue();
    assertThat(fixtures.intact(newlyExpired)).isTrue();
    assertThat(newOrphan.exists()).isTrue();
    assertThat(newOrphanOutput.exists()).isTrue();
    assertThat(plan.plannedItems()).isEqualTo(3);
    assertThat(applied.planId()).isEqualTo(plan.id());
    assertThat(applied.plannedItems()).isEqualTo(3);
    assertThat(applied.skippedItems()).isZero();
    assertThat(applied.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(items(applied))
        .extracting(CleanupItem::result)
        .containsOnly(CleanupItem.Result.DELETED);

    CleanupRun later = cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
    assertThat(later.counts().completedJobs() + later.counts().failedJobs()).isEqualTo(2);
    assertThat(newOrphan.exists()).isFalse();
  }

  @Test
  void aHoldPlacedAfterPlanningKeepsTheJobAsNoLongerEligible() {
    CreatedJob held = finished(COMPLETED, Duration.ofDays(40));
    CreatedJob other = finished(COMPLETED, Duration.ofDays(41));
    CleanupRun plan = planAll();
    holds.hold(held.id(), "audit after the review", "admin");

    CleanupRun applied = apply(plan);

    assertThat(fixtures.intact(held)).isTrue();
    assertThat(fixtures.gone(other)).isTrue();
    assertThat(applied.skippedItems()).isEqualTo(1);
    assertThat(applied.counts().heldJobs()).isEqualTo(1);
    CleanupItem item = itemOf(applied, held.id());
    assertThat(item.result()).isEqualTo(CleanupItem.Result.KEPT);
    assertThat(item.reason()).startsWith("no longer eligible").contains("audit after the review");
  }

  @Test
  void aHoldPlacedBetweenReadingAndClaimingWins() {
    CreatedJob job = finished(FAILED, Duration.ofDays(10));
    CleanupRun plan = planAll();
    executor.checkpoint =
        step -> {
          if (step.equals("page")) {
            holds.hold(job.id(), "placed during the apply", "admin");
          }
        };

    CleanupRun applied = apply(plan);

    assertThat(fixtures.intact(job)).isTrue();
    assertThat(applied.skippedItems()).isEqualTo(1);
  }

  @Test
  void aJobReRunOrChangedSincePlanningIsKept() {
    CreatedJob rerun = finished(COMPLETED, Duration.ofDays(1));
    CreatedJob finishedAgain = finished(COMPLETED, Duration.ofDays(2));
    CreatedJob nowFailed = finished(COMPLETED, Duration.ofDays(3));
    CleanupRun plan =
        plan(new CleanupRequest(Trigger.API, true, false, false, false, 0, 0, 0, false));
    assertThat(plan.plannedItems()).isEqualTo(3);

    jdbc.sql("update jobs set status = 'pending', completed_at = null where id = :id")
        .param("id", rerun.id())
        .update();
    clock.advance(Duration.ofMinutes(10));
    jdbc.sql("update jobs set completed_at = :at where id = :id")
        .param("at", Sql.ts(now().minus(Duration.ofMinutes(5))))
        .param("id", finishedAgain.id())
        .update();
    jdbc.sql("update jobs set status = 'failed' where id = :id")
        .param("id", nowFailed.id())
        .update();
    clock.advance(Duration.ofMinutes(10));
    CleanupRun applied = apply(plan);

    assertThat(fixtures.intact(rerun)).isTrue();
    assertThat(fixtures.intact(finishedAgain)).isTrue();
    assertThat(fixtures.intact(nowFailed)).isTrue();
    assertThat(applied.skippedItems()).isEqualTo(3);
    assertThat(itemOf(applied, rerun.id()).reason()).contains("pending");
    assertThat(itemOf(applied, finishedAgain.id()).reason())
        .contains("finished again after the plan");
    assertThat(itemOf(applied, nowFailed.id()).reason()).contains("failed now");
  }

  @Test
  void aJobThatKeepLastNowProtectsIsKept() {
    CreatedJob older = finished(COMPLETED, Duration.ofDays(5));
    CreatedJob newest = finished(COMPLETED, Duration.ofDays(4));
    CleanupRun plan =
        plan(
            new CleanupRequest(Trigger.API, true, false, false, false, 0, 0, 0, false)
                .withKeepLast(1));
    assertThat(items(plan))
        .filteredOn(item -> item.result() == CleanupItem.Result.WOULD_DELETE)
        .extracting(CleanupItem::jobId)
        .containsExactly(older.id());
    cleanup.deleteJob(newest.id(), Trigger.API);

    CleanupRun applied = apply(plan);

    assertThat(fixtures.intact(older)).as("now the newest completed job").isTrue();
    assertThat(itemOf(applied, older.id()).reason()).contains("keep-last");
  }

  @Test
  void aPlannedOrphanThatChangedOrWentIsSkipped() {
    Entry touched = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));
    Entry gone = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));
    Entry still = fixtures.anOrphanOutput(now().minus(Duration.ofDays(2)));
    CleanupRun plan = planAll();
    touched.touch(now());
    gone.delete();

    CleanupRun applied = apply(plan);

    assertThat(touched.exists()).isTrue();
    assertThat(still.exists()).isFalse();
    assertThat(applied.skippedItems()).isEqualTo(2);
    assertThat(items(applied))
        .filteredOn(item -> item.result() == CleanupItem.Result.KEPT)
        .extracting(CleanupItem::reason)
        .allMatch(reason -> reason.startsWith("no longer eligible"));
  }

  @Test
  void orphansClaimedByAKilledApplyAreFinishedByApplyingThePlanAgain() {
    Entry upload = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));
    Entry output = fixtures.anOrphanOutput(now().minus(Duration.ofDays(2)));
    CleanupRun plan =
        plan(new CleanupRequest(Trigger.CLI, true, false, false, true, null, null, null, false));
    executor.checkpoint =
        step -> {
          if (step.equals("claimed")) {
            throw new SimulatedCrash();
          }
        };

    assertThatThrownBy(() -> apply(plan)).isInstanceOf(SimulatedCrash.class);
    executor.checkpoint = step -> {};
    clock.advance(Duration.ofMinutes(2));
    CleanupRun again = apply(plan);

    assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(upload.exists()).isFalse();
    assertThat(output.exists()).isFalse();
    assertThat(again.skippedItems()).isZero();
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isZero();
  }

  @Test
  void anApplyKilledMidwayIsFinishedByApplyingThePlanAgain() {
    List<CreatedJob> planned =
        List.of(
            finished(COMPLETED, Duration.ofDays(40)),
            finished(COMPLETED, Duration.ofDays(41)),
            finished(FAILED, Duration.ofDays(40)));
    Entry orphan = fixtures.anOrphanUpload(now().minus(Duration.ofDays(2)));
    CleanupRun plan = planAll();
    CreatedJob later = finished(COMPLETED, Duration.ofDays(60));
    executor.checkpoint =
        step -> {
          if (step.equals("files")) {
            throw new SimulatedCrash();
          }
        };

    assertThatThrownBy(() -> apply(plan)).isInstanceOf(SimulatedCrash.class);
    executor.checkpoint = step -> {};
    clock.advance(Duration.ofMinutes(2));
    CleanupRun again = apply(plan);

    assertThat(again.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(planned).allMatch(fixtures::gone);
    assertThat(orphan.exists()).isFalse();
    assertThat(fixtures.intact(later)).isTrue();
    assertThat(
            jdbc.sql("select count(*) from jobs where status = 'deleting'")
                .query(Long.class)
                .single())
        .isZero();
  }

  // ---- refusals --------------------------------------------------------------------------------

  @Test
  void aPlanOlderThanTheMaximumAgeIsRefusedUnlessForced() {
    CreatedJob job = finished(COMPLETED, Duration.ofDays(40));
    CleanupRun plan = planAll();
    clock.advance(Duration.ofHours(25));

    assertThatThrownBy(() -> apply(plan))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("PLAN_MAX_AGE_HOURS");
    assertThat(fixtures.intact(job)).isTrue();

    CleanupRun forced = cleanup.applyPlan(plan.id(), true, Trigger.CLI, CleanupProgress.NONE);
    assertThat(fixtures.gone(job)).isTrue();
    assertThat(forced.parameters()).contains("\"force\":true");
  }

  @Test
  void aPlanIsAppliedOnceAndTheSecondApplyDeletesNothing() {
    finished(COMPLETED, Duration.ofDays(40));
    CleanupRun plan = planAll();
    CleanupRun first = apply(plan);
    CreatedJob later = finished(COMPLETED, Duration.ofDays(50));

    assertThatThrownBy(() -> apply(plan))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already applied by run " + first.id());
    assertThat(fixtures.intact(later)).isTrue();
  }

  @Test
  void aRunThatIsNotAPlanAndAnUnknownIdAreRefused() {
    CleanupRun dry = cleanup.run(CleanupRequest.full(Trigger.CLI, true), CleanupProgress.NONE);

    assertThatThrownBy(() -> apply(dry))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining(dry.id() + " is not a plan");
    assertThatThrownBy(
            () -> cleanup.applyPlan(UUID.randomUUID(), true, Trigger.CLI, CleanupProgress.NONE))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void plansGoWithTheLedgerAfterTheHistoryDays() {
    finished(COMPLETED, Duration.ofDays(40));
    CleanupRun plan = planAll();
    clock.advance(Duration.ofDays(91));
    cleanup.run(CleanupRequest.full(Trigger.CLI, true), CleanupProgress.NONE);

    assertThatThrownBy(() -> cleanup.applyPlan(plan.id(), true, Trigger.CLI, CleanupProgress.NONE))
        .isInstanceOf(NotFoundException.class);
  }

  // ---- the HTTP API ----------------------------------------------------------------------------

  @Test
  void postPlansMakesOneThatGetExportsAndApplyApplies() {
    CreatedJob job = finished(COMPLETED, Duration.ofDays(40));
    CreatedJob failed = finished(FAILED, Duration.ofDays(40));

    Http.Response made = http.post("/cleanup/plans?old_completed=true", admin());

    assertThat(made.status()).as(made.body()).isEqualTo(201);
    JsonNode body = made.json();
    String planId = body.path("run_id").asString();
    assertThat(made.header("Location")).endsWith("/cleanup/plans/" + planId);
    assertThat(body.path("dry_run").asBoolean()).isTrue();
    assertThat(body.path("plan").path("is_plan").asBoolean()).isTrue();
    assertThat(body.path("plan").path("planned").asLong()).isEqualTo(1);

    Http.Response exported = http.get("/cleanup/plans/" + planId, admin());
    assertThat(exported.status()).isEqualTo(200);
    JsonNode document = exported.json();
    assertThat(document.path("kind").asString()).isEqualTo("storekeeper-cleanup-plan");
    assertThat(document.path("plan_id").asString()).isEqualTo(planId);
    assertThat(document.path("summary").path("completed_job").path("count").asLong()).isEqualTo(1);
    assertThat(document.path("items")).hasSize(1);
    assertThat(document.path("items").get(0).path("job_id").asString())
        .isEqualTo(job.id().toString());
    assertThat(document.path("items").get(0).path("path").asString()).startsWith("uploads/");

    Http.Response applied = http.post("/cleanup/plans/" + planId + "/apply", admin());
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    JsonNode result = applied.json().path("plan");
    assertThat(result.path("plan_id").asString()).isEqualTo(planId);
    assertThat(result.path("planned").asLong()).isEqualTo(1);
    assertThat(result.path("deleted").asLong()).isEqualTo(1);
    assertThat(result.path("skipped").asLong()).isZero();
    assertThat(fixtures.gone(job)).isTrue();
    assertThat(fixtures.intact(failed)).as("not selected by the plan").isTrue();

    Http.Response again = http.post("/cleanup/plans/" + planId + "/apply", admin());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void theOpenApiDocumentListsThePlanEndpointsAndTheirParameters() {
    JsonNode paths = http.get("/openapi.json").json().path("paths");

    assertThat(paths.path("/cleanup/plans").path("post").path("parameters"))
        .extracting(parameter -> parameter.path("name").asString())
        .containsExactlyInAnyOrder(
            "orphaned_only",
            "old_completed",
            "old_failed",
            "completed_days",
            "failed_days",
            "cancelled_days",
            "keep_last",
            "items_limit");
    assertThat(paths.path("/cleanup/plans/{id}/apply").path("post").path("parameters"))
        .extracting(parameter -> parameter.path("name").asString())
        .containsExactlyInAnyOrder("id", "force", "items_limit");
    assertThat(
            paths.path("/cleanup/plans/{id}/apply").path("post").path("responses").propertyNames())
        .contains("200", "400", "401", "403", "404", "409");
    assertThat(paths.path("/cleanup/plans/{id}").path("get").path("responses").propertyNames())
        .contains("200", "404", "409");
  }

  @Test
  void theApiRefusesWhatItDoesNotUnderstandAndNeedsTheAdminToken() {
    finished(COMPLETED, Duration.ofDays(40));

    assertThat(http.post("/cleanup/plans").status()).isEqualTo(401);
    for (String refused :
        List.of(
            "dry_run=false",
            "include_unrecognized=true",
            "retry_stuck=true",
            "wait=false",
            "completed_days=-1",
            "old_completed=yes",
            "keep_last=x")) {
      Http.Response answer = http.post("/cleanup/plans?" + refused, admin());
      assertThat(answer.status()).as(refused).isEqualTo(400);
      assertThat(answer.json().path("parameter").asString())
          .as(refused)
          .isEqualTo(refused.substring(0, refused.indexOf('=')));
    }
    assertThat(cleanup.countRuns()).isZero();

    UUID unknown = UUID.randomUUID();
    assertThat(http.get("/cleanup/plans/" + unknown, admin()).status()).isEqualTo(404);
    assertThat(http.post("/cleanup/plans/" + unknown + "/apply", admin()).status()).isEqualTo(404);
    assertThat(http.post("/cleanup/plans/not-a-uuid/apply", admin()).status()).isEqualTo(400);
    CleanupRun dry = cleanup.run(CleanupRequest.full(Trigger.CLI, true), CleanupProgress.NONE);
    Http.Response notAPlan = http.post("/cleanup/plans/" + dry.id() + "/apply", admin());
    assertThat(notAPlan.status()).isEqualTo(409);
    assertThat(notAPlan.json().path("detail").asString()).contains(dry.id().toString());

    CleanupRun plan = planAll();
    assertThat(http.post("/cleanup/plans/" + plan.id() + "/apply").status()).isEqualTo(401);
    assertThat(http.get("/cleanup/plans/" + plan.id()).status()).isEqualTo(401);
    assertThat(http.post("/cleanup/plans/" + plan.id() + "/apply?force=maybe", admin()).status())
        .isEqualTo(400);
    assertThat(http.post("/cleanup/plans/" + plan.id() + "/apply?dry_run=true", admin()).status())
        .isEqualTo(400);
    clock.advance(Duration.ofHours(25));
    Http.Response stale = http.post("/cleanup/plans/" + plan.id() + "/apply", admin());
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.json().path("detail").asString()).contains("PLAN_MAX_AGE_HOURS");
    assertThat(http.post("/cleanup/plans/" + plan.id() + "/apply?force=true", admin()).status())
        .isEqualTo(200);
  }
}
