package dev.storekeeper.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.OnH2;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * Issue 14 in a real browser: headless Chromium logs in, reads the figures, runs a dry run and a
 * real run from the page, and logs out; an anonymous visitor sees only the login; a form without
 * its CSRF token is refused. One browser for the class, to keep the suite fast. The database
 * matters little here (DashboardIT runs on both), so H2 only. Screenshots: target/screenshots/.
 */
@OnH2
class DashboardBrowserH2IT extends StorekeeperIT {

  static ChromeDriver browser;

  @org.springframework.beans.factory.annotation.Autowired UsageSampleRepository samples;
  Fixtures fixtures;
  Http api;

  @BeforeAll
  static void startBrowser() {
    browser = Chromium.start(1280, 1600);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void freshVisitor() {
    fixtures = new Fixtures(jdbc, layout);
    api = new Http(port);
    open("/dashboard/login");
    browser.manage().deleteAllCookies();
  }

  @Test
  void anonymousVisitorSeesOnlyTheLoginThenTheFiguresOfTheApi() {
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(2))).create();
    fixtures.aJob(JobStatus.FAILED).finishedAt(START.minus(Duration.ofDays(9))).create();
    jdbc.sql("delete from usage_samples").update();
    for (int hour = 20 * 24; hour >= 1; hour -= 6) {
      long used = (480 - hour) * 3_000_000L + (hour % 24) * 500_000L;
      samples.insert(
          new UsageSampleRepository.Sample(
              "node-a",
              START.minus(Duration.ofHours(hour)),
              used / 4,
              used - used / 4,
              (480 - hour) / 3,
              80_000_000_000L - used,
              250_000_000_000L));
    }

    open("/");
    assertThat(browser.getCurrentUrl()).endsWith("/dashboard/login");
    assertThat(browser.findElements(By.id("usage"))).isEmpty();
    Chromium.screenshot(browser, "login");

    logIn();

