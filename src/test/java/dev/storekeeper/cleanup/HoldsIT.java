package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Holds and keep-last (issue 12): what they keep is kept by every deletion path, including a hold
 * placed while a run is going on; the API refuses what it does not understand.
 */
abstract class HoldsIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  @Autowired CleanupReports reports;
  @Autowired HoldService holds;
  Fixtures fixtures;
  Http http;

  @BeforeEach
  void fixtures() {
    fixtures = new Fixtures(jdbc, layout);
    http = new Http(port);
  }

  @AfterEach
  void noSeams() {
    executor.checkpoint = step -> {};
  }

  Instant now() {
    return clock.instant();
  }

  CreatedJob expired(dev.storekeeper.jobs.JobStatus status) {
    return fixtures.aJob(status).finishedAt(now().minus(Duration.ofDays(40))).create();
  }

  CleanupRun run(CleanupRequest request) {
    return cleanup.run(request, CleanupProgress.NONE);
  }

  CleanupRun full(boolean dryRun) {
    return run(CleanupRequest.full(Trigger.CLI, dryRun));
  }

  Http.Response putHold(UUID id, String body, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs/" + id + "/hold"))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body));
    return http.send(request, headers);
  }

  String[] admin() {
    return new String[] {"Authorization", "Bearer " + ADMIN_TOKEN};
  }

  // ---- what a hold keeps -----------------------------------------------------------------------

  @Test
  void aHeldJobSurvivesRetentionAndIsListedAsKeptWithItsHold() {
    CreatedJob held = expired(COMPLETED);
    CreatedJob other = expired(FAILED);
    holds.hold(held.id(), "legal hold, case 42", "admin");

    CleanupRun dry = full(true);
    CleanupRun real = full(false);

    assertThat(fixtures.intact(held)).isTrue();
    assertThat(fixtures.gone(other)).isTrue();
    assertThat(real.counts().heldJobs()).isEqualTo(1);
    assertThat(dry.counts().heldJobs()).isEqualTo(1);
    assertThat(real.counts().completedJobs()).isZero();
    assertThat(cleanup.items(real.id(), 0, 10))
        .filteredOn(item -> held.id().equals(item.jobId()))
        .singleElement()
        .satisfies(
            item -> {
              assertThat(item.result()).isEqualTo(CleanupItem.Result.KEPT);
              assertThat(item.reason()).contains("held since").contains("legal hold, case 42");
            });
  }

  @Test
  void aHoldOnAPendingJobSurvivesItsCompletionAndExpiry() {
    CreatedJob pending = fixtures.aJob(PENDING).create();
    holds.hold(pending.id(), "keep the first run of the new scanner", "admin");
    jdbc.sql("update jobs set status = 'completed', completed_at = :at where id = :id")
        .param("at", dev.storekeeper.jobs.Sql.ts(now().minus(Duration.ofDays(400))))
        .param("id", pending.id())
        .update();

    full(false);

    assertThat(fixtures.intact(pending)).isTrue();
  }

  @Test
  void aHoldPlacedWhileARunIsGoingOnWinsInTheClaim() {
    CreatedJob late = expired(CANCELLED);
    executor.checkpoint =
        step -> {
          if (step.equals("page")) {
            holds.hold(late.id(), "held between the page and the claim", "admin");
          }
        };

    CleanupRun run = full(false);

    assertThat(fixtures.intact(late)).isTrue();
    assertThat(run.counts().cancelledJobs()).isZero();
  }

  @Test
  void aReleasedJobIsRetainedLikeAnyOther() {
    CreatedJob job = expired(COMPLETED);
    holds.hold(job.id(), "until the audit", "admin");
    full(false);

    holds.release(job.id());
    CleanupRun run = full(false);

    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(fixtures.gone(job)).isTrue();
  }

  @Test
  void deletingAHeldJobIsRefusedNamingTheHoldAndTheJobKept() {
    CreatedJob job = expired(COMPLETED);
    holds.hold(job.id(), "under investigation", "admin");

    Http.Response refused = http.delete("/jobs/" + job.id(), admin());

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().path("hold").path("reason").asString())
        .isEqualTo("under investigation");
    assertThat(fixtures.intact(job)).isTrue();

    http.delete("/jobs/" + job.id() + "/hold", admin());
    assertThat(http.delete("/jobs/" + job.id(), admin()).status()).isEqualTo(200);
    assertThat(fixtures.gone(job)).isTrue();
  }

  @Test
  void statisticsCountHeldJobsAndTheirBytes() {
    holds.hold(expired(COMPLETED).id(), "one", "admin");
    holds.hold(fixtures.aJob(PENDING).create().id(), "two", "admin");

    assertThat(reports.stats(false).held())
        .isEqualTo(new CleanupReports.CountAndBytes(2, 2 * (8 + 20)));
  }

  // ---- keep-last -------------------------------------------------------------------------------

  @Test
  void keepLastKeepsTheNewestCompletedJobsEvenWithZeroDaysRetention() {
    List<CreatedJob> completed =
        List.of(
            fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(5))).create(),
            fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(4))).create(),
            fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(3))).create(),
            fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(2))).create());
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(1))).create();
    CleanupRequest keepTwo =
        new CleanupRequest(Trigger.API, false, false, false, false, 0, 0, 0, false).withKeepLast(2);

    CleanupRun dry =
        run(
            new CleanupRequest(Trigger.API, true, false, false, false, 0, 0, 0, false)
                .withKeepLast(2));
    CleanupRun real = run(keepTwo);

    assertThat(fixtures.gone(completed.get(0))).isTrue();
    assertThat(fixtures.gone(completed.get(1))).isTrue();
    assertThat(fixtures.intact(completed.get(2))).isTrue();
    assertThat(fixtures.intact(completed.get(3))).isTrue();
    assertThat(fixtures.gone(failed)).as("keep-last keeps completed jobs only").isTrue();
    assertThat(real.counts().keptLastJobs()).isEqualTo(2);
    assertThat(dry.counts().completedJobs()).isEqualTo(real.counts().completedJobs()).isEqualTo(2);
  }

  @Test
  void keepLastKeepsEverythingWhenThereAreNoMoreJobsThanThat() {
    CreatedJob only = expired(COMPLETED);

    CleanupRun run =
        run(
            new CleanupRequest(Trigger.API, false, false, false, false, 0, 0, 0, false)
                .withKeepLast(5));

    assertThat(fixtures.intact(only)).isTrue();
    assertThat(run.counts().keptLastJobs()).isEqualTo(1);
  }

  // ---- the HTTP API ----------------------------------------------------------------------------

  @Test
  void putHoldRecordsWhoWhenAndWhyAndListsIt() {
    CreatedJob job = expired(COMPLETED);

    Http.Response held = putHold(job.id(), "{\"reason\": \"evidence\"}", admin());

    assertThat(held.status()).isEqualTo(200);
    JsonNode body = held.json();
    assertThat(body.path("held").asBoolean()).isTrue();
    assertThat(body.path("reason").asString()).isEqualTo("evidence");
    assertThat(body.path("held_by").asString()).isEqualTo("admin");
    assertThat(body.path("held_at").asString()).isEqualTo(now().toString());
    JsonNode list = http.get("/holds", admin()).json();
    assertThat(list.path("total").asLong()).isEqualTo(1);
    assertThat(list.path("holds").get(0).path("job_id").asString()).isEqualTo(job.id().toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "null",
        "[]",
        "\"evidence\"",
        "{}",
        "{\"reason\": null}",
        "{\"reason\": \"\"}",
        "{\"reason\": \"   \"}",
        "{\"reason\": 42}",
        "{\"reason\": [\"a\"]}",
        "{\"reason\": \"two\\nlines\"}",
        "{\"reason\": \"bidi \\u202e trick\"}",
        "{\"reason\": \"ok\", \"held_by\": \"someone else\"}",
        "{\"Reason\": \"case\"}",
        "{\"reason\": \"ok\"",
      })
  void refusesABodyItDoesNotUnderstandAndHoldsNothing(String body) {
    CreatedJob job = expired(COMPLETED);

    Http.Response refused = putHold(job.id(), body, admin());

    assertThat(refused.status()).as(body).isEqualTo(400);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(holds.countHeld()).isZero();
  }

  @Test
  void refusesAReasonLongerThanTheColumnNamingIt() {
    CreatedJob job = expired(COMPLETED);

    Http.Response refused =
        putHold(job.id(), "{\"reason\": \"" + "x".repeat(1025) + "\"}", admin());

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().path("parameter").asString()).isEqualTo("reason");
  }

  @Test
  void holdsNeedTheAdminTokenAndAnUnknownJobIs404() {
    CreatedJob job = expired(COMPLETED);

    assertThat(putHold(job.id(), "{\"reason\": \"x\"}").status()).isEqualTo(401);
    assertThat(http.get("/holds").status()).isEqualTo(401);
    assertThat(http.delete("/jobs/" + job.id() + "/hold").status()).isEqualTo(401);
    assertThat(putHold(UUID.randomUUID(), "{\"reason\": \"x\"}", admin()).status()).isEqualTo(404);
    assertThat(holds.countHeld()).isZero();
  }

  @Test
  void aHoldBodyMustBeJsonAndSmall() {
    CreatedJob job = expired(COMPLETED);
    HttpRequest.Builder form =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/jobs/" + job.id() + "/hold"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(HttpRequest.BodyPublishers.ofString("reason=x"));

    assertThat(http.send(form, admin()).status()).isEqualTo(415);
    assertThat(putHold(job.id(), "{\"reason\": \"" + "x".repeat(20_000) + "\"}", admin()).status())
        .isEqualTo(400);
    assertThat(holds.countHeld()).isZero();
  }
}
