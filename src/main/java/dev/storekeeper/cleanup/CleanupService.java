package dev.storekeeper.cleanup;

import dev.storekeeper.ConflictException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.Position;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one cleanup service behind every entry point: the schedule, the CLI, the HTTP API and
 * single-job deletes. A run takes the cluster-wide lock (or is refused, naming the run holding it),
 * is recorded in the ledger, executes the deletion protocol and releases the lock.
 */
@Service
public class CleanupService implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(CleanupService.class);
  private static final Instant END_OF_TIME = Instant.parse("9999-01-01T00:00:00Z");

  private final CleanupExecutor executor;
  private final CleanupLock lock;
  private final CleanupRunRepository runs;
  private final JobRepository jobs;
  private final CleanupProperties properties;
  private final ApplicationEventPublisher events;
  private final JsonMapper json;
  private final Clock clock;
  private final TransactionTemplate tx;
  private final String node = nodeName();
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(daemon("cleanup-run"));
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(daemon("cleanup-heartbeat"));

  CleanupService(
      CleanupExecutor executor,
      CleanupLock lock,
      CleanupRunRepository runs,
      JobRepository jobs,
      CleanupProperties properties,
      ApplicationEventPublisher events,
      JsonMapper json,
      Clock clock,
      TransactionTemplate tx) {
    this.executor = executor;
    this.lock = lock;
    this.runs = runs;
    this.jobs = jobs;
    this.properties = properties;
    this.events = events;
    this.json = json;
    this.clock = clock;
    this.tx = tx;
  }

  /** A run that has the lock and is executing; {@code result} completes when it ends. */
  public record StartedRun(UUID runId, CompletableFuture<CleanupRun> result) {}

  /** The retention this request runs with: configuration, with its overrides applied. */
  public RetentionPolicy policyFor(CleanupRequest request) {
    return properties
        .defaultPolicy()
        .with(request.completedDays(), request.failedDays(), request.cancelledDays())
        .withKeepLast(request.keepLast());
  }

  /** Runs to the end on the caller's thread. */
  public CleanupRun run(CleanupRequest request, CleanupProgress progress) {
    Prepared prepared = prepare(request, progress);
    return execute(request, prepared);
  }

  /** Takes the lock now (refusing at once if held) and runs in the background. */
  public StartedRun start(CleanupRequest request, CleanupProgress progress) {
    Prepared prepared = prepare(request, progress);
    CompletableFuture<CleanupRun> result =
        CompletableFuture.supplyAsync(() -> execute(request, prepared), background);
    return new StartedRun(prepared.state.runId, result);
  }

  private record Prepared(RunState state) {}

  private Prepared prepare(CleanupRequest request, CleanupProgress progress) {
    RetentionPolicy policy = policyFor(request);
    UUID runId = UUID.randomUUID();
    Instant now = clock.instant();
    Instant stale = now.minusSeconds(properties.cleanupLockLeaseSeconds());
    Optional<CleanupLock.Holder> holder = lock.tryAcquire(runId, node, now, stale);
    if (holder.isPresent()) {
      CleanupLock.Holder running = holder.get();
      throw new AlreadyRunningException(running.runId(), running.node(), running.acquiredAt());
    }
    try {
      runs.markAbandoned(stale, now);
      runs.insert(
          runId,
          request.trigger(),
          json.writeValueAsString(request.parameters(policy)),
          request.dryRun(),
          node,
          now);
    } catch (RuntimeException | Error e) {
      lock.release(runId);
      throw e;
    }
    RunState state = new RunState(runId, request.dryRun(), now, policy, progress);
    state.keepLastBoundary = jobs.keepLastBoundary(policy.keepLast());
    return new Prepared(state);
  }

  /**
   * Runs the protocol and always closes the run: whatever is thrown, even an {@link Error}, the run
   * is recorded as failed and the lock released, so no ghost run blocks the next one. A {@link
   * VirtualMachineError} (out of memory) is rethrown once that is done.
   */
  private CleanupRun execute(CleanupRequest request, Prepared prepared) {
    RunState state = prepared.state;
    ScheduledFuture<?> heartbeat = startHeartbeat(state);
    try {
      state.itemsExpected = executor.expectedJobs(request, state);
      state.progress.update(0, state.itemsExpected, 0);
      executor.execute(request, state, properties.cleanupBatchSize(), this::flush);
      flush(state);
      if (state.lockLost) {
        state.error("lost the cleanup lock (heartbeat stale); stopped early");
      }
      Outcome outcome = state.errorCount > 0 ? Outcome.PARTIAL : Outcome.SUCCEEDED;
      return finish(state, outcome, state.errors);
    } catch (SimulatedCrash killed) {
      throw killed;
    } catch (Throwable e) {
      log.error("Cleanup run {} failed: {}", state.runId, e.toString(), e);
      flushQuietly(state);
      List<String> errors = new java.util.ArrayList<>(state.errors);
      errors.add(0, "run failed: " + e);
      CleanupRun failed = finish(state, Outcome.FAILED, errors);
      if (e instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
        throw fatal;
      }
      return failed;
    } finally {
      heartbeat.cancel(false);
    }
  }

  private CleanupRun finish(RunState state, Outcome outcome, List<String> errors) {
    Instant end = clock.instant();
    try {
      runs.finish(state.runId, outcome, errors, end);
      runs.purgeFinishedBefore(end.minus(Duration.ofDays(properties.cleanupHistoryDays())));
    } finally {
      lock.release(state.runId);
    }
    CleanupRun run = runs.find(state.runId).orElseThrow();
    announce(run);
    return run;
  }

  private void flush(RunState state) {
    List<CleanupItem> items = state.drainItems();
    tx.executeWithoutResult(
        status -> {
          runs.insertItems(state.runId, items);
          runs.progress(state.runId, state.counts(), state.itemsExpected, clock.instant());
        });
    state.progress.update(
        state.itemsRecorded(),
        Math.max(state.itemsExpected, state.itemsRecorded()),
        state.bytesFreed);
  }

  private void flushQuietly(RunState state) {
    try {
      flush(state);
    } catch (RuntimeException | Error e) {
      log.warn("Could not record the last items of run {}", state.runId, e);
    }
  }

  private ScheduledFuture<?> startHeartbeat(RunState state) {
    long every = Math.max(1, properties.cleanupLockLeaseSeconds() / 4);
    return heartbeats.scheduleWithFixedDelay(
        () -> {
          try {
            if (!lock.heartbeat(state.runId, clock.instant())) {
              state.lockLost = true;
            }
          } catch (RuntimeException e) {
            log.warn("Cleanup heartbeat failed for run {}: {}", state.runId, e.toString());
          }
        },
        every,
        every,
        TimeUnit.SECONDS);
  }

  /**
   * Deletes one finished job through the deletion protocol (claim, files, rows), recorded in the
   * ledger as its own run. Pending and running jobs are refused: cancel them first.
   */
  public CleanupRun deleteJob(UUID jobId, Trigger trigger) {
    Job job =
        jobs.findById(jobId)
            .filter(found -> found.status().isVisible())
            .orElseThrow(() -> new NotFoundException("No job with id " + jobId));
    if (!job.status().isFinished()) {
      throw new ConflictException(
          "Job " + jobId + " is " + job.status().value() + "; cancel it before deleting it");
    }
    if (job.held()) {
      throw HeldException.of(job);
    }
    UUID runId = UUID.randomUUID();
    Instant now = clock.instant();
    RetentionPolicy policy = properties.defaultPolicy();
    runs.insert(
        runId,
        trigger,
        json.writeValueAsString(Map.of("job_id", jobId.toString(), "dry_run", false)),
        false,
        node,
        now);
    RunState state = new RunState(runId, false, now, policy, CleanupProgress.NONE);
    state.itemsExpected = 1;
    Set<UUID> claimed = jobs.claim(List.of(jobId), job.status(), END_OF_TIME, Position.END, runId);
    if (claimed.isEmpty()) {
      Job changed = jobs.findById(jobId).orElse(null);
      if (changed != null && changed.held()) {
        runs.finish(runId, Outcome.FAILED, List.of("job was put on hold"), clock.instant());
        throw HeldException.of(changed);
      }
      runs.finish(
          runId,
          Outcome.FAILED,
          List.of("job changed while it was being deleted"),
          clock.instant());
      throw new ConflictException(
          "Job " + jobId + " changed while it was being deleted; try again");
    }
    try {
      executor.deleteClaimed(job, Category.forStatus(job.status()), "deleted on request", state);
      flush(state);
      Outcome outcome = state.errorCount > 0 ? Outcome.PARTIAL : Outcome.SUCCEEDED;
      runs.finish(runId, outcome, state.errors, clock.instant());
    } catch (RuntimeException | Error e) {
      runs.finish(runId, Outcome.FAILED, List.of("run failed: " + e), clock.instant());
      throw e;
    }
    CleanupRun run = runs.find(runId).orElseThrow();
    announce(run);
    return run;
  }

  /** Tells listeners (metrics); their failure must not turn a finished run into a failed one. */
  private void announce(CleanupRun run) {
    try {
      events.publishEvent(new CleanupFinished(run));
    } catch (RuntimeException e) {
      log.warn("A listener failed on the end of cleanup run {}: {}", run.id(), e.toString());
    }
  }

  public Optional<CleanupRun> find(UUID runId) {
    return runs.find(runId);
  }

  public List<CleanupRun> list(int offset, int limit) {
    return runs.list(offset, limit);
  }

  /** Real (not dry) runs started at or after {@code from}, newest first, at most {@code limit}. */
  public List<CleanupRun> realRunsSince(Instant from, int limit) {
    return runs.realRunsSince(from, limit);
  }

  public long countRuns() {
    return runs.count();
  }

  public List<CleanupItem> items(UUID runId, long afterSeq, int limit) {
    return runs.items(runId, afterSeq, limit);
  }

  public Optional<CleanupRun> lastRun() {
    return runs.lastFinished(false);
  }

  public Optional<CleanupRun> lastSuccessfulRun() {
    return runs.lastFinished(true);
  }

  public Optional<CleanupRun> lastOrphanScan() {
    return runs.lastOrphanScan();
  }

  /** The run holding the lock right now, if any (it may have died: see its heartbeat). */
  public Optional<UUID> runningRunId() {
    return lock.holder().map(CleanupLock.Holder::runId);
  }

  /** Deletions parked as stuck right now. */
  public long stuckCount() {
    return jobs.countStuck();
  }

  public CleanupProperties properties() {
    return properties;
  }

  /** This node in the ledger and the usage samples: host name and process id. */
  public static String nodeName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return host + ":" + ManagementFactory.getRuntimeMXBean().getPid();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void destroy() {
    background.shutdownNow();
    heartbeats.shutdownNow();
  }
}
