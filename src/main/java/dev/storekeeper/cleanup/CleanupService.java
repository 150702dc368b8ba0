package dev.storekeeper.cleanup;

import dev.storekeeper.ConflictException;
import dev.storekeeper.InvalidInputException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.Position;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
  private final PlanProperties plans;
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
      PlanProperties plans,
      ApplicationEventPublisher events,
      JsonMapper json,
      Clock clock,
      TransactionTemplate tx) {
    this.plans = plans;
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
    Prepared prepared = prepare(request, progress, NOT_A_PLAN);
    return execute(prepared, protocol(request));
  }

  /** Takes the lock now (refusing at once if held) and runs in the background. */
  public StartedRun start(CleanupRequest request, CleanupProgress progress) {
    Prepared prepared = prepare(request, progress, NOT_A_PLAN);
    CompletableFuture<CleanupRun> result =
        CompletableFuture.supplyAsync(() -> execute(prepared, protocol(request)), background);
    return new StartedRun(prepared.state.runId, result);
  }

  // ---- plans -----------------------------------------------------------------------------------

  /**
   * Makes a plan: a dry run of {@code request}, recorded in the ledger as a plan. What it would
   * delete is what {@link #applyPlan} may delete, and nothing else.
   */
  public CleanupRun plan(CleanupRequest request, CleanupProgress progress) {
    if (!request.dryRun()) {
      throw new IllegalArgumentException("a plan is a dry run");
    }
    if (request.includeUnrecognized()) {
      throw new InvalidInputException(
          "include_unrecognized",
          "include_unrecognized cannot be planned: entries whose names are not ours are removed"
              + " only by a run that asks for it");
    }
    if (request.retryStuck()) {
      throw new InvalidInputException(
          "retry_stuck",
          "retry_stuck cannot be planned: retry parked deletions with a run (retry_stuck=true)");
    }
    Prepared prepared = prepare(request, progress, new PlanLink(true, null, () -> {}));
    CleanupRun made = execute(prepared, protocol(request));
    runs.planFigures(made.id(), runs.countItems(made.id(), CleanupItem.Result.WOULD_DELETE), 0);
    return runs.find(made.id()).orElseThrow();
  }

  /**
   * A plan that may be applied: 404 when there is no such run, 409 when the run is not a plan or
   * its dry run did not finish.
   */
  public CleanupRun findPlan(UUID planId) {
    CleanupRun plan =
        runs.find(planId)
            .orElseThrow(() -> new NotFoundException("No cleanup plan with id " + planId));
    if (!plan.plan()) {
      throw new ConflictException(
          "Run "
              + planId
              + " is not a plan: make one with a dry run and --save-plan (CLI) or"
              + " POST /cleanup/plans");
    }
    if (plan.outcome() == Outcome.RUNNING) {
      throw new ConflictException("Plan " + planId + " is still being made");
    }
    if (plan.outcome() == Outcome.FAILED) {
      throw new ConflictException(
          "Plan " + planId + " failed while it was being made; make a new plan");
    }
    return plan;
  }

  /** The items a plan would delete, in order, after {@code afterSeq}. */
  public List<CleanupItem> plannedItems(UUID planId, long afterSeq, int limit) {
    return runs.plannedItems(planId, afterSeq, limit);
  }

  /** What a plan would delete, by category. */
  public Map<Category, CleanupReports.CountAndBytes> plannedTotals(UUID planId) {
    Map<Category, CleanupReports.CountAndBytes> totals = new java.util.EnumMap<>(Category.class);
    for (CleanupRunRepository.CategoryTotal total : runs.plannedTotals(planId)) {
      totals.put(total.category(), new CleanupReports.CountAndBytes(total.items(), total.bytes()));
    }
    return totals;
  }

  /** When a plan may no longer be applied without force. */
  public Instant planExpiresAt(CleanupRun plan) {
    return plan.startedAt().plus(plans.maxAge());
  }

  /**
   * Applies a plan through the deletion protocol: only its items, each re-checked at apply time
   * (see {@link CleanupExecutor#applyPlan}). Refused (409) when the plan is older than
   * PLAN_MAX_AGE_HOURS unless forced, and when an earlier apply of it finished: a plan is applied
   * once (an apply that failed may be repeated; what it deleted is then skipped as gone).
   */
  public CleanupRun applyPlan(
      UUID planId, boolean force, Trigger trigger, CleanupProgress progress) {
    CleanupRun plan = findPlan(planId);
    Instant now = clock.instant();
    if (!force && now.isAfter(planExpiresAt(plan))) {
      throw new ConflictException(
          "Plan %s was made %s ago; plans older than PLAN_MAX_AGE_HOURS (%d) are not applied:"
                  .formatted(
                      planId, CleanupExecutor.ago(plan.startedAt(), now), plans.planMaxAgeHours())
              + " make a new plan, or force it (--force, force=true)");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> parameters = json.readValue(plan.parameters(), LinkedHashMap.class);
    RetentionPolicy policy =
        new RetentionPolicy(
            number(parameters, "completed_days"),
            number(parameters, "failed_days"),
            number(parameters, "cancelled_days"),
            number(parameters, "orphan_grace_hours"),
            number(parameters, "keep_last"));
    Map<String, Object> applied = new LinkedHashMap<>();
    applied.put("plan_id", planId.toString());
    applied.put("force", force);
    applied.putAll(parameters);
    applied.put("dry_run", false);
    PlanLink link =
        new PlanLink(
            false,
            planId,
            () ->
                runs.finishedApply(planId)
                    .ifPresent(
                        earlier -> {
                          throw new ConflictException(
                              "Plan %s was already applied by run %s at %s; make a new plan"
                                  .formatted(planId, earlier.id(), earlier.startedAt()));
                        }));
    Prepared prepared = prepare(trigger, false, policy, applied, progress, link);
    prepared.state.plannedAt = plan.startedAt();
    return execute(
        prepared,
        new Work() {
          @Override
          public long expected(RunState state) {
            return plan.plannedItems();
          }

          @Override
          public void run(RunState state) {
            executor.applyPlan(
                (after, limit) -> runs.plannedItems(planId, after, limit),
                state,
                properties.cleanupBatchSize(),
                CleanupService.this::flush);
          }
        });
  }

  private static int number(Map<String, Object> parameters, String name) {
    if (parameters.get(name) instanceof Number value) {
      return value.intValue();
    }
    throw new IllegalStateException("the plan's parameters have no " + name);
  }

  // ---- running ---------------------------------------------------------------------------------

  /** What a run does once it holds the lock. */
  private interface Work {
    long expected(RunState state);

    void run(RunState state);
  }

  private Work protocol(CleanupRequest request) {
    return new Work() {
      @Override
      public long expected(RunState state) {
        return executor.expectedJobs(request, state);
      }

      @Override
      public void run(RunState state) {
        executor.execute(request, state, properties.cleanupBatchSize(), CleanupService.this::flush);
      }
    };
  }

  /**
   * How a run relates to plans: {@code plan} marks it one; {@code planId} is the plan it applies;
   * {@code check} runs once the lock is held, before the run is recorded.
   */
  private record PlanLink(boolean plan, UUID planId, Runnable check) {}

  private static final PlanLink NOT_A_PLAN = new PlanLink(false, null, () -> {});

  private record Prepared(RunState state) {}

  /**
   * A capacity run to the end on the caller's thread: deletes eligible finished jobs, oldest first,
   * until {@code target} is freed (see {@link CleanupExecutor}). Refused like any run if the lock
   * is held.
   */
  public CleanupRun runCapacity(
      CapacityTarget target, Trigger trigger, boolean dryRun, CleanupProgress progress) {
    CleanupRequest request = CleanupRequest.full(trigger, dryRun);
    return execute(prepareCapacity(request, target, progress), protocol(request));
  }

  /** {@link #runCapacity} in the background, once the lock is taken (refused at once if held). */
  StartedRun startCapacity(
      CapacityTarget target, Trigger trigger, boolean dryRun, CleanupProgress progress) {
    CleanupRequest request = CleanupRequest.full(trigger, dryRun);
    Prepared prepared = prepareCapacity(request, target, progress);
    CompletableFuture<CleanupRun> result =
        CompletableFuture.supplyAsync(() -> execute(prepared, protocol(request)), background);
    return new StartedRun(prepared.state.runId, result);
  }

  private Prepared prepareCapacity(
      CleanupRequest request, CapacityTarget target, CleanupProgress progress) {
    Prepared prepared =
        prepare(
            request.trigger(),
            request.dryRun(),
            policyFor(request),
            target.parameters(request.dryRun(), properties.retentionKeepLast()),
            progress,
            NOT_A_PLAN);
    // set before the run's work starts (execute), which is the first to read it
    prepared.state.capacity = target;
    return prepared;
  }

  private Prepared prepare(CleanupRequest request, CleanupProgress progress, PlanLink link) {
    RetentionPolicy policy = policyFor(request);
    return prepare(
        request.trigger(), request.dryRun(), policy, request.parameters(policy), progress, link);
  }

  private Prepared prepare(
      Trigger trigger,
      boolean dryRun,
      RetentionPolicy policy,
      Map<String, Object> parameters,
      CleanupProgress progress,
      PlanLink link) {
    UUID runId = UUID.randomUUID();
    Instant now = clock.instant();
    Instant stale = now.minusSeconds(properties.cleanupLockLeaseSeconds());
    Optional<CleanupLock.Holder> holder = lock.tryAcquire(runId, node, now, stale);
    if (holder.isPresent()) {
      CleanupLock.Holder running = holder.get();
      throw new AlreadyRunningException(running.runId(), running.node(), running.acquiredAt());
    }
    try {
      link.check().run();
      runs.markAbandoned(stale, now);
      tx.executeWithoutResult(
          status -> {
            runs.insert(runId, trigger, json.writeValueAsString(parameters), dryRun, node, now);
            if (link.plan()) {
              runs.markPlan(runId);
            }
            if (link.planId() != null) {
              runs.linkPlan(runId, link.planId());
            }
          });
    } catch (RuntimeException | Error e) {
      lock.release(runId);
      throw e;
    }
    RunState state = new RunState(runId, dryRun, now, policy, progress);
    state.keepLastBoundary = jobs.keepLastBoundary(policy.keepLast());
    return new Prepared(state);
  }

  /**
   * Runs the protocol and always closes the run: whatever is thrown, even an {@link Error}, the run
   * is recorded as failed and the lock released, so no ghost run blocks the next one. A {@link
   * VirtualMachineError} (out of memory) is rethrown once that is done.
   */
  private CleanupRun execute(Prepared prepared, Work work) {
    RunState state = prepared.state;
    ScheduledFuture<?> heartbeat = startHeartbeat(state);
    try {
      state.itemsExpected = work.expected(state);
      state.progress.update(0, state.itemsExpected, 0);
      work.run(state);
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
          if (state.plannedAt != null) {
            runs.planFigures(state.runId, state.plannedItems, state.skippedItems);
          }
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
