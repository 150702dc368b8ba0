package dev.storekeeper.dashboard;

import dev.storekeeper.cleanup.CleanupReports;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.dashboard.UsageSampleRepository.Sample;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.stereotype.Component;

/**
 * Records the dashboard's usage over time: every {@link #INTERVAL} each serving node writes one
 * sample (the accounting's bytes and jobs, as {@code GET /cleanup/stats} has them, and its own data
 * volume's free space), and forgets samples older than {@code CLEANUP_HISTORY_DAYS}. Per node
 * rather than once per cluster, because nodes may have data volumes of their own. A failed sample
 * (the database away) is logged and the next one tried: the chart has a gap, nothing else.
 */
@Component
@ConditionalOnWebApplication
class UsageSampler implements SmartInitializingSingleton, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(UsageSampler.class);

  static final Duration INTERVAL = Duration.ofMinutes(5);

  private final CleanupReports reports;
  private final CleanupService cleanup;
  private final UsageSampleRepository samples;
  private final Clock clock;
  private final String node = CleanupService.nodeName();
  private ScheduledExecutorService timer;

  UsageSampler(
      CleanupReports reports, CleanupService cleanup, UsageSampleRepository samples, Clock clock) {
    this.reports = reports;
    this.cleanup = cleanup;
    this.samples = samples;
    this.clock = clock;
  }

  @Override
  public void afterSingletonsInstantiated() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "usage-sampler");
              thread.setDaemon(true);
              return thread;
            });
    long period = INTERVAL.toSeconds();
    timer.scheduleWithFixedDelay(this::sampleQuietly, period, period, TimeUnit.SECONDS);
  }

  /** Takes one sample now and forgets the expired ones. */
  Sample sample() {
    StorageStats stats = reports.stats(false);
    Instant now = clock.instant();
    long jobs = stats.jobs().values().stream().mapToLong(c -> c.count()).sum();
    Sample sample =
        new Sample(
            node,
            now,
            stats.uploads().sizeBytes(),
            stats.outputs().sizeBytes(),
            jobs,
            stats.disk().freeBytes(),
            stats.disk().totalBytes());
    samples.insert(sample);
    samples.deleteBefore(now.minus(Duration.ofDays(cleanup.properties().cleanupHistoryDays())));
    return sample;
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (RuntimeException e) {
      log.warn(
          "Could not record a storage usage sample ({}); the next one is taken in {} minutes",
          e.getMessage(),
          INTERVAL.toMinutes());
    }
  }

  @Override
  public void destroy() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
