package dev.storekeeper.cleanup;

import dev.storekeeper.cleanup.CleanupReports.CountAndBytes;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.jobs.JobStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Storage and cleanup metrics for Prometheus ({@code /actuator/prometheus}).
 *
 * <p>Gauges (storage per area, jobs per status, reclaimable, last successful cleanup, overdue) read
 * the storage statistics document, computed from the database's accounting and cached for {@link
 * #STATS_TTL} so that frequent or parallel scrapes cost one computation. They are shared truths:
 * every node reports the same values. Counters and the duration timer count the runs this node
 * executed ({@link CleanupFinished}); sum them across nodes.
 */
// metrics are exposed by the service; a CLI process has no registry and keeps only the ledger
@Component
@ConditionalOnWebApplication
class CleanupMetrics {

  static final Duration STATS_TTL = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(CleanupMetrics.class);
  private static final List<String> OUTCOMES =
      List.of(Outcome.SUCCEEDED.value(), Outcome.PARTIAL.value(), Outcome.FAILED.value());

  private final CleanupReports reports;
  private final MeterRegistry registry;
  private final Object lock = new Object();
  private StorageStats cached;
  private long cachedAtNanos;
  private boolean loaded;
  private Cached<CapacityService.Status> capacityStatus;

  CleanupMetrics(CleanupReports reports, CapacityService capacity, MeterRegistry registry) {
    this.reports = reports;
    this.registry = registry;
    registerGauges();
    registerCounters();
    registerCapacityGauges(capacity);
  }

  /** Usage against the watermarks; measured at most once per {@link #STATS_TTL} too. */
  private void registerCapacityGauges(CapacityService capacity) {
    // gauges hold what they read weakly: the bean keeps it alive
    capacityStatus = new Cached<>(capacity::status);
    Cached<CapacityService.Status> status = capacityStatus;
    Gauge.builder("storekeeper.capacity.usage.ratio", status, s -> s.value(c -> c.usage().ratio()))
        .description(
            "Used / total of the fullest of the filesystems of uploads and outputs and the quota")
        .register(registry);
    Gauge.builder(
            "storekeeper.capacity.above.high.watermark",
            status,
            s -> s.value(c -> c.aboveHigh() ? 1 : 0))
        .description("1 while usage is at or above STORAGE_HIGH_WATERMARK_PERCENT")
        .register(registry);
    Gauge.builder(
            "storekeeper.capacity.exhausted", status, s -> s.value(c -> c.exhausted() ? 1 : 0))
        .description("1 when usage is at or above the high watermark and nothing may be deleted")
        .register(registry);
    for (String level : List.of("high", "low")) {
      Gauge.builder(
              "storekeeper.capacity.watermark.ratio",
              capacity,
              c ->
                  (level.equals("high")
                          ? c.properties().storageHighWatermarkPercent()
                          : c.properties().storageLowWatermarkPercent())
                      / 100d)
          .description("The configured watermarks, as ratios")
          .tag("level", level)
          .register(registry);
    }
  }

  /** A value read at most once per {@link #STATS_TTL}; NaN while it cannot be read. */
  private static final class Cached<T> {
    private final java.util.function.Supplier<T> read;
    private T value;
    private long readAtNanos;
    private boolean loaded;

    Cached(java.util.function.Supplier<T> read) {
      this.read = read;
    }

    synchronized void invalidate() {
      loaded = false;
    }

    synchronized double value(ToDoubleFunction<T> figure) {
      long now = System.nanoTime();
      if (!loaded || now - readAtNanos > STATS_TTL.toNanos()) {
        try {
          value = read.get();
        } catch (RuntimeException e) {
          value = null;
          log.warn("Capacity figures for metrics are unavailable: {}", e.toString());
        }
        readAtNanos = now;
        loaded = true;
      }
      return value == null ? Double.NaN : figure.applyAsDouble(value);
    }
  }

  private void registerGauges() {
    for (String area : List.of("uploads", "outputs")) {
      boolean uploads = area.equals("uploads");
      gauge(
          "storekeeper.storage.size",
          BaseUnits.BYTES,
          "Bytes stored per area (database accounting)",
          s -> uploads ? s.uploads().sizeBytes() : s.outputs().sizeBytes(),
          "area",
          area);
      gauge(
          "storekeeper.storage.files",
          null,
          "Entries stored per area: upload files, output directories",
          s -> uploads ? s.uploads().count() : s.outputs().count(),
          "area",
          area);
    }
    for (JobStatus status : JobStatus.values()) {
      String value = status.value();
      gauge(
          "storekeeper.jobs",
          null,
          "Jobs per status",
          s -> of(s.jobs(), value).count(),
          "status",
          value);
      gauge(
          "storekeeper.jobs.size",
          BaseUnits.BYTES,
          "Bytes held by the jobs of each status",
          s -> of(s.jobs(), value).bytes(),
          "status",
          value);
    }
    for (String category : List.of("completed", "failed", "cancelled", "orphans")) {
      gauge(
          "storekeeper.cleanup.reclaimable",
          null,
          "What a cleanup would delete now under the configured retention (orphans: last scan)",
          s -> of(s.reclaimable(), category).count(),
          "category",
          category);
      gauge(
          "storekeeper.cleanup.reclaimable.size",
          BaseUnits.BYTES,
          "Bytes a cleanup would free now under the configured retention (orphans: last scan)",
          s -> of(s.reclaimable(), category).bytes(),
          "category",
          category);
    }
    Gauge.builder(
            "storekeeper.cleanup.last.success.timestamp",
            this,
            m -> m.value(s -> epochSeconds(s.scheduler().lastSuccessAt())))
        .baseUnit("seconds")
        .description("Start of the last successful real cleanup run, Unix time; 0 when none yet")
        .register(registry);
    Gauge.builder("storekeeper.jobs.held", this, m -> m.value(s -> s.held().count()))
        .description("Jobs on hold: no cleanup deletes them until the hold is released")
        .register(registry);
    Gauge.builder("storekeeper.cleanup.stuck.items", this, m -> m.value(s -> s.stuck().count()))
        .description(
            "Deletions parked after failing CLEANUP_MAX_ITEM_ATTEMPTS runs in a row; retry_stuck"
                + " retries them")
        .register(registry);
    Gauge.builder(
            "storekeeper.cleanup.overdue", this, m -> m.value(s -> s.scheduler().overdue() ? 1 : 0))
        .description("1 when the schedule is enabled and no real run succeeded for two intervals")
        .register(registry);
  }

