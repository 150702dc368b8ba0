package dev.storekeeper.cleanup;

import dev.storekeeper.cleanup.StorageUsage.Usage;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.Position;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.JobUploaded;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The capacity watermarks (the kubelet's image garbage collection, for job data): when usage is at
 * or above STORAGE_HIGH_WATERMARK_PERCENT, a capacity run deletes eligible finished jobs, oldest
 * first, until usage is below STORAGE_LOW_WATERMARK_PERCENT. Checked every CAPACITY_CHECK_SECONDS
 * ({@code CapacityTask}) and right after an upload, in the background so that the upload never
 * waits; a check that finds the cleanup lock held skips and leaves it to the next one. Runs go
 * through the one deletion path, so holds, keep-last and RETENTION_MIN_HOURS are re-checked in the
 * claim. Automatic checks follow CLEANUP_ENABLED: with automatic cleanup off, nothing is deleted on
 * its own.
 */
@Service
public class CapacityService implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(CapacityService.class);

  private final StorageUsage usage;
  private final CleanupService cleanup;
  private final JobRepository jobs;
  private final CapacityProperties properties;
  private final CleanupProperties cleanupProperties;
  private final Clock clock;
  private final ExecutorService checks =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "capacity-check");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean checkQueued = new AtomicBoolean();

  /** Whether uploads trigger a check; CLEANUP_ENABLED. A test seam as well. */
  volatile boolean automatic;

  CapacityService(
      StorageUsage usage,
      CleanupService cleanup,
      JobRepository jobs,
      CapacityProperties properties,
      CleanupProperties cleanupProperties,
      Clock clock) {
    this.usage = usage;
    this.cleanup = cleanup;
    this.jobs = jobs;
    this.properties = properties;
    this.cleanupProperties = cleanupProperties;
    this.clock = clock;
    this.automatic = cleanupProperties.cleanupEnabled();
  }

  /**
   * Usage against the watermarks now. {@code exhausted}: at or above high with nothing left that
   * capacity may delete (everything is held, too recent, kept by keep-last, or unfinished).
   */
  public record Status(
      Usage usage, int high, int low, boolean aboveHigh, long eligibleJobs, boolean exhausted) {}

  /**
   * Usage against the watermarks as a page shows it, from one measurement. What capacity may still
   * delete is counted (it reads the expired range of the jobs) only at or above the high watermark,
   * the only place where {@code exhausted} can be true.
   */
  public record Glance(
      String source,
      long usedBytes,
      long totalBytes,
      int usagePercent,
      int high,
      int low,
      boolean aboveHigh,
      boolean exhausted) {}

  public Glance glance() {
    Usage now = usage.measure();
    CapacityTarget target = CapacityTarget.of(now, properties, clock.instant());
    boolean above = target.aboveHigh();
    return new Glance(
        now.source().value(),
        now.usedBytes(),
        now.totalBytes(),
        now.percent(),
        target.high(),
        target.low(),
        above,
        above && eligibleJobs(target.cutoff()) == 0);
  }

  public Status status() {
    Usage now = usage.measure();
    CapacityTarget target = CapacityTarget.of(now, properties, clock.instant());
    long eligible = eligibleJobs(target.cutoff());
    boolean above = target.aboveHigh();
    return new Status(now, target.high(), target.low(), above, eligible, above && eligible == 0);
  }

  private long eligibleJobs(Instant cutoff) {
    Position keep = jobs.keepLastBoundary(cleanupProperties.retentionKeepLast());
    long eligible = 0;
    for (JobStatus status : java.util.List.of(JobStatus.FAILED, JobStatus.CANCELLED)) {
      eligible += jobs.countExpired(status, cutoff, Position.END);
    }
    return eligible + jobs.countExpired(JobStatus.COMPLETED, cutoff, keep);
  }

  /**
   * Measures and, at or above the high watermark, runs capacity to the end on this thread. Empty
   * when below high, or when another run holds the lock (the next check tries again).
   */
  public Optional<CleanupRun> check(Trigger trigger) {
    Usage now = usage.measure();
    CapacityTarget target = CapacityTarget.of(now, properties, clock.instant());
    if (!target.aboveHigh()) {
      return Optional.empty();
    }
    try {
      CleanupRun run = cleanup.runCapacity(target, trigger, false, CleanupProgress.NONE);
      CleanupCounts c = run.counts();
      long jobsDeleted = c.completedJobs() + c.failedJobs() + c.cancelledJobs();
      Usage after = usage.measure();
      if (after.atOrAbove(target.low())) {
        log.warn(
            "Capacity run {} deleted {} jobs ({} bytes) but usage is still {} % (low watermark {}"
                + " %): nothing else may be deleted (held, within RETENTION_MIN_HOURS, keep-last,"
                + " or unfinished); uploads are refused once STORAGE_MIN_FREE_MB is reached",
            run.id(), jobsDeleted, c.bytesFreed(), after.percent(), target.low());
      } else {
        log.info(
            "Capacity run {}: usage {} % ≥ {} %; deleted {} jobs ({} bytes); now {} %",
            run.id(), now.percent(), target.high(), jobsDeleted, c.bytesFreed(), after.percent());
      }
      return Optional.of(run);
    } catch (AlreadyRunningException busy) {
      log.info("Capacity check skipped, the next check tries again: {}", busy.getMessage());
      return Optional.empty();
    }
  }

  /**
   * A capacity run asked for by an operator (CLI, API), typically dry: what capacity would delete
   * now to get below the low watermark, whether or not usage has reached the high one.
   */
  public CleanupRun run(Trigger trigger, boolean dryRun, CleanupProgress progress) {
    return cleanup.runCapacity(target(), trigger, dryRun, progress);
  }

  /** {@link #run} in the background (the API's wait=false). */
  CleanupService.StartedRun start(Trigger trigger, boolean dryRun) {
    return cleanup.startCapacity(target(), trigger, dryRun, CleanupProgress.NONE);
  }

  private CapacityTarget target() {
    return CapacityTarget.of(usage.measure(), properties, clock.instant());
  }

  /**
   * After an upload: a check in the background, at most one queued at a time (a burst of uploads
   * makes one check, not one each). The upload's thread only hands it over.
   */
  @EventListener
  void onUpload(JobUploaded uploaded) {
    if (!automatic || !checkQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      checks.execute(
          () -> {
            checkQueued.set(false);
            try {
              check(Trigger.CAPACITY);
            } catch (RuntimeException e) {
              log.warn("Capacity check after an upload failed; the next check tries again", e);
            }
          });
    } catch (RuntimeException rejected) {
      checkQueued.set(false);
    }
  }

  public CapacityProperties properties() {
    return properties;
  }

  @Override
  public void destroy() {
    checks.shutdownNow();
  }
}
