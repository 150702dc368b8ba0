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
 * The recurring db-scheduler task {@code capacity_check}, every CAPACITY_CHECK_SECONDS on one node
 * at a time; disabled with CLEANUP_ENABLED=false. A failing check is logged and never stops the
 * scheduler.
 */
@Configuration(proxyBeanMethods = false)
class CapacityTask {

  static final String NAME = "capacity_check";
  private static final Logger log = LoggerFactory.getLogger(CapacityTask.class);

  @Bean
  RecurringTask<Void> capacityCheck(
      CapacityService capacity, CapacityProperties properties, CleanupProperties cleanup) {
    Schedule schedule =
        cleanup.cleanupEnabled()
            ? FixedDelay.of(properties.checkInterval())
            : Schedules.parseSchedule("-");
    return Tasks.recurring(NAME, schedule)
        .execute(
            (instance, context) -> {
              try {
                capacity.check(Trigger.CAPACITY);
              } catch (RuntimeException e) {
                log.error("Capacity check failed; the next one runs in {}", schedule, e);
              }
            });
  }
}
