package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.Sql;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * The cleanup HTTP API through real HTTP on a random port: every endpoint, parameter, status code
 * and security case, on H2 and PostgreSQL (subclasses). Configured retention: 30 days completed, 7
 * failed, 7 cancelled, 24 h orphan grace; the schedule is off.
 */
abstract class CleanupApiIT extends StorekeeperIT {

  static final String[] ADMIN = {"Authorization", "Bearer " + ADMIN_TOKEN};

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  Fixtures fixtures;
  Http http;
  final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void client() {
    fixtures = new Fixtures(jdbc, layout);
    http = new Http(port);
  }

  @AfterEach
  void noBlockedRuns() {
    release.countDown();
    executor.checkpoint = step -> {};
    await().atMost(Duration.ofSeconds(30)).until(() -> cleanup.runningRunId().isEmpty());
  }

  Instant now() {
    return clock.instant();
  }

  Instant daysAgo(int days) {
    return now().minus(Duration.ofDays(days));
  }

  Http.Response get(String path) {
    return http.get(path, ADMIN);
  }

  Http.Response post(String path) {
    return http.post(path, ADMIN);
  }

  static JsonNode ok(Http.Response response) {
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    return response.json();
  }

  static JsonNode problem(Http.Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    JsonNode body = response.json();
    assertThat(body.path("status").asInt()).isEqualTo(status);
    assertThat(body.path("title").asString()).isNotBlank();
    assertThat(body.path("detail").asString()).isNotBlank();
    return body;
  }

  Path unrecognized(String name, Instant modified) {
    Path file = layout.uploadsRoot().resolve(name);
    Fixtures.write(file, "not ours");
    Fixtures.touch(file, modified);
    return file;
  }

