package dev.storekeeper.cleanup;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.github.kagkarlsson.scheduler.task.schedule.Schedule;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The recurring db-scheduler task {@code run_cleanup}: one execution in {@code scheduled_tasks}
 * shared by all nodes, so each interval's run happens on exactly one node, and the next run time
 * survives restarts. With {@code CLEANUP_ENABLED=false} the schedule is disabled, which removes the
 * pending execution. A failing run is logged and never stops the scheduler.
 */
@Configuration(proxyBeanMethods = false)
class CleanupTask {

  static final String NAME = "run_cleanup";
  private static final Logger log = LoggerFactory.getLogger(CleanupTask.class);

  @Bean
  RecurringTask<Void> runCleanup(CleanupService cleanup, CleanupProperties properties) {
    Schedule schedule =
        properties.cleanupEnabled()
            ? FixedDelay.of(properties.interval())
            : Schedules.parseSchedule("-");
    return recurring(NAME, schedule, cleanup);
  }

  static RecurringTask<Void> recurring(String name, Schedule schedule, CleanupService cleanup) {
    return Tasks.recurring(name, schedule).execute((instance, context) -> runOnce(cleanup));
  }

  static void runOnce(CleanupService cleanup) {
    try {
      CleanupRun run =
          cleanup.run(CleanupRequest.full(Trigger.SCHEDULE, false), CleanupProgress.NONE);
      CleanupCounts c = run.counts();
      log.info(
          "Scheduled cleanup {} {}: {} completed, {} failed, {} cancelled, {} resumed jobs; {}"
              + " orphan uploads, {} orphan outputs; {} bytes freed; {} errors; {} ms",
          run.id(),
          run.outcome().value(),
          c.completedJobs(),
          c.failedJobs(),
          c.cancelledJobs(),
          c.resumedJobs(),
          c.orphanedUploads(),
          c.orphanedOutputs(),
          c.bytesFreed(),
          c.errorCount(),
          run.durationMs());
    } catch (AlreadyRunningException busy) {
      log.info("Scheduled cleanup skipped: {}", busy.getMessage());
    } catch (RuntimeException e) {
      log.error("Scheduled cleanup failed; the next one runs at the next interval", e);
    }
  }
}
