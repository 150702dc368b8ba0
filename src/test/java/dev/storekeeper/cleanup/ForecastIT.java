package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Http;
import dev.storekeeper.cleanup.ForecastService.Day;
import dev.storekeeper.cleanup.ForecastService.Forecast;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The expiry forecast (issue 12): what it announces for each day is what the runs of that day
 * delete, simulated by moving the clock a day at a time. Retention is the default (completed 30
 * days, failed and cancelled 7).
 */
abstract class ForecastIT extends QuotaIT {

  @Autowired ForecastService forecasts;

  Instant startOfDay(int fromToday) {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
        .plusDays(fromToday)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant();
  }

  /** Jobs of {@code status} whose retention ends every {@code everyHours}, from {@code first}. */
  List<CreatedJob> passingRetention(
      JobStatus status, int retentionDays, Instant first, int everyHours, int count) {
    List<CreatedJob> created = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant passes = first.plus(Duration.ofHours((long) everyHours * i));
      created.add(
          fixtures.aJob(status).finishedAt(passes.minus(Duration.ofDays(retentionDays))).create());
    }
    return created;
  }

  @Test
  void whatEachDayIsForecastToDeleteIsWhatThatDaysRunsDelete() {
    Instant now = clock.instant(); // 12:00 UTC
    passingRetention(COMPLETED, 30, now.minus(Duration.ofDays(2)), 5, 40);
    passingRetention(FAILED, 7, now.minus(Duration.ofHours(3)), 7, 25);
    passingRetention(CANCELLED, 7, now.plus(Duration.ofDays(3)), 11, 6);
    // passes its retention exactly at the start of day 2: the run then keeps it, day 2's deletes it
    CreatedJob atMidnight =
        fixtures.aJob(FAILED).finishedAt(startOfDay(2).minus(Duration.ofDays(7))).create();
    CreatedJob held = passingRetention(COMPLETED, 30, startOfDay(3), 1, 1).get(0);
    holds.hold(held.id(), "audit", "admin");
    // the two newest completed jobs, kept by RETENTION_KEEP_LAST=2 when they pass on day 9
    List<CreatedJob> newest = passingRetention(COMPLETED, 30, startOfDay(9), 1, 2);

    Forecast forecast = forecasts.forecast(10);

    assertThat(forecast.perDay()).hasSize(10);
    assertThat(forecast.perDay().get(0).date()).isEqualTo(LocalDate.parse("2026-06-01"));
    assertThat(forecast.perDay().get(3).keptByHolds().jobs()).isEqualTo(1);
    assertThat(forecast.perDay().get(9).keptByKeepLast().jobs()).isEqualTo(2);
    List<Instant> midnights = new ArrayList<>();
    for (int day = 0; day < 10; day++) {
      midnights.add(startOfDay(day + 1));
    }
    long deletedInTotal = 0;
    for (int day = 0; day < 10; day++) {
      clock.set(midnights.get(day));
      CleanupRun run =
          cleanup.run(CleanupRequest.full(Trigger.SCHEDULE, false), CleanupProgress.NONE);
      Day expected = forecast.perDay().get(day);
      assertThat(run.counts().completedJobs())
          .as("completed on day %d", day)
          .isEqualTo(expected.expiring().get("completed").jobs());
      assertThat(run.counts().failedJobs())
          .as("failed on day %d", day)
          .isEqualTo(expected.expiring().get("failed").jobs());
      assertThat(run.counts().cancelledJobs())
          .as("cancelled on day %d", day)
          .isEqualTo(expected.expiring().get("cancelled").jobs());
      assertThat(run.counts().bytesFreed())
          .as("bytes on day %d", day)
          .isEqualTo(expected.total().bytes());
      deletedInTotal += expected.total().jobs();
      if (day == 1) {
        assertThat(fixtures.intact(atMidnight)).isTrue();
      }
    }
    assertThat(forecast.totalExpiring().jobs()).isEqualTo(deletedInTotal);
    assertThat(deletedInTotal).as("the fixture spreads deletions over the days").isGreaterThan(40);
    assertThat(fixtures.gone(atMidnight)).isTrue();
    assertThat(fixtures.intact(held)).isTrue();
    newest.forEach(job -> assertThat(fixtures.intact(job)).isTrue());
  }

  @Test
  void projectsUsageAtTheUploadRateOfTheLastSevenDays() {
    for (int i = 0; i < 7; i++) {
      fixtures
          .aJob(PENDING)
          .createdAt(clock.instant().minus(Duration.ofHours(20L * i + 1)))
          .create();
    }
    fixtures.aJob(PENDING).createdAt(clock.instant().minus(Duration.ofDays(8))).create();
    // 8 jobs of 28 bytes: 224 of the 1000-byte quota; 7 * 28 created in the last 7 days: 28 a day

    Forecast forecast = forecasts.forecast(3);

    assertThat(forecast.uploadRate().bytesPerDay()).isEqualTo(28);
    assertThat(forecast.uploadRate().jobsInWindow()).isEqualTo(7);
    assertThat(forecast.uploadRate().method()).contains("7 days");
    assertThat(forecast.usage().usedBytes()).isEqualTo(224);
    // now is noon: the end of day 0 is half a day away
    assertThat(forecast.perDay())
        .extracting(Day::projectedUsedBytes)
        .containsExactly(224L + 14, 224L + 42, 224L + 70);
    assertThat(forecast.perDay()).noneMatch(Day::projectedAboveHighWatermark);
  }

  @Test
  void theEndpointAnswersTheForecastForTheDaysAskedFourteenByDefault() {
    JsonNode three = http.get("/cleanup/forecast?days=3", ADMIN).json();
    JsonNode byDefault = http.get("/cleanup/forecast", ADMIN).json();

    assertThat(three.path("per_day")).hasSize(3);
    assertThat(three.path("per_day").get(0).path("date").asText()).isEqualTo("2026-06-01");
    assertThat(three.path("per_day").get(0).path("expiring").has("cancelled")).isTrue();
    assertThat(three.path("upload_rate").path("method").asText()).contains("divided by 7");
    assertThat(three.path("usage").path("high_watermark_percent").asInt()).isEqualTo(85);
    assertThat(byDefault.path("per_day")).hasSize(14);
  }

  @ParameterizedTest
  @ValueSource(strings = {"days=0", "days=366", "days=abc", "days=", "days=1&days=2", "days=-1"})
  void refusesDaysOutsideOneTo365NamingTheParameter(String query) {
    Http.Response response = http.get("/cleanup/forecast?" + query, ADMIN);

    assertThat(response.status()).isEqualTo(400);
    assertThat(response.json().path("parameter").asText()).isEqualTo("days");
  }

  @Test
  void refusesUnknownParametersAndCallersWithoutTheAdminToken() {
    Http.Response unknown = http.get("/cleanup/forecast?day=3", ADMIN);
    Http.Response anonymous = http.get("/cleanup/forecast");

    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().path("parameter").asText()).isEqualTo("day");
    assertThat(anonymous.status()).isEqualTo(401);
  }
}