    assertThat(browser.getCurrentUrl()).endsWith("/dashboard");
    JsonNode stats = api.get("/cleanup/stats", "Authorization", "Bearer " + ADMIN_TOKEN).json();
    assertThat(dataBytes(By.id("usage-total"))).isEqualTo(stats.get("total_size_bytes").asLong());
    assertThat(dataBytes(By.id("usage-free"))).isPositive();
    for (String status : List.of("completed", "failed")) {
      WebElement row = browser.findElement(By.cssSelector("tr[data-status='" + status + "']"));
      assertThat(row.getText())
          .startsWith(status + " " + stats.get("jobs").get(status).get("count").asLong());
    }
    WebElement reclaim = browser.findElement(By.cssSelector("tr[data-reclaimable='total']"));
    assertThat(reclaim.getAttribute("data-count")).isEqualTo("2");
    assertThat(browser.manage().getCookieNamed("STOREKEEPER_SESSION").isHttpOnly()).isTrue();
    assertThat(browser.getPageSource()).doesNotContain(ADMIN_TOKEN);
    Object stored =
        browser.executeScript(
            "return JSON.stringify(localStorage) + JSON.stringify(sessionStorage) +"
                + " document.cookie");
    assertThat(stored.toString()).doesNotContain(ADMIN_TOKEN).doesNotContain("STOREKEEPER");
    assertThat(browser.findElements(By.cssSelector("#usage-chart canvas")))
        .as("uPlot, served from the jar, drew the chart under the page's content security policy")
        .hasSize(1);
    assertThat(browser.findElements(By.cssSelector("#history-table tr[data-sample]")))
        .as("one row per UTC day of samples: 12 May 12:00 to 1 June 06:00")
        .hasSize(21);
    browser.executeScript("document.getElementById('history').scrollIntoView()");
    Chromium.screenshot(browser, "dashboard-history");
    browser.executeScript("window.scrollTo(0, 0)");
    Chromium.screenshot(browser, "dashboard");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 2400));
    open("/dashboard");
    Object overflow =
        browser.executeScript(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth");
    Object wide =
        browser.executeScript(
            "return Array.from(document.querySelectorAll('main *')).filter(e =>"
                + " e.getBoundingClientRect().right > document.documentElement.clientWidth"
                + " && !e.closest('.scroll')).map(e => e.tagName + '#' + e.id + '.' +"
                + " e.className).slice(0, 8).join(' ')");
    assertThat(overflow).as("no sideways scrolling at a phone's width: %s", wide).isEqualTo(false);
    Chromium.screenshot(browser, "dashboard-phone");
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1600));
  }

  @Test
  void aDryRunAndAConfirmedRunFromThePageAreInTheLedger() {
    CreatedJob old =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    CreatedJob recent =
        fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(2))).create();
    logIn();

    browser.findElement(By.id("dry-run")).click();
    awaitHeading("Dry run");

    assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Dry run");
    assertThat(browser.findElements(By.cssSelector("tr[data-job='" + old.id() + "']"))).hasSize(1);
    assertThat(browser.findElements(By.cssSelector("tr[data-job='" + recent.id() + "']")))
        .isEmpty();
    assertThat(fixtures.intact(old)).isTrue();
    Chromium.screenshot(browser, "dry-run");
    clock.advance(Duration.ofSeconds(30)); // read the page; the ledger orders runs by their start

    browser.findElement(By.id("confirm-run")).click();
    awaitHeading("Run");

    assertThat(browser.findElement(By.tagName("h1")).getText()).startsWith("Run");
    assertThat(browser.findElement(By.id("run-outcome")).getText()).isEqualTo("succeeded");
    assertThat(fixtures.gone(old)).isTrue();
    assertThat(fixtures.intact(recent)).isTrue();
    JsonNode ledger = api.get("/cleanup/runs", "Authorization", "Bearer " + ADMIN_TOKEN).json();
    assertThat(ledger.get("total").asLong()).isEqualTo(2);
    JsonNode real = ledger.get("runs").get(0);
    assertThat(real.get("run_id").asText())
        .isEqualTo(browser.findElement(By.id("run-id")).getText());
    assertThat(real.get("trigger").asText()).isEqualTo("api");
    assertThat(real.get("dry_run").asBoolean()).isFalse();
    assertThat(real.get("completed_jobs").asLong()).isEqualTo(1);
    assertThat(ledger.get("runs").get(1).get("dry_run").asBoolean()).isTrue();

    open("/dashboard");
    assertThat(browser.findElements(By.cssSelector("tr[data-run]"))).hasSize(2);
  }

  @Test
  void aFormWithoutItsCsrfTokenIsRefusedAndLogoutEndsTheSession() {
    fixtures.aJob(JobStatus.COMPLETED).finishedAt(START.minus(Duration.ofDays(60))).create();
    logIn();

    browser.executeScript(
        "document.querySelectorAll('input[name=_csrf]').forEach(e => e.remove())");
    browser.findElement(By.id("dry-run")).click();
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(driver -> driver.getPageSource().contains("CSRF token is missing"));

    assertThat(browser.getPageSource()).contains("CSRF token is missing");
    assertThat(jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single()).isZero();

    open("/dashboard");
    browser.findElement(By.cssSelector("form.logout button")).click();
    // the click returns once the form is submitted, not once the redirect after it has loaded
    awaitUrlEndingWith("/dashboard/login?logout");
    open("/dashboard");
    assertThat(browser.getCurrentUrl()).endsWith("/dashboard/login");
  }

  private void logIn() {
    open("/dashboard/login");
    browser.findElement(By.id("token")).sendKeys(ADMIN_TOKEN);
    browser.findElement(By.cssSelector("#login-form button")).click();
    awaitUrlEndingWith("/dashboard");
  }

  /** Waits for the page a click leads to: clicks return before the next page has loaded. */
  private static void awaitHeading(String prefix) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(driver -> driver.findElement(By.tagName("h1")).getText().startsWith(prefix));
  }

  private static void awaitUrlEndingWith(String suffix) {
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(driver -> driver.getCurrentUrl().endsWith(suffix));
  }

  private void open(String path) {
    browser.get(url(path));
  }

  private static long dataBytes(By by) {
    return Long.parseLong(browser.findElement(by).getAttribute("data-bytes"));
  }
}
