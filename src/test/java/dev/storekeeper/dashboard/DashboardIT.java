package dev.storekeeper.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14: the dashboard's door and actions over real HTTP, as a browser uses them (cookies, form
 * posts, CSRF tokens). The session grants the dashboard only: the API keeps answering 401 without a
 * bearer token, and no form is accepted without the session's CSRF token.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class DashboardIT extends StorekeeperIT {

  static final String ADMIN = "Bearer " + ADMIN_TOKEN;
  private static final Pattern RUN_LOCATION = Pattern.compile("/dashboard/runs/([0-9a-f-]{36})$");

  @org.springframework.beans.factory.annotation.Autowired UsageSampler sampler;
  Fixtures fixtures;
  Http api;
  FormSession browser;

  @BeforeEach
  void clients() {
    fixtures = new Fixtures(jdbc, layout);
    api = new Http(port);
    browser = new FormSession(port);
  }

  @Test
  void anonymousVisitorSeesOnlyTheLogin() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();

    for (String path :
        List.of("/dashboard", "/dashboard/", "/dashboard/runs/" + UUID.randomUUID())) {
      FormSession.Page page = browser.get(path);
      assertThat(page.status()).as(path).isEqualTo(302);
      assertThat(page.header("Location")).as(path).endsWith("/dashboard/login");
    }
    FormSession.Page login = browser.get("/dashboard/login");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body())
        .contains("Admin token")
        .doesNotContain("Usage now", old.id().toString());

    FormSession.Page dry = browser.post("/dashboard/dry-run", Map.of());
    assertThat(dry.status()).isEqualTo(302);
    assertThat(dry.header("Location")).endsWith("/dashboard/login");
    assertThat(runsInLedger()).isZero();
  }

  @Test
  void browserAtTheRootIsSentToTheDashboardWhileApiClientsKeepTheirAnswer() {
    FormSession.Page html = browser.get("/");
    assertThat(html.status()).isEqualTo(302);
    assertThat(html.header("Location")).endsWith("/dashboard");

    Http.Response json = api.get("/", "Accept", "application/json");
    assertThat(json.status()).isEqualTo(404);
    assertThat(json.header("Content-Type")).startsWith("application/problem+json");
    Http.Response any = api.get("/");
    assertThat(any.status()).isEqualTo(404);
  }

  @Test
  void loginSetsAStrictHttpOnlySessionCookieAndTheTokenIsNeverShown(CapturedOutput output) {
    FormSession.Page login = browser.login(ADMIN_TOKEN);

    assertThat(login.status()).isEqualTo(302);
    assertThat(login.header("Location")).endsWith("/dashboard").doesNotContain(ADMIN_TOKEN);
    String cookie =
        login.response().headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("STOREKEEPER_SESSION="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/dashboard");
    assertThat(cookie).as("plain HTTP: Secure would drop the cookie").doesNotContain("Secure");
    FormSession.Page page = browser.get("/dashboard");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("Usage now").doesNotContain(ADMIN_TOKEN);
    assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'");
    assertThat(page.header("Cache-Control")).contains("no-store");
    assertThat(output.getAll()).doesNotContain(ADMIN_TOKEN);
  }

  @Test
  void aWrongTokenDoesNotLogIn() {
    FormSession.Page login = browser.login("wrong-token-" + UUID.randomUUID());

    assertThat(login.status()).isEqualTo(302);
    assertThat(login.header("Location")).endsWith("/dashboard/login?error");
    assertThat(browser.get("/dashboard").status()).isEqualTo(302);
    assertThat(browser.get("/dashboard/login?error").body()).contains("That token is not valid");
  }

  @Test
  void thePageShowsTheFiguresOfTheStatsEndpoint() {
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(1))).create();
    fixtures.aJob(JobStatus.FAILED).finishedAt(START.minus(Duration.ofDays(10))).create();
    browser.login(ADMIN_TOKEN);

    String page = browser.get("/dashboard").body();
    JsonNode stats = api.get("/cleanup/stats", "Authorization", ADMIN).json();

    assertThat(dataBytes(page, "id=\"usage-total\""))
        .isEqualTo(stats.get("total_size_bytes").asLong())
        .isPositive();
    assertThat(dataBytes(page, "id=\"usage-uploads\""))
        .isEqualTo(stats.get("uploads").get("size_bytes").asLong());
    for (String status : List.of("completed", "failed", "pending")) {
      assertThat(page)
          .contains(
              "data-status=\"%s\" data-count=\"%d\" data-bytes=\"%d\""
                  .formatted(
                      status,
                      stats.get("jobs").get(status).get("count").asLong(),
                      stats.get("jobs").get(status).get("bytes").asLong()));
    }
    JsonNode total = stats.get("reclaimable").get("total");
    assertThat(total.get("count").asLong()).isEqualTo(2);
    assertThat(page)
        .contains(
            "data-reclaimable=\"total\" data-count=\"2\" data-bytes=\"%d\""
                .formatted(total.get("bytes").asLong()));
  }

  @Test
  void thePageShowsUsageAgainstTheCapacityWatermarks() {
    browser.login(ADMIN_TOKEN);

    String page = browser.get("/dashboard").body();

    Matcher capacity =
        Pattern.compile(
                "id=\"usage-capacity\"\\s+data-percent=\"(\\d+)\" data-high=\"99\" data-low=\"80\""
                    + " data-source=\"(filesystem|quota)\"")
            .matcher(page);
    assertThat(capacity.find()).as("the capacity line with the watermarks in force").isTrue();
    int percent = Integer.parseInt(capacity.group(1));
    assertThat(percent).isBetween(0, 100);
    assertThat(page)
        .contains(percent < 99 ? "✓ below the high watermark" : "⚠ at or above the high watermark")
        .contains("id=\"capacity-meter\"");
  }

  @Test
  void theForecastPageShowsWhatTheForecastEndpointAnswers() {
    // completed retention is 30 days: these pass it in 2 and 5 days
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(28))).create();
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(25))).create();
    browser.login(ADMIN_TOKEN);

    String page = browser.get("/dashboard/forecast?days=7").body();
    JsonNode forecast =
        api.get("/cleanup/forecast?days=7", "Authorization", ADMIN).json().get("per_day");
    FormSession.Page refused = browser.get("/dashboard/forecast?days=0");

    assertThat(forecast).hasSize(7);
    long listed = 0;
    for (JsonNode day : forecast) {
      long jobs = day.get("total").get("jobs").asLong();
      listed += jobs;
      assertThat(page)
          .contains(
              "data-date=\"%s\" data-jobs=\"%d\" data-bytes=\"%d\""
                  .formatted(
                      day.get("date").asString(), jobs, day.get("total").get("bytes").asLong()));
    }
    assertThat(listed).isEqualTo(2);
    assertThat(page).contains("Upload rate:");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("\"parameter\":\"days\"");
  }

  @Test
  void aSessionCookieWithoutTheCsrfTokenCannotPost() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");

    FormSession.Page none = browser.postRaw("/dashboard/dry-run", Map.of());
    FormSession.Page wrong = browser.postRaw("/dashboard/dry-run", Map.of("_csrf", "forged"));
    FormSession.Page hold =
        browser.postRaw("/dashboard/holds", Map.of("job_id", old.id().toString(), "reason", "x"));

    for (FormSession.Page refused : List.of(none, wrong, hold)) {
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }
    assertThat(runsInLedger()).isZero();
    assertThat(count("select count(*) from jobs where held_at is not null")).isZero();
  }

  @Test
  void theSessionDoesNotGrantTheApi() {
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    browser.login(ADMIN_TOKEN);
    String cookie = "STOREKEEPER_SESSION=" + browser.sessionCookie();

    Http.Response stats = api.get("/cleanup/stats", "Cookie", cookie);
    Http.Response run = api.post("/cleanup/run", "Cookie", cookie);

    for (Http.Response refused : List.of(stats, run)) {
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    }
    assertThat(runsInLedger()).isZero();
  }

  @Test
  void aDryRunFromThePageThenItsConfirmationDeleteExactlyWhatItNamed() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    CreatedJob recent =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(1))).create();
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");

    UUID dryRun = runIn(browser.post("/dashboard/dry-run", Map.of()));
    String preview = browser.get("/dashboard/runs/" + dryRun).body();

    assertThat(preview).contains(old.id().toString(), "Delete these items now");
    assertThat(preview).doesNotContain(recent.id().toString());
    assertThat(fixtures.intact(old)).isTrue();
    clock.advance(Duration.ofSeconds(30)); // read the page; the ledger orders runs by their start

    UUID real = runIn(browser.post("/dashboard/run", Map.of("preview", dryRun.toString())));

    assertThat(real).isNotEqualTo(dryRun);
    assertThat(fixtures.gone(old)).isTrue();
    assertThat(fixtures.intact(recent)).isTrue();
    JsonNode ledger = api.get("/cleanup/runs", "Authorization", ADMIN).json();
    assertThat(ledger.get("total").asLong()).isEqualTo(2);
    JsonNode newest = ledger.get("runs").get(0);
    assertThat(newest.get("run_id").asText()).isEqualTo(real.toString());
    assertThat(newest.get("trigger").asText()).isEqualTo("api");
    assertThat(newest.get("dry_run").asBoolean()).isFalse();
    assertThat(newest.get("completed_jobs").asLong()).isEqualTo(1);
    assertThat(ledger.get("runs").get(1).get("dry_run").asBoolean()).isTrue();
    assertThat(browser.get("/dashboard/runs/" + real).body())
        .contains(old.id().toString())
        .doesNotContain("Delete these items now");
  }

  @Test
  void aStaleConfirmationDeletesNothingAndShowsAFreshDryRun() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");
    UUID dryRun = runIn(browser.post("/dashboard/dry-run", Map.of()));
    clock.advance(DashboardController.PREVIEW_VALID_FOR.plusSeconds(1));

    UUID next = runIn(browser.post("/dashboard/run", Map.of("preview", dryRun.toString())));

    assertThat(fixtures.intact(old)).isTrue();
    assertThat(count("select count(*) from cleanup_runs where dry_run = false")).isZero();
    assertThat(browser.get("/dashboard/runs/" + next).body())
        .contains("no longer current", "Delete these items now");
  }

  @Test
  void holdAndReleaseFromThePageGoThroughTheHoldService() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");

    FormSession.Page held =
        browser.post(
            "/dashboard/holds", Map.of("job_id", old.id().toString(), "reason", "legal hold"));
    assertThat(held.status()).isEqualTo(302);
    String page = browser.get("/dashboard").body();
    assertThat(page).contains("data-held=\"" + old.id() + "\"", "legal hold");
    UUID dryRun = runIn(browser.post("/dashboard/dry-run", Map.of()));
    String preview = browser.get("/dashboard/runs/" + dryRun).body();
    String row = preview.substring(preview.indexOf("data-job=\"" + old.id() + "\""));
    assertThat(row.substring(0, row.indexOf("</tr>"))).contains("legal hold", "<td>kept</td>");
    assertThat(preview).contains("id=\"run-jobs\">0<");

    browser.get("/dashboard");
    browser.post("/dashboard/holds/" + old.id() + "/release", Map.of());
    assertThat(browser.get("/dashboard").body()).doesNotContain("data-held=");
    assertThat(count("select count(*) from jobs where held_at is not null")).isZero();
  }

  @Test
  void refusalsAreShownOnThePageNamingWhatWasWrong() {
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");

    FormSession.Page hold =
        browser.post("/dashboard/holds", Map.of("job_id", "not-a-job", "reason", "x"));

    assertThat(hold.status()).isEqualTo(302);
    assertThat(browser.get("/dashboard").body()).contains("job_id must be a UUID");
    FormSession.Page badRun = browser.get("/dashboard/runs/nope");
    assertThat(badRun.status()).isEqualTo(400);
    assertThat(badRun.body()).contains("\"parameter\":\"id\"");
    FormSession.Page unknown = browser.get("/dashboard?runs_offset=1&dryrun=true");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("\"parameter\":\"dryrun\"");
  }

  @Test
  void logoutEndsTheSession() {
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");
    String cookie = "STOREKEEPER_SESSION=" + browser.sessionCookie();

    FormSession.Page out = browser.post("/dashboard/logout", Map.of());

    assertThat(out.status()).isEqualTo(302);
    assertThat(out.header("Location")).endsWith("/dashboard/login?logout");
    FormSession.Page replayed = new FormSession(port).get("/dashboard", "Cookie", cookie);
    assertThat(replayed.status()).isEqualTo(302);
    assertThat(replayed.header("Location")).endsWith("/dashboard/login");
  }

  @Test
  void aConfirmationAfterAnotherRunDeletesNothing() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    browser.login(ADMIN_TOKEN);
    browser.get("/dashboard");
    UUID dryRun = runIn(browser.post("/dashboard/dry-run", Map.of()));
    clock.advance(Duration.ofSeconds(5));
    assertThat(
            api.post("/cleanup/run?dry_run=true&orphaned_only=true", "Authorization", ADMIN)
                .status())
        .isEqualTo(200);
    clock.advance(Duration.ofSeconds(5));

    runIn(browser.post("/dashboard/run", Map.of("preview", dryRun.toString())));

    assertThat(fixtures.intact(old)).isTrue();
    assertThat(count("select count(*) from cleanup_runs where dry_run = false")).isZero();
  }

  @Test
  void usageOverTimeShowsTheSamplesOfTheWindowAndRealRunsAsMarkers() {
    jdbc.sql("delete from usage_samples").update();
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(200))).create();
    clock.set(START.minus(Duration.ofDays(100)));
    sampler.sample();
    clock.set(START.minus(Duration.ofDays(10)));
    sampler.sample();
    clock.set(START.minus(Duration.ofDays(1)));
    sampler.sample();
    clock.set(START);
    JsonNode run = api.post("/cleanup/run", "Authorization", ADMIN).json();
    api.post("/cleanup/run?dry_run=true", "Authorization", ADMIN);

    assertThat(count("select count(*) from usage_samples"))
        .as("the sample older than CLEANUP_HISTORY_DAYS (90) is forgotten")
        .isEqualTo(2);
    browser.login(ADMIN_TOKEN);
    String page = browser.get("/dashboard").body();

    assertThat(page)
        .contains("data-sample=\"" + START.minus(Duration.ofDays(10)) + "\"")
        .contains("data-sample=\"" + START.minus(Duration.ofDays(1)) + "\"")
        .doesNotContain("data-sample=\"" + START.minus(Duration.ofDays(100)) + "\"");
    assertThat(page).contains("data-used=\"" + 28 + "\"");
    assertThat(page).contains("data-mark=\"" + run.get("run_id").asText() + "\"");
    assertThat(page.split("data-mark=", -1)).as("dry runs are not drawn").hasSize(2);
    String marker = "id=\"usage-data\">";
    int start = page.indexOf(marker) + marker.length();
    String data = page.substring(start, page.indexOf("</script>", start));
    JsonNode chart = tools.jackson.databind.json.JsonMapper.builder().build().readTree(data);
    assertThat(chart.get("t")).hasSize(2);
    assertThat(chart.get("used").get(1).asLong()).isEqualTo(28);
    assertThat(chart.get("runs").get(0).get("freed").asLong())
        .isEqualTo(run.get("bytes_freed").asLong())
        .isPositive();
  }

  @Test
  void theAgeHistogramPlacesFinishedJobsAgainstTheirRetention() {
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(2))).create();
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(45))).create();
    fixtures.aJob(JobStatus.FAILED).finishedAt(START.minus(Duration.ofDays(3))).create();
    fixtures.aJob(JobStatus.FAILED).finishedAt(START.minus(Duration.ofDays(10))).create();
    fixtures.aJob(JobStatus.CANCELLED).finishedAt(START.minus(Duration.ofDays(400))).create();
    clock.advance(UsageHistory.AGES_FRESH_FOR); // a later instant than other tests' pages
    browser.login(ADMIN_TOKEN);

    String page = browser.get("/dashboard").body();

    assertThat(ageCell(page, 1, "completed")).contains("data-count=\"1\"", "inside", "1 ✓");
    assertThat(ageCell(page, 30, "completed")).contains("data-count=\"1\"", "past", "1 ✗");
    assertThat(ageCell(page, 14, "completed")).contains("data-count=\"0\"", "inside");
    assertThat(ageCell(page, 1, "failed")).contains("data-count=\"1\"", "inside");
    assertThat(ageCell(page, 7, "failed")).contains("data-count=\"1\"", "past");
    assertThat(ageCell(page, 365, "cancelled")).contains("data-count=\"1\"", "past");
    assertThat(ageCell(page, 0, "completed")).contains("data-count=\"0\"");

    fixtures.aJob(JobStatus.COMPLETED).finishedAt(clock.instant().minusSeconds(60)).create();
    String after = browser.get("/dashboard").body();
    assertThat(ageCell(after, 0, "completed"))
        .as("a job that finished since is counted at once")
        .contains("data-count=\"1\"");
  }

  private static String ageCell(String page, int fromDays, String status) {
    int row = page.indexOf("data-age=\"" + fromDays + "\"");
    assertThat(row).as("age row from %d days", fromDays).isNotNegative();
    String rest = page.substring(row, page.indexOf("</tr>", row));
    int cell = rest.indexOf("data-status=\"" + status + "\"");
    int start = rest.lastIndexOf("<td", cell);
    return rest.substring(start, rest.indexOf("</td>", cell));
  }

  private long runsInLedger() {
    return count("select count(*) from cleanup_runs");
  }

  private long count(String sql) {
    return jdbc.sql(sql).query(Long.class).single();
  }

  private static UUID runIn(FormSession.Page redirect) {
    assertThat(redirect.status()).isEqualTo(302);
    Matcher m = RUN_LOCATION.matcher(redirect.header("Location"));
    assertThat(m.find()).as(redirect.header("Location")).isTrue();
    return UUID.fromString(m.group(1));
  }

  private static long dataBytes(String page, String marker) {
    int at = page.indexOf(marker);
    assertThat(at).as(marker).isNotNegative();
    Matcher m = Pattern.compile("data-bytes=\"(\\d+)\"").matcher(page.substring(at));
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
