package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.storekeeper.StorekeeperIT;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The recurring cleanup on db-scheduler with two schedulers ("nodes") sharing one database. A test
 * task name is used so the application's own scheduler in this context never runs it.
 */
abstract class CleanupScheduleIT extends StorekeeperIT {

  static final String TASK = "run_cleanup_test";

  @Autowired DataSource dataSource;
  @Autowired CleanupService cleanup;
  final List<Scheduler> schedulers = new CopyOnWriteArrayList<>();

  @BeforeEach
  @AfterEach
  void noTestSchedule() {
    schedulers.forEach(Scheduler::stop);
    schedulers.clear();
    jdbc.sql("delete from scheduled_tasks where task_name = :name").param("name", TASK).update();
  }

  private Scheduler node(String name, RecurringTask<Void> task) {
    Scheduler scheduler =
        Scheduler.create(dataSource)
            .startTasks(task)
            .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(name))
            .pollingInterval(Duration.ofMillis(100))
            .threads(2)
            .registerShutdownHook()
            .build();
    schedulers.add(scheduler);
    scheduler.start();
    return scheduler;
  }

  private Instant nextExecution() {
    return jdbc.sql("select execution_time from scheduled_tasks where task_name = :name")
        .param("name", TASK)
        .query((rs, n) -> dev.storekeeper.jobs.Sql.instant(rs, "execution_time"))
        .optional()
        .orElse(null);
  }

  @Test
  void eachIntervalRunsOnExactlyOneOfTwoNodes() {
    Map<Instant, AtomicInteger> runsPerInterval = new ConcurrentHashMap<>();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    RecurringTask<Void> task =
        Tasks.recurring(TASK, FixedDelay.ofMillis(300))
            .execute(
                (instance, context) -> {
                  maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                  runsPerInterval
                      .computeIfAbsent(
                          context.getExecution().executionTime, t -> new AtomicInteger())
                      .incrementAndGet();
                  try {
                    CleanupTask.runOnce(cleanup);
                  } finally {
                    concurrent.decrementAndGet();
                  }
                });

    node("node-a", task);
    node("node-b", task);
    await().atMost(Duration.ofSeconds(30)).until(() -> runsPerInterval.size() >= 6);
    schedulers.forEach(Scheduler::stop);

    assertThat(runsPerInterval.values()).allMatch(count -> count.get() == 1);
    assertThat(maxConcurrent.get()).isEqualTo(1);
    assertThat(cleanup.list(0, 100))
        .filteredOn(run -> run.trigger() == Trigger.SCHEDULE)
        .hasSizeGreaterThanOrEqualTo(6)
        .allMatch(run -> run.outcome() == Outcome.SUCCEEDED);
  }

  @Test
  void aRestartKeepsThePendingRunInsteadOfResettingTheInterval() {
    RecurringTask<Void> hourly = CleanupTask.recurring(TASK, FixedDelay.ofHours(1), cleanup);
    Scheduler first = node("node-a", hourly);
    // the first execution is due at once; once it has run, the next one is an interval away
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Instant next = nextExecution();
              return next != null && next.isAfter(Instant.now().plus(Duration.ofMinutes(30)));
            });
    Instant scheduled = nextExecution();
    first.stop();

    node("node-a-restarted", CleanupTask.recurring(TASK, FixedDelay.ofHours(1), cleanup));
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> scheduled.equals(nextExecution()));
  }

  @Test
  void disablingTheScheduleRemovesThePendingRun() {
    Scheduler enabled = node("node-a", CleanupTask.recurring(TASK, FixedDelay.ofHours(1), cleanup));
    await().atMost(Duration.ofSeconds(10)).until(() -> nextExecution() != null);
    enabled.stop();

    node("node-a-disabled", CleanupTask.recurring(TASK, Schedules.parseSchedule("-"), cleanup));

    await().atMost(Duration.ofSeconds(10)).until(() -> nextExecution() == null);
  }

  @Test
  void aFailingRunDoesNotStopTheSchedule() {
    AtomicInteger attempts = new AtomicInteger();
    RecurringTask<Void> failing =
        Tasks.recurring(TASK, FixedDelay.ofMillis(200))
            .execute(
                (instance, context) -> {
                  attempts.incrementAndGet();
                  CleanupTask.runOnce(brokenCleanup());
                });
    node("node-a", failing);

    await().atMost(Duration.ofSeconds(20)).until(() -> attempts.get() >= 3);
  }

  private CleanupService brokenCleanup() {
    throw new IllegalStateException("simulated failure before the run could start");
  }
}