  private void registerCounters() {
    for (Trigger trigger : Trigger.values()) {
      for (String outcome : OUTCOMES) {
        for (boolean dryRun : new boolean[] {false, true}) {
          runs(trigger.value(), outcome, dryRun);
        }
      }
    }
    for (Category category : Category.values()) {
      itemsDeleted(category);
    }
    bytesFreed();
    metricRowsDeleted();
    errors();
  }

  @EventListener
  void onFinished(CleanupFinished event) {
    try {
      record(event.run());
    } catch (RuntimeException e) {
      log.warn("Could not record metrics of cleanup run {}: {}", event.run().id(), e.toString());
    }
  }

  private void record(CleanupRun run) {
    String trigger = run.trigger().value();
    String outcome = run.outcome().value();
    runs(trigger, outcome, run.dryRun()).increment();
    if (run.durationMs() != null) {
      Timer.builder("storekeeper.cleanup.duration")
          .description("Duration of cleanup runs")
          .tag("trigger", trigger)
          .tag("outcome", outcome)
          .tag("dry_run", String.valueOf(run.dryRun()))
          .register(registry)
          .record(Duration.ofMillis(run.durationMs()));
    }
    CleanupCounts c = run.counts();
    errors().increment(c.errorCount());
    invalidate();
    if (run.dryRun()) {
      return;
    }
    itemsDeleted(Category.COMPLETED_JOB).increment(c.completedJobs());
    itemsDeleted(Category.FAILED_JOB).increment(c.failedJobs());
    itemsDeleted(Category.CANCELLED_JOB).increment(c.cancelledJobs());
    itemsDeleted(Category.RESUMED_JOB).increment(c.resumedJobs());
    itemsDeleted(Category.ORPHAN_UPLOAD).increment(c.orphanedUploads());
    itemsDeleted(Category.ORPHAN_OUTPUT).increment(c.orphanedOutputs());
    itemsDeleted(Category.UNRECOGNIZED).increment(c.unrecognizedDeleted());
    metricRowsDeleted().increment(c.metricsDeleted());
    bytesFreed().increment(c.bytesFreed());
  }

  private Counter runs(String trigger, String outcome, boolean dryRun) {
    return Counter.builder("storekeeper.cleanup.runs")
        .description("Finished cleanup runs executed on this node")
        .tag("trigger", trigger)
        .tag("outcome", outcome)
        .tag("dry_run", String.valueOf(dryRun))
        .register(registry);
  }

  private Counter itemsDeleted(Category category) {
    return Counter.builder("storekeeper.cleanup.items.deleted")
        .description("Items deleted by real cleanup runs on this node")
        .tag("category", category.value())
        .register(registry);
  }

  private Counter bytesFreed() {
    return Counter.builder("storekeeper.cleanup.freed")
        .baseUnit(BaseUnits.BYTES)
        .description("Bytes freed by real cleanup runs on this node")
        .register(registry);
  }

  private Counter metricRowsDeleted() {
    return Counter.builder("storekeeper.cleanup.metric.rows.deleted")
        .description("Metric rows deleted with their jobs by real cleanup runs on this node")
        .register(registry);
  }

  private Counter errors() {
    return Counter.builder("storekeeper.cleanup.errors")
        .description("Items cleanup runs on this node could not delete, and run-level errors")
        .register(registry);
  }

  private void gauge(
      String name,
      String unit,
      String description,
      ToDoubleFunction<StorageStats> read,
      String tag,
      String tagValue) {
    Gauge.builder(name, this, m -> m.value(read))
        .baseUnit(unit)
        .description(description)
        .tag(tag, tagValue)
        .register(registry);
  }

  /** A value from the cached statistics; NaN when they cannot be read (e.g. database down). */
  private double value(ToDoubleFunction<StorageStats> read) {
    StorageStats stats = stats();
    return stats == null ? Double.NaN : read.applyAsDouble(stats);
  }

  private StorageStats stats() {
    synchronized (lock) {
      long now = System.nanoTime();
      if (!loaded || now - cachedAtNanos > STATS_TTL.toNanos()) {
        try {
          cached = reports.stats(false);
        } catch (RuntimeException e) {
          cached = null;
          log.warn("Storage statistics for metrics are unavailable: {}", e.toString());
        }
        cachedAtNanos = now;
        loaded = true;
      }
      return cached;
    }
  }

  /**
   * After a run the figures (and the last scan's) have changed: the next scrape recomputes them.
   */
  private void invalidate() {
    synchronized (lock) {
      loaded = false;
    }
    capacityStatus.invalidate();
  }

  private static CountAndBytes of(Map<String, CountAndBytes> figures, String key) {
    CountAndBytes value = figures.get(key);
    return value == null ? new CountAndBytes(0, 0) : value;
  }

  private static double epochSeconds(Instant instant) {
    return instant == null ? 0 : instant.toEpochMilli() / 1000d;
  }
}