  /** An item as both runs must report it; only the result differs (would_delete vs deleted). */
  static List<String> itemsOf(JsonNode report) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : report.path("items")) {
      String result = item.path("result").asString();
      items.add(
          String.join(
              "|",
              item.path("category").asString(),
              item.path("job_id").asString(),
              item.path("path").asString(),
              item.path("age_seconds").asString(),
              item.path("bytes").asString(),
              item.path("metrics").asString(),
              item.path("reason").asString(),
              result.equals("would_delete") ? "deleted" : result));
    }
    return items;
  }

  // ---- security ------------------------------------------------------------------------------

  static Stream<Arguments> protectedEndpoints() {
    String id = UUID.randomUUID().toString();
    return Stream.of(
        Arguments.of("GET", "/cleanup/stats"),
        Arguments.of("GET", "/cleanup/stats?scan=true"),
        Arguments.of("POST", "/cleanup/run"),
        Arguments.of("POST", "/cleanup/run?dry_run=true"),
        Arguments.of("GET", "/cleanup/runs"),
        Arguments.of("GET", "/cleanup/runs/" + id),
        Arguments.of("GET", "/cleanup/runs/" + id + "/items"),
        Arguments.of("DELETE", "/jobs/" + id),
        Arguments.of("GET", "/actuator"),
        Arguments.of("GET", "/actuator/prometheus"),
        Arguments.of("GET", "/actuator/metrics"),
        Arguments.of("GET", "/actuator/info"));
  }

  Http.Response send(String method, String path, String... headers) {
    return switch (method) {
      case "GET" -> http.get(path, headers);
      case "POST" -> http.post(path, headers);
      case "DELETE" -> http.delete(path, headers);
      default -> throw new IllegalArgumentException(method);
    };
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("protectedEndpoints")
  void protectedEndpointAnswers401WithoutTokenAnd403WithAWrongOne(String method, String path) {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(daysAgo(400)).create();

    Http.Response none = send(method, path);
    Http.Response basic = send(method, path, "Authorization", "Basic YWRtaW46YWRtaW4=");
    Http.Response blank = send(method, path, "Authorization", "Bearer ");
    Http.Response wrong = send(method, path, "Authorization", "Bearer not-the-token");
    Http.Response almost = send(method, path, "Authorization", "Bearer " + ADMIN_TOKEN + "x");

    for (Http.Response unauthenticated : List.of(none, basic, blank)) {
      JsonNode body = problem(unauthenticated, 401);
      assertThat(unauthenticated.header("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(body.path("instance").asString()).isEqualTo(path.replaceAll("\\?.*", ""));
    }
    problem(wrong, 403);
    problem(almost, 403);
    assertThat(wrong.body()).doesNotContain("not-the-token");
    assertThat(cleanup.countRuns()).isZero();
    assertThat(fixtures.intact(job)).isTrue();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("protectedEndpoints")
  void protectedEndpointAcceptsTheTokenWhateverTheCaseOfTheScheme(String method, String path) {
    String harmless = path.equals("/cleanup/run") ? "/cleanup/run?dry_run=true" : path;
    for (String scheme : List.of("Bearer ", "bearer ", "BEARER ")) {
      Http.Response response = send(method, harmless, "Authorization", scheme + ADMIN_TOKEN);
      assertThat(response.status())
          .as(method + " " + harmless + ": " + response.body())
          .isNotIn(401, 403);
    }
  }

  @Test
  void publicEndpointsNeedNoTokenAndIgnoreAWrongOne() {
    for (String path :
        List.of(
            "/health", "/actuator/health", "/actuator/health/liveness", "/openapi.json", "/jobs")) {
      assertThat(http.get(path).status()).as(path).isEqualTo(200);
      assertThat(http.get(path, "Authorization", "Bearer wrong").status()).as(path).isEqualTo(200);
    }
    assertThat(http.get("/docs").status()).isEqualTo(302);
  }

  @Test
  @ExtendWith(OutputCaptureExtension.class)
  void tokensAreNeverLoggedOrEchoed(CapturedOutput output) {
    String wrong = "wrong-token-" + UUID.randomUUID();
    List<Http.Response> responses =
        List.of(
            http.get("/cleanup/stats", "Authorization", "Bearer " + wrong),
            http.post("/cleanup/run?dry_run=true", "Authorization", "Bearer " + wrong),
            http.get("/actuator/prometheus", "Authorization", "Bearer " + wrong),
            http.get("/cleanup/stats"),
            get("/cleanup/stats"),
            post("/cleanup/run?dry_run=true"),
            post("/cleanup/run?dry_run=maybe"),
            get("/cleanup/runs/" + UUID.randomUUID()));

    for (Http.Response response : responses) {
      assertThat(response.body()).doesNotContain(wrong).doesNotContain(ADMIN_TOKEN);
      assertThat(response.headers().toString()).doesNotContain(wrong).doesNotContain(ADMIN_TOKEN);
    }
    assertThat(output.getAll()).doesNotContain(wrong).doesNotContain(ADMIN_TOKEN);
  }

  // ---- GET /cleanup/stats --------------------------------------------------------------------

  @Test
  void statsAnswerFromTheAccountingWithEverySection() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(1)).create();
    fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    fixtures.aJob(CANCELLED).finishedAt(daysAgo(8)).create();
    fixtures.aJob(PENDING).withoutFiles().create();

    JsonNode stats = ok(get("/cleanup/stats"));

    assertThat(stats.path("source").asString()).isEqualTo("accounting");
    assertThat(stats.path("uploads").path("count").asLong()).isEqualTo(5);
    assertThat(stats.path("uploads").path("size_bytes").asLong()).isEqualTo(5 * 8);
    assertThat(stats.path("outputs").path("count").asLong()).isEqualTo(5);
    assertThat(stats.path("outputs").path("size_bytes").asLong()).isEqualTo(5 * 20);
    for (String area : List.of("uploads", "outputs")) {
      assertThat(stats.path(area).has("size_mb")).isTrue();
      assertThat(stats.path(area).has("size_gb")).isTrue();
    }
    assertThat(stats.path("total_size_bytes").asLong()).isEqualTo(5 * 28);
    assertThat(stats.has("total_size_mb")).isTrue();
    assertThat(stats.has("total_size_gb")).isTrue();
    assertThat(stats.path("jobs").path("completed").path("count").asLong()).isEqualTo(2);
    assertThat(stats.path("jobs").path("completed").path("bytes").asLong()).isEqualTo(56);
    assertThat(stats.path("jobs").path("pending").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("reclaimable").path("completed").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("reclaimable").path("completed").path("bytes").asLong()).isEqualTo(28);
    assertThat(stats.path("reclaimable").path("failed").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("reclaimable").path("cancelled").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("reclaimable").path("total").path("count").asLong()).isEqualTo(3);
    assertThat(stats.path("orphans").has("count")).isTrue();
    assertThat(stats.path("unrecognized").has("bytes")).isTrue();
    assertThat(stats.path("disk").path("total_bytes").asLong()).isPositive();
    assertThat(stats.path("disk").path("free_bytes").asLong()).isPositive();
    assertThat(stats.path("disk").has("used_percent")).isTrue();
    JsonNode scheduler = stats.path("scheduler");
    assertThat(scheduler.path("enabled").asBoolean()).isFalse();
    assertThat(scheduler.path("interval_hours").asDouble()).isEqualTo(24.0);
    assertThat(scheduler.has("last_run")).isTrue();
    assertThat(scheduler.has("next_run")).isTrue();
    assertThat(scheduler.path("overdue").asBoolean()).isFalse();
    assertThat(stats.path("retention").path("completed_days").asInt()).isEqualTo(30);
    assertThat(stats.path("retention").path("failed_days").asInt()).isEqualTo(7);
    assertThat(stats.path("retention").path("cancelled_days").asInt()).isEqualTo(7);
    assertThat(stats.path("retention").path("orphan_grace_hours").asInt()).isEqualTo(24);
  }

  @Test
  void reclaimableIsWhatADryRunWouldDeleteAtTheCutoffs() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(30)).create();
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(30).minusMillis(1)).create();
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(300)).metrics(3).create();
    fixtures.aJob(FAILED).finishedAt(daysAgo(7)).create();
    fixtures.aJob(FAILED).finishedAt(daysAgo(7).minusSeconds(1)).create();
    fixtures.aJob(CANCELLED).finishedAt(daysAgo(7).minusSeconds(1)).create();
    fixtures.aJob(CANCELLED).finishedAt(daysAgo(6)).create();
    fixtures.aJob(PENDING).create();

    JsonNode reclaimable = ok(get("/cleanup/stats")).path("reclaimable");
    JsonNode dry = ok(post("/cleanup/run?dry_run=true&old_completed=true&old_failed=true"));

    assertThat(reclaimable.path("completed").path("count").asLong())
        .isEqualTo(dry.path("completed_jobs").asLong())
        .isEqualTo(2);
    assertThat(reclaimable.path("failed").path("count").asLong())
        .isEqualTo(dry.path("failed_jobs").asLong())
        .isEqualTo(1);
    assertThat(reclaimable.path("cancelled").path("count").asLong())
        .isEqualTo(dry.path("cancelled_jobs").asLong())
        .isEqualTo(1);
    assertThat(reclaimable.path("total").path("bytes").asLong())
        .isEqualTo(dry.path("bytes_freed").asLong())
        .isEqualTo(4 * 28);
  }

  @Test
  void statsWithScanWalkTheDiskForExactFigures() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(1)).create();
    fixtures.orphanUpload(daysAgo(2));

    JsonNode accounted = ok(get("/cleanup/stats"));
    JsonNode scanned = ok(get("/cleanup/stats?scan=true"));

    assertThat(accounted.path("uploads").path("count").asLong()).isEqualTo(1);
    assertThat(scanned.path("source").asString()).isEqualTo("scan");
    assertThat(scanned.path("uploads").path("count").asLong()).isEqualTo(2);
    assertThat(scanned.path("uploads").path("size_bytes").asLong()).isEqualTo(8 + 6);
    assertThat(scanned.path("outputs").path("size_bytes").asLong()).isEqualTo(20);
    assertThat(ok(get("/cleanup/stats?scan=FALSE")).path("source").asString())
        .isEqualTo("accounting");
  }

  @Test
  void statsShowTheOrphansAndUnrecognizedEntriesTheLastScanFound() {
    fixtures.orphanUpload(daysAgo(2));
    unrecognized("notes.txt", daysAgo(2));

    JsonNode run = ok(post("/cleanup/run?dry_run=true&orphaned_only=true"));
    JsonNode stats = ok(get("/cleanup/stats"));

    assertThat(stats.path("orphans").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("orphans").path("bytes").asLong()).isEqualTo(6);
    assertThat(stats.path("orphans").path("run_id").asString())
        .isEqualTo(run.path("run_id").asString());
    assertThat(stats.path("orphans").path("scanned_at").asString()).isEqualTo(now().toString());
    assertThat(stats.path("unrecognized").path("count").asLong()).isEqualTo(1);
    assertThat(stats.path("unrecognized").path("bytes").asLong()).isEqualTo(8);
    assertThat(stats.path("reclaimable").path("orphans").path("count").asLong()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "scan=yes",
        "scan=",
        "scan=1",
        "scan",
        "scan=true&scan=true",
        "scna=true",
        "scan=tru%C3%A9"
      })
  void statsRefuseAnInvalidQueryNamingTheParameter(String query) {
    JsonNode body = problem(get("/cleanup/stats?" + query), 400);

    assertThat(body.path("parameter").asString()).startsWith("sc");
    assertThat(body.path("detail").asString()).contains(body.path("parameter").asString());
  }

  // ---- POST /cleanup/run ---------------------------------------------------------------------

  @Test
  void aDryRunReportsExactlyTheItemsTheRealRunThenDeletes() {
    List<CreatedJob> old =
        List.of(
            fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create(),
            fixtures.aJob(COMPLETED).finishedAt(daysAgo(90)).metrics(5).create(),
            fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create(),
            fixtures.aJob(CANCELLED).finishedAt(daysAgo(9)).metrics(1).create());
    CreatedJob recent = fixtures.aJob(COMPLETED).finishedAt(daysAgo(29)).create();
    CreatedJob pending = fixtures.aJob(PENDING).create();
    Path orphanUpload = fixtures.orphanUpload(daysAgo(2));
    Path orphanOutput = fixtures.orphanOutput(daysAgo(3));
    Path notOurs = unrecognized("notes.txt", daysAgo(2));

    JsonNode dry = ok(post("/cleanup/run?dry_run=true&items_limit=1000"));

    assertThat(old).allMatch(fixtures::intact);
    assertThat(orphanUpload).exists();
    assertThat(orphanOutput).exists();
    assertThat(dry.path("dry_run").asBoolean()).isTrue();
    assertThat(dry.path("items"))
        .extracting(item -> item.path("result").asString())
        .containsOnly("would_delete", "kept");

    JsonNode real = ok(post("/cleanup/run?items_limit=1000"));

    assertThat(real.path("dry_run").asBoolean()).isFalse();
    assertThat(itemsOf(real)).hasSize(7).containsExactlyInAnyOrderElementsOf(itemsOf(dry));
    for (String count :
        List.of(
            "completed_jobs",
            "failed_jobs",
            "cancelled_jobs",
            "metrics_deleted",
            "upload_files_deleted",
            "output_dirs_deleted",
            "orphaned_uploads",
            "orphaned_outputs",
            "bytes_freed",
            "unrecognized_found",
            "items_total")) {
      assertThat(real.path(count).asLong()).as(count).isEqualTo(dry.path(count).asLong());
    }
    assertThat(real.path("completed_jobs").asLong()).isEqualTo(2);
    assertThat(real.path("metrics_deleted").asLong()).isEqualTo(2 + 5 + 2 + 1);
    assertThat(old).allMatch(fixtures::gone);
    assertThat(fixtures.intact(recent)).isTrue();
    assertThat(fixtures.intact(pending)).isTrue();
    assertThat(orphanUpload).doesNotExist();
    assertThat(orphanOutput).doesNotExist();
    assertThat(notOurs).exists();
  }

  @Test
  void aRunAnswersTheResultDocumentWithStorageStatisticsAfterIt() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(1)).create();

    JsonNode run = ok(post("/cleanup/run"));

    assertThat(run.path("run_id").asString()).matches("[0-9a-f-]{36}");
    assertThat(run.path("trigger").asString()).isEqualTo("api");
    assertThat(run.path("dry_run").asBoolean()).isFalse();
    assertThat(run.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(run.path("completed_jobs").asLong()).isEqualTo(1);
    assertThat(run.path("failed_jobs").asLong()).isZero();
    assertThat(run.path("cancelled_jobs").asLong()).isZero();
    assertThat(run.path("metrics_deleted").asLong()).isEqualTo(2);
    assertThat(run.path("upload_files_deleted").asLong()).isEqualTo(1);
    assertThat(run.path("output_dirs_deleted").asLong()).isEqualTo(1);
    assertThat(run.path("orphaned_uploads").asLong()).isZero();
    assertThat(run.path("orphaned_outputs").asLong()).isZero();
    assertThat(run.path("bytes_freed").asLong()).isEqualTo(28);
    assertThat(run.path("errors").isArray()).isTrue();
    assertThat(run.path("errors")).isEmpty();
    assertThat(run.path("duration_ms").isNumber()).isTrue();
    assertThat(run.path("storage_stats").path("jobs").path("completed").path("count").asLong())
        .isEqualTo(1);
    assertThat(run.path("storage_stats").path("total_size_bytes").asLong()).isEqualTo(28);
    assertThat(run.path("items")).hasSize(1);
    assertThat(run.path("items").get(0).path("category").asString()).isEqualTo("completed_job");
    assertThat(run.path("items").get(0).path("result").asString()).isEqualTo("deleted");
    assertThat(run.path("items_next").isNull()).isTrue();
    assertThat(run.path("parameters").path("dry_run").asBoolean()).isFalse();
  }

  @Test
  void itemsLimitListsTheFirstItemsAndLinksToTheRest() {
    for (int i = 0; i < 5; i++) {
      fixtures.aJob(COMPLETED).finishedAt(daysAgo(40 + i)).create();
    }

    JsonNode run = ok(post("/cleanup/run?dry_run=true&items_limit=2"));
    String id = run.path("run_id").asString();

    assertThat(run.path("items_total").asLong()).isEqualTo(5);
    assertThat(run.path("items"))
        .extracting(item -> item.path("seq").asLong())
        .containsExactly(1L, 2L);
    assertThat(run.path("items_next").asString())
        .isEqualTo("/cleanup/runs/" + id + "/items?after=2&limit=2");
    JsonNode second = ok(get(run.path("items_next").asString()));
    assertThat(second.path("run_id").asString()).isEqualTo(id);
    assertThat(second.path("items"))
        .extracting(item -> item.path("seq").asLong())
        .containsExactly(3L, 4L);
    JsonNode third = ok(get(second.path("next").asString()));
    assertThat(third.path("items"))
        .extracting(item -> item.path("seq").asLong())
        .containsExactly(5L);
    assertThat(third.path("next").isNull()).isTrue();
    assertThat(ok(post("/cleanup/run?dry_run=true&items_limit=1000")).path("items")).hasSize(5);
    assertThat(ok(post("/cleanup/run?dry_run=true&items_limit=1")).path("items")).hasSize(1);
    assertThat(ok(post("/cleanup/run?dry_run=true")).path("items")).hasSize(5);
  }

  @Test
  void orphanedOnlyCleansOnlyOrphans() {
    CreatedJob completed = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    Path orphan = fixtures.orphanUpload(daysAgo(2));

    JsonNode run = ok(post("/cleanup/run?orphaned_only=true"));

    assertThat(run.path("orphaned_uploads").asLong()).isEqualTo(1);
    assertThat(run.path("completed_jobs").asLong()).isZero();
    assertThat(orphan).doesNotExist();
    assertThat(fixtures.intact(completed)).isTrue();
    assertThat(fixtures.intact(failed)).isTrue();
  }

  @Test
  void oldCompletedCleansOnlyCompletedJobs() {
    CreatedJob completed = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    Path orphan = fixtures.orphanUpload(daysAgo(2));

    JsonNode run = ok(post("/cleanup/run?old_completed=true"));

    assertThat(run.path("completed_jobs").asLong()).isEqualTo(1);
    assertThat(fixtures.gone(completed)).isTrue();
    assertThat(fixtures.intact(failed)).isTrue();
    assertThat(orphan).exists();
  }

  @Test
  void oldFailedCleansFailedAndCancelledJobs() {
    CreatedJob completed = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    CreatedJob cancelled = fixtures.aJob(CANCELLED).finishedAt(daysAgo(8)).create();
    Path orphan = fixtures.orphanUpload(daysAgo(2));

    JsonNode run = ok(post("/cleanup/run?old_failed=true"));

    assertThat(run.path("failed_jobs").asLong()).isEqualTo(1);
    assertThat(run.path("cancelled_jobs").asLong()).isEqualTo(1);
    assertThat(fixtures.gone(failed)).isTrue();
    assertThat(fixtures.gone(cancelled)).isTrue();
    assertThat(fixtures.intact(completed)).isTrue();
    assertThat(orphan).exists();
  }

  @Test
  void selectorsCombine() {
    CreatedJob completed = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    Path orphan = fixtures.orphanUpload(daysAgo(2));

    ok(post("/cleanup/run?old_completed=true&orphaned_only=true"));

    assertThat(fixtures.gone(completed)).isTrue();
    assertThat(orphan).doesNotExist();
    assertThat(fixtures.intact(failed)).isTrue();
  }

  @Test
  void retentionOverridesApplyToThisRunOnly() {
    CreatedJob completed = fixtures.aJob(COMPLETED).finishedAt(daysAgo(10)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(3)).create();
    CreatedJob cancelled = fixtures.aJob(CANCELLED).finishedAt(daysAgo(3)).create();

    JsonNode defaults = ok(post("/cleanup/run"));
    assertThat(defaults.path("items")).isEmpty();
    assertThat(List.of(completed, failed, cancelled)).allMatch(fixtures::intact);

    JsonNode completedOnly = ok(post("/cleanup/run?completed_days=5"));
    assertThat(completedOnly.path("parameters").path("completed_days").asInt()).isEqualTo(5);
    assertThat(completedOnly.path("parameters").path("failed_days").asInt()).isEqualTo(7);
    assertThat(fixtures.gone(completed)).isTrue();
    assertThat(fixtures.intact(failed)).isTrue();

    ok(post("/cleanup/run?failed_days=2"));
    assertThat(fixtures.gone(failed)).isTrue();
    assertThat(fixtures.intact(cancelled)).isTrue();

    ok(post("/cleanup/run?cancelled_days=2"));
    assertThat(fixtures.gone(cancelled)).isTrue();
  }

  @Test
  void zeroDaysCleansEverythingFinishedBeforeNowAndTheMaximumIsAccepted() {
    CreatedJob justNow = fixtures.aJob(COMPLETED).finishedAt(now().minusSeconds(1)).create();

    assertThat(
            ok(post("/cleanup/run?completed_days=36500&failed_days=36500&cancelled_days=36500"))
                .path("items"))
        .isEmpty();
    ok(post("/cleanup/run?completed_days=0"));

    assertThat(fixtures.gone(justNow)).isTrue();
  }

  @Test
  void unrecognizedEntriesAreListedAndDeletedOnlyWhenAsked() {
    Path notOurs = unrecognized("notes.txt", daysAgo(2));

    JsonNode kept = ok(post("/cleanup/run?orphaned_only=true"));
    assertThat(kept.path("unrecognized_found").asLong()).isEqualTo(1);
    assertThat(kept.path("items").get(0).path("result").asString()).isEqualTo("kept");
    assertThat(notOurs).exists();

    JsonNode deleted = ok(post("/cleanup/run?orphaned_only=true&include_unrecognized=true"));
    assertThat(deleted.path("unrecognized_deleted").asLong()).isEqualTo(1);
    assertThat(notOurs).doesNotExist();
  }

  @Test
  void booleansAreTrueOrFalseInAnyCase() {
    CreatedJob old = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();

    for (String value : List.of("true", "TRUE", "True", "tRuE")) {
      assertThat(ok(post("/cleanup/run?dry_run=" + value)).path("dry_run").asBoolean()).isTrue();
    }
    assertThat(fixtures.intact(old)).isTrue();
    assertThat(ok(post("/cleanup/run?dry_run=FALSE&wait=TRUE")).path("dry_run").asBoolean())
        .isFalse();
    assertThat(fixtures.gone(old)).isTrue();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "dry_run|yes",
        "dry_run|",
        "dry_run|1",
        "dry_run|0",
        "dry_run|truee",
        "dry_run|%20true",
        "orphaned_only|no",
        "old_completed|on",
        "old_failed|y",
        "include_unrecognized|1",
        "wait|maybe",
        "completed_days|-1",
        "completed_days|abc",
        "completed_days|1.5",
        "completed_days|",
        "completed_days|36501",
        "completed_days|99999999999999999999999",
        "completed_days|+5",
        "completed_days|1e3",
        "completed_days|%D9%A3",
        "failed_days|-5",
        "failed_days|7d",
        "cancelled_days|x",
        "cancelled_days|0x10",
        "items_limit|0",
        "items_limit|1001",
        "items_limit|ten",
        "items_limit|-1"
      })
  void aRunRefusesAnInvalidParameterNamingItAndRunsNothing(String name, String value) {
    CreatedJob old = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();

    JsonNode body = problem(post("/cleanup/run?" + name + "=" + value), 400);

    assertThat(body.path("parameter").asString()).isEqualTo(name);
    assertThat(body.path("detail").asString()).startsWith(name + " ");
    assertThat(cleanup.countRuns()).isZero();
    assertThat(fixtures.intact(old)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dry_run=true&dry_run=true",
        "dry_run=true&dry_run=false",
        "completed_days=5&completed_days=5",
        "wait=false&wait=false",
        "dryrun=true",
        "dry-run=true",
        "DRY_RUN=true",
        "orphans=true",
        "dry_run"
      })
  void aRunRefusesRepeatedUnknownOrValuelessParametersAndRunsNothing(String query) {
    CreatedJob old = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();

    JsonNode body = problem(post("/cleanup/run?" + query), 400);

    assertThat(body.path("parameter").asString()).isNotBlank();
    assertThat(cleanup.countRuns()).isZero();
    assertThat(fixtures.intact(old)).isTrue();
  }

  /**
   * Regressions found by {@link CleanupApiFuzzIT}: Tomcat and the firewall refuse these queries.
   */
  @ParameterizedTest
  @ValueSource(strings = {"=", "=x", "dry_run=true&=", "%F0%B1%8D%90=1", "dry_run=%C3%28"})
  void malformedQueriesAre400NotServerErrors(String query) {
    problem(post("/cleanup/run?" + query), 400);
    problem(get("/cleanup/stats?" + query), 400);
    problem(get("/cleanup/runs?" + query), 400);
    assertThat(cleanup.countRuns()).isZero();
  }

  @Test
  void waitFalseAnswers202WithTheRunsLocationAndTheRunShowsItsProgress() throws Exception {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(32)).create();
    CreatedJob failed = fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    CountDownLatch reached = new CountDownLatch(1);
    AtomicInteger claims = new AtomicInteger();
    executor.checkpoint =
        step -> {
          if (step.equals("claimed") && claims.incrementAndGet() == 2) {
            reached.countDown();
            awaitRelease();
          }
        };

    Http.Response started = post("/cleanup/run?wait=false&items_limit=10");

    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = started.json().path("run_id").asString();
    assertThat(started.header("Location")).isEqualTo("/cleanup/runs/" + id);
    assertThat(reached.await(30, TimeUnit.SECONDS)).isTrue();
    JsonNode running = ok(get("/cleanup/runs/" + id));
    assertThat(running.path("outcome").asString()).isEqualTo("running");
    assertThat(running.path("finished_at").isNull()).isTrue();
    assertThat(running.path("completed_jobs").asLong()).isEqualTo(2);
    assertThat(running.path("progress").path("items_done").asLong()).isEqualTo(2);
    assertThat(running.path("progress").path("items_expected").asLong()).isEqualTo(3);
    assertThat(running.path("items")).hasSize(2);
    assertThat(fixtures.intact(failed)).isTrue();

    JsonNode busy = problem(post("/cleanup/run?dry_run=true"), 409);
    assertThat(busy.path("running_run_id").asString()).isEqualTo(id);
    assertThat(busy.path("detail").asString()).contains(id);
    problem(post("/cleanup/run?wait=false"), 409);

    release.countDown();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> get("/cleanup/runs/" + id).json().path("outcome").asString().equals("succeeded"));
    JsonNode done = ok(get("/cleanup/runs/" + id));
    assertThat(done.path("failed_jobs").asLong()).isEqualTo(1);
    assertThat(done.path("progress").path("items_done").asLong()).isEqualTo(3);
    assertThat(done.path("items_total").asLong()).isEqualTo(3);
    assertThat(fixtures.gone(failed)).isTrue();
  }

  private void awaitRelease() {
    try {
      release.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aRunWhileAnotherNodeRunsOneAnswers409NamingIt() {
    UUID other = UUID.randomUUID();
    jdbc.sql(
            """
            update cleanup_lock set run_id = :run, node = 'node-b:4242', acquired_at = :now,
                                    heartbeat_at = :now
            """)
        .param("run", other)
        .param("now", Sql.ts(now()))
        .update();
    CreatedJob old = fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();

    try {
      for (String query : List.of("", "?dry_run=true", "?wait=false")) {
        JsonNode body = problem(post("/cleanup/run" + query), 409);
        assertThat(body.path("running_run_id").asString()).isEqualTo(other.toString());
        assertThat(body.path("node").asString()).isEqualTo("node-b:4242");
      }
      assertThat(fixtures.intact(old)).isTrue();
      assertThat(cleanup.countRuns()).isZero();
    } finally {
      jdbc.sql(
              "update cleanup_lock set run_id = null, node = null, acquired_at = null, heartbeat_at"
                  + " = null")
          .update();
    }
  }

  // ---- the ledger ----------------------------------------------------------------------------

  @Test
  void runsAreListedNewestFirstWithTotalAndPages() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(0, ok(post("/cleanup/run?dry_run=true")).path("run_id").asString());
      clock.advance(Duration.ofMinutes(1));
    }

    JsonNode first = ok(get("/cleanup/runs?limit=2"));
    JsonNode second = ok(get(first.path("next").asString()));

    assertThat(first.path("total").asLong()).isEqualTo(3);
    assertThat(first.path("offset").asInt()).isZero();
    assertThat(first.path("limit").asInt()).isEqualTo(2);
    assertThat(first.path("runs"))
        .extracting(run -> run.path("run_id").asString())
        .containsExactly(ids.get(0), ids.get(1));
    assertThat(first.path("next").asString()).isEqualTo("/cleanup/runs?offset=2&limit=2");
    assertThat(second.path("runs"))
        .extracting(run -> run.path("run_id").asString())
        .containsExactly(ids.get(2));
    assertThat(second.path("next").isNull()).isTrue();
    JsonNode summary = first.path("runs").get(0);
    assertThat(summary.path("trigger").asString()).isEqualTo("api");
    assertThat(summary.path("dry_run").asBoolean()).isTrue();
    assertThat(summary.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(summary.path("href").asString()).isEqualTo("/cleanup/runs/" + ids.get(0));
    assertThat(ok(get("/cleanup/runs")).path("runs")).hasSize(3);
    assertThat(ok(get("/cleanup/runs?offset=3")).path("runs")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "offset=-1",
        "offset=x",
        "limit=0",
        "limit=1001",
        "limit=",
        "limit=1&limit=2",
        "page=2"
      })
  void theRunListRefusesInvalidPaging(String query) {
    JsonNode body = problem(get("/cleanup/runs?" + query), 400);

    assertThat(query).startsWith(body.path("parameter").asString());
  }

  @Test
  void aRunIsShownWithItsItems() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    String id = ok(post("/cleanup/run")).path("run_id").asString();

    JsonNode run = ok(get("/cleanup/runs/" + id));
    JsonNode limited = ok(get("/cleanup/runs/" + id + "?items_limit=1"));
    JsonNode items = ok(get("/cleanup/runs/" + id + "/items"));
    JsonNode after = ok(get("/cleanup/runs/" + id + "/items?after=1&limit=1"));

    assertThat(run.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(run.path("completed_jobs").asLong()).isEqualTo(1);
    assertThat(run.path("items")).hasSize(2);
    assertThat(run.path("storage_stats").isNull()).isTrue();
    assertThat(limited.path("items")).hasSize(1);
    assertThat(limited.path("items_next").asString())
        .isEqualTo("/cleanup/runs/" + id + "/items?after=1&limit=1");
    assertThat(items.path("items")).hasSize(2);
    assertThat(items.path("next").isNull()).isTrue();
    assertThat(after.path("items"))
        .extracting(item -> item.path("seq").asLong())
        .containsExactly(2L);
    assertThat(after.path("items").get(0).path("category").asString()).isEqualTo("failed_job");
  }

  @Test
  void anUnknownRunIs404AndAnInvalidIdIs400() {
    String unknown = UUID.randomUUID().toString();

    problem(get("/cleanup/runs/" + unknown), 404);
    problem(get("/cleanup/runs/" + unknown + "/items"), 404);
    assertThat(problem(get("/cleanup/runs/not-a-uuid"), 400).path("parameter").asString())
        .isEqualTo("id");
    assertThat(problem(get("/cleanup/runs/not-a-uuid/items"), 400).path("parameter").asString())
        .isEqualTo("id");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "after=-1",
        "after=abc",
        "after=1.5",
        "limit=0",
        "limit=1001",
        "limit=x",
        "after=1&after=2",
        "offset=1"
      })
  void runItemsRefuseInvalidPaging(String query) {
    String id = ok(post("/cleanup/run?dry_run=true")).path("run_id").asString();

    JsonNode body = problem(get("/cleanup/runs/" + id + "/items?" + query), 400);

    assertThat(query).startsWith(body.path("parameter").asString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"items_limit=0", "items_limit=1001", "items_limit=x", "after=1"})
  void aRunRefusesInvalidItemsLimit(String query) {
    String id = ok(post("/cleanup/run?dry_run=true")).path("run_id").asString();

    JsonNode body = problem(get("/cleanup/runs/" + id + "?" + query), 400);

    assertThat(query).startsWith(body.path("parameter").asString());
  }

  // ---- DELETE /jobs/{id} ---------------------------------------------------------------------

  @Test
  void deletingAFinishedJobRemovesEverythingAndIsRecordedAsARun() {
    CreatedJob recent = fixtures.aJob(COMPLETED).finishedAt(daysAgo(1)).create();
    CreatedJob other = fixtures.aJob(COMPLETED).finishedAt(daysAgo(1)).create();

    JsonNode run = ok(http.delete("/jobs/" + recent.id(), ADMIN));

    assertThat(fixtures.gone(recent)).isTrue();
    assertThat(fixtures.intact(other)).isTrue();
    assertThat(run.path("trigger").asString()).isEqualTo("api");
    assertThat(run.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(run.path("completed_jobs").asLong()).isEqualTo(1);
    assertThat(run.path("metrics_deleted").asLong()).isEqualTo(2);
    assertThat(run.path("bytes_freed").asLong()).isEqualTo(28);
    assertThat(run.path("items").get(0).path("job_id").asString())
        .isEqualTo(recent.id().toString());
    assertThat(run.path("parameters").path("job_id").asString()).isEqualTo(recent.id().toString());
    assertThat(ok(get("/cleanup/runs")).path("runs").get(0).path("run_id").asString())
        .isEqualTo(run.path("run_id").asString());
    problem(http.get("/jobs/" + recent.id()), 404);
    problem(http.delete("/jobs/" + recent.id(), ADMIN), 404);
  }

  @Test
  void deletingAPendingJobIs409AndAnUnknownOne404() {
    CreatedJob pending = fixtures.aJob(PENDING).create();

    assertThat(problem(http.delete("/jobs/" + pending.id(), ADMIN), 409).path("detail").asString())
        .contains("pending");
    problem(http.delete("/jobs/" + UUID.randomUUID(), ADMIN), 404);
    assertThat(problem(http.delete("/jobs/nope", ADMIN), 400).path("parameter").asString())
        .isEqualTo("id");
    assertThat(
            problem(http.delete("/jobs/" + pending.id() + "?force=true", ADMIN), 400)
                .path("parameter")
                .asString())
        .isEqualTo("force");
    assertThat(fixtures.intact(pending)).isTrue();
  }

  // ---- monitoring ----------------------------------------------------------------------------

  static double metric(String exposition, String series) {
    return exposition
        .lines()
        .filter(line -> line.startsWith(series + " "))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series));
  }

  String scrape() {
    Http.Response response = get("/actuator/prometheus");
    assertThat(response.status()).isEqualTo(200);
    return response.body();
  }

  @Test
  void prometheusCountsRunsItemsAndBytesAndShowsStorageAndJobs() {
    fixtures.aJob(COMPLETED).finishedAt(daysAgo(31)).create();
    fixtures.aJob(FAILED).finishedAt(daysAgo(8)).create();
    fixtures.aJob(PENDING).create();
    fixtures.orphanUpload(daysAgo(2));
    String runs =
        "storekeeper_cleanup_runs_total{dry_run=\"false\",outcome=\"succeeded\",trigger=\"api\"}";
    String dryRuns =
        "storekeeper_cleanup_runs_total{dry_run=\"true\",outcome=\"succeeded\",trigger=\"api\"}";
    String completed = "storekeeper_cleanup_items_deleted_total{category=\"completed_job\"}";
    String orphans = "storekeeper_cleanup_items_deleted_total{category=\"orphan_upload\"}";
    String freed = "storekeeper_cleanup_freed_bytes_total";
    String durations =
        "storekeeper_cleanup_duration_seconds_count{dry_run=\"false\",outcome=\"succeeded\",trigger=\"api\"}";
    String before = scrape();

    ok(post("/cleanup/run?dry_run=true"));
    JsonNode run = ok(post("/cleanup/run"));
    String after = scrape();

    assertThat(metric(after, runs) - metric(before, runs)).isEqualTo(1);
    assertThat(metric(after, dryRuns) - metric(before, dryRuns)).isEqualTo(1);
    assertThat(metric(after, completed) - metric(before, completed)).isEqualTo(1);
    assertThat(metric(after, orphans) - metric(before, orphans)).isEqualTo(1);
    assertThat(metric(after, freed) - metric(before, freed)).isEqualTo(28 + 28 + 6);
    assertThat(
            metric(after, durations) - (before.contains(durations) ? metric(before, durations) : 0))
        .isEqualTo(1);
    assertThat(after).contains("storekeeper_cleanup_duration_seconds_sum{");
    double startedAt = Instant.parse(run.path("started_at").asString()).toEpochMilli() / 1000d;
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              String now = scrape();
              assertThat(metric(now, "storekeeper_cleanup_last_success_timestamp_seconds"))
                  .isEqualTo(startedAt);
              assertThat(metric(now, "storekeeper_jobs{status=\"pending\"}")).isEqualTo(1);
              assertThat(metric(now, "storekeeper_jobs{status=\"completed\"}")).isZero();
              assertThat(metric(now, "storekeeper_storage_files{area=\"uploads\"}")).isEqualTo(1);
              assertThat(metric(now, "storekeeper_storage_size_bytes{area=\"uploads\"}"))
                  .isEqualTo(8);
              assertThat(metric(now, "storekeeper_storage_size_bytes{area=\"outputs\"}"))
                  .isEqualTo(20);
              assertThat(metric(now, "storekeeper_cleanup_overdue")).isZero();
              assertThat(metric(now, "storekeeper_cleanup_reclaimable{category=\"completed\"}"))
                  .isZero();
            });
  }

  @Test
  void healthShowsTheCleanupScheduleAndStorageToTheAdmin() {
    Http.Response health = http.get("/health", "Authorization", "Bearer " + ADMIN_TOKEN);

    assertThat(health.status()).isEqualTo(200);
    JsonNode components = health.json().path("components");
    assertThat(components.path("cleanup").path("status").asString()).isEqualTo("UP");
    assertThat(components.path("cleanup").path("details").path("enabled").asBoolean()).isFalse();
    assertThat(components.path("cleanup").path("details").path("overdue").asBoolean()).isFalse();
    assertThat(components.path("storage").path("status").asString()).isEqualTo("UP");
    assertThat(components.path("db").path("status").asString()).isEqualTo("UP");
    Http.Response actuator = http.get("/actuator/health");
    assertThat(actuator.status()).isEqualTo(200);
    assertThat(actuator.json().path("components").path("cleanup").path("status").asString())
        .isEqualTo("UP");
  }

  @Test
  void theOpenApiDocumentDescribesEveryEndpointAndParameter() {
    Http.Response response = http.get("/openapi.json");
    assertThat(response.status()).isEqualTo(200);
    JsonNode api = response.json();
    JsonNode paths = api.path("paths");

    assertThat(paths.propertyNames())
        .contains(
            "/cleanup/stats",
            "/cleanup/stats/verify",
            "/cleanup/stats/repair",
            "/cleanup/run",
            "/cleanup/runs",
            "/cleanup/runs/{id}",
            "/cleanup/runs/{id}/items",
            "/cleanup/forecast",
            "/jobs/{id}");
    for (var path : paths.properties()) {
      for (var operation : path.getValue().properties()) {
        String where = operation.getKey() + " " + path.getKey();
        assertThat(operation.getValue().path("summary").asString()).as(where).isNotBlank();
        for (JsonNode parameter : operation.getValue().path("parameters")) {
          assertThat(parameter.path("description").asString())
              .as(where + " " + parameter.path("name").asString())
              .isNotBlank();
        }
        boolean admin =
            path.getKey().startsWith("/cleanup")
                || path.getKey().startsWith("/holds")
                || path.getKey().endsWith("/hold")
                || operation.getKey().equals("delete");
        assertThat(operation.getValue().path("security").toString().contains("admin"))
            .as(where)
            .isEqualTo(admin);
      }
    }
    assertThat(paths.path("/cleanup/run").path("post").path("parameters"))
        .extracting(parameter -> parameter.path("name").asString())
        .containsExactlyInAnyOrder(
            "dry_run",
            "orphaned_only",
            "old_completed",
            "old_failed",
            "completed_days",
            "failed_days",
            "cancelled_days",
            "include_unrecognized",
            "retry_stuck",
            "keep_last",
            "wait",
            "items_limit",
            "capacity");
    assertThat(paths.path("/cleanup/forecast").path("get").path("parameters"))
        .extracting(parameter -> parameter.path("name").asString())
        .containsExactly("days");
    assertThat(paths.path("/cleanup/run").path("post").path("responses").propertyNames())
        .contains("200", "202", "400", "401", "403", "409");
    assertThat(
            api.path("components")
                .path("schemas")
                .path("RunReport")
                .path("properties")
                .propertyNames())
        .contains("run_id", "dry_run", "bytes_freed", "storage_stats", "items_next");
    assertThat(
            api.path("components").path("securitySchemes").path("admin").path("scheme").asString())
        .isEqualTo("bearer");
  }

  @Test
  void swaggerUiIsServedAtDocsWithoutAToken() {
    Http.Response docs = http.get("/docs");
    String location = docs.header("Location");

    assertThat(docs.status()).isEqualTo(302);
    assertThat(location).endsWith("/swagger-ui/index.html");
    Http.Response page = http.get(location.replaceFirst("^https?://[^/]+", ""));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    Http.Response config = http.get("/openapi.json/swagger-config");
    assertThat(config.status()).isEqualTo(200);
    assertThat(config.json().path("url").asString()).isEqualTo("/openapi.json");
  }
}
