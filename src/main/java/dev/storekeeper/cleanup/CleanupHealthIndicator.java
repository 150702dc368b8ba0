package dev.storekeeper.cleanup;

import dev.storekeeper.cleanup.CleanupReports.Scheduler;
import java.time.Clock;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;

/**
 * The cleanup schedule in {@code /health}: {@code WARN} when it is overdue (enabled, and no
 * successful real run for more than two intervals) or when deletions are parked as stuck, otherwise
 * {@code UP}. WARN, not DOWN or OUT_OF_SERVICE: an overdue cleanup is for an operator to look at,
 * and must not make load balancers take a node that serves fine out of rotation. The status order
 * puts WARN between OUT_OF_SERVICE and UP ({@code management.endpoint.health.status.order}).
 */
@Component("cleanup")
class CleanupHealthIndicator extends AbstractHealthIndicator {

  static final Status WARN =
      new Status(
          "WARN",
          "the cleanup schedule is overdue, deletions are parked as stuck, or storage is above the"
              + " high watermark with nothing left that capacity may delete");

  private final CleanupReports reports;
  private final CleanupService cleanup;
  private final CapacityService capacity;
  private final Clock clock;

  CleanupHealthIndicator(
      CleanupReports reports, CleanupService cleanup, CapacityService capacity, Clock clock) {
    super("Cannot read the cleanup schedule");
    this.reports = reports;
    this.cleanup = cleanup;
    this.capacity = capacity;
    this.clock = clock;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    Scheduler scheduler = reports.scheduler(clock.instant());
    long stuck = cleanup.stuckCount();
    boolean exhausted = capacity(builder);
    builder
        .status(scheduler.overdue() || stuck > 0 || exhausted ? WARN : Status.UP)
        .withDetail("enabled", scheduler.enabled())
        .withDetail("interval_hours", scheduler.intervalHours())
        .withDetail("overdue", scheduler.overdue());
    if (scheduler.lastRun() != null) {
      builder
          .withDetail("last_run_id", scheduler.lastRun().id())
          .withDetail("last_run_outcome", scheduler.lastRun().outcome())
          .withDetail("last_run_started_at", scheduler.lastRun().startedAt());
    }
    if (scheduler.lastSuccessAt() != null) {
      builder.withDetail("last_success_at", scheduler.lastSuccessAt());
    }
    if (scheduler.nextRun() != null) {
      builder.withDetail("next_run", scheduler.nextRun());
    }
    cleanup.runningRunId().ifPresent(id -> builder.withDetail("running_run_id", id));
    if (scheduler.overdue()) {
      builder.withDetail(
          "problem",
          "no successful cleanup for more than two intervals: check that CLEANUP_ENABLED=true on"
              + " the nodes and the last runs at /cleanup/runs");
    }
    if (stuck > 0) {
      builder
          .withDetail("stuck_items", stuck)
          .withDetail(
              "stuck_problem",
              stuck
                  + " deletion(s) failed "
                  + cleanup.properties().cleanupMaxItemAttempts()
                  + " runs in a row and are parked: see \"stuck\" in GET /cleanup/stats, fix the"
                  + " cause, then run a cleanup with retry_stuck=true (--retry-stuck)");
    }
  }

  /**
   * Usage against the watermarks; true when capacity is exhausted. A measurement that fails is
   * reported, not turned into DOWN: the schedule's health does not depend on it.
   */
  private boolean capacity(Health.Builder builder) {
    CapacityService.Status status;
    try {
      status = capacity.status();
    } catch (RuntimeException e) {
      builder.withDetail("capacity_error", "cannot measure storage usage: " + e.getMessage());
      return false;
    }
    builder
        .withDetail("capacity_usage_percent", status.usage().percent())
        .withDetail("capacity_usage_source", status.usage().source().value())
        .withDetail("capacity_high_watermark_percent", status.high())
        .withDetail("capacity_low_watermark_percent", status.low())
        .withDetail("capacity_eligible_jobs", status.eligibleJobs());
    if (status.exhausted()) {
      builder.withDetail(
          "capacity_problem",
          "capacity exhausted: usage %d %% (%s) ≥ high watermark %d %% and no job may be deleted"
                  .formatted(status.usage().percent(), status.usage().where(), status.high())
              + " (the rest are held, finished within RETENTION_MIN_HOURS, kept by"
              + " RETENTION_KEEP_LAST, or unfinished); uploads are refused (507) once free space"
              + " falls below STORAGE_MIN_FREE_MB: release holds, lower RETENTION_KEEP_LAST or add"
              + " space");
    }
    return status.exhausted();
  }
}
