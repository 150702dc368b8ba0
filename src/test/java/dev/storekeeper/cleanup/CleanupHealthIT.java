package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The cleanup schedule in {@code /health} with the schedule on (24 h): overdue, that is no
 * successful real run for more than two intervals, is WARN, which answers 200 so that load
 * balancers keep a serving node. Runs on H2 and PostgreSQL (subclasses).
 */
@TestPropertySource(properties = "CLEANUP_ENABLED=true")
abstract class CleanupHealthIT extends StorekeeperIT {

  static final String[] ADMIN = {"Authorization", "Bearer " + ADMIN_TOKEN};
  Http http;

  final UUID otherNodesRun = UUID.randomUUID();

  /**
   * A test writes the history the health is judged on. So that no scheduled run adds to it (the
   * schedule is on, and its first run is due at start), the cleanup lock is held for a run on
   * another node: a scheduled run is refused, and one already going has had its ledger row removed.
   */
  @BeforeEach
  void noScheduledRunCanAddToTheHistory() {
    http = new Http(port);
    jdbc.sql(
            """
            update cleanup_lock set run_id = :run, node = 'node-b:4242', acquired_at = :now,
                                    heartbeat_at = :now
            """)
        .param("run", otherNodesRun)
        .param("now", Sql.ts(clock.instant()))
        .update();
    jdbc.sql("delete from cleanup_items").update();
    jdbc.sql("delete from cleanup_runs").update();
  }

  @AfterEach
  void releaseTheLock() {
    jdbc.sql(
            "update cleanup_lock set run_id = null, node = null, acquired_at = null, heartbeat_at ="
                + " null")
        .update();
  }

  void succeededRealRunAt(Instant startedAt, boolean dryRun) {
    jdbc.sql(
            """
            insert into cleanup_runs (id, "trigger", parameters, dry_run, node, started_at,
                                      finished_at, outcome)
            values (:id, 'schedule', '{}', :dry, 'node-a:1', :started, :started, 'succeeded')
            """)
        .param("id", UUID.randomUUID())
        .param("dry", dryRun)
        .param("started", Sql.ts(startedAt))
        .update();
  }

  JsonNode cleanupComponent(Http.Response health) {
    return health.json().path("components").path("cleanup");
  }

  @Test
  void isWarnAndStillServingWhenNoRealRunSucceededForTwoIntervals() {
    succeededRealRunAt(clock.instant().minus(Duration.ofHours(48)).minusSeconds(1), false);
    succeededRealRunAt(clock.instant().minus(Duration.ofHours(1)), true);

    // the details (what is overdue and why) are the admin's; everyone sees the status
    Http.Response health = http.get("/health", ADMIN);
    Http.Response actuator = http.get("/actuator/health");

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asString()).isEqualTo("WARN");
    assertThat(cleanupComponent(health).path("status").asString()).isEqualTo("WARN");
    assertThat(cleanupComponent(health).path("details").path("overdue").asBoolean()).isTrue();
    assertThat(cleanupComponent(health).path("details").path("problem").asString())
        .contains("CLEANUP_ENABLED");
    assertThat(cleanupComponent(health).path("details").path("running_run_id").asString())
        .isEqualTo(otherNodesRun.toString());
    assertThat(actuator.status()).isEqualTo(200);
    assertThat(actuator.json().path("status").asString()).isEqualTo("WARN");
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                http.get("/actuator/prometheus", ADMIN)
                    .body()
                    .contains("storekeeper_cleanup_overdue 1.0"));
  }

  @Test
  void isUpWhenARealRunSucceededWithinTwoIntervals() {
    succeededRealRunAt(clock.instant().minus(Duration.ofHours(48)), false);

    Http.Response health = http.get("/health", ADMIN);

    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().path("status").asString()).isEqualTo("UP");
    assertThat(cleanupComponent(health).path("status").asString()).isEqualTo("UP");
    assertThat(cleanupComponent(health).path("details").path("enabled").asBoolean()).isTrue();
    assertThat(cleanupComponent(health).path("details").path("interval_hours").asDouble())
        .isEqualTo(24.0);
    assertThat(cleanupComponent(health).path("details").path("last_success_at").asString())
        .isEqualTo(clock.instant().minus(Duration.ofHours(48)).toString());
    assertThat(cleanupComponent(health).path("details").has("next_run")).isTrue();
  }
}
