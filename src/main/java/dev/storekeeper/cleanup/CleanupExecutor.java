package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.Position;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.MetricRepository;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.SafeFiles.Removal;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StoredPaths;
import dev.storekeeper.storage.s3.ListEntry;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.ObjectStoreException;
import dev.storekeeper.storage.s3.OutputObjects;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The deletion protocol, shared by real and dry runs, by every trigger and by single-job deletes.
 *
 * <p>For each batch of jobs: <b>claim</b> (one conditional update moves them to {@code deleting},
 * re-checking status and cutoff so a job that changed meanwhile is not taken), then <b>files</b>
 * (upload and output directory, confined and link-safe; "already gone" is success), then
 * <b>rows</b> (metrics and jobs whose files are gone, in one transaction). A job whose files could
 * not all be removed stays {@code deleting} with its error recorded. Every run starts by resuming
 * jobs left in {@code deleting}, so a crash after any step converges on the next run.
 *
 * <p>Orphans are claimed by inserting a placeholder {@code deleting} row with their job id: if an
 * upload holds that id (even uncommitted) the insert fails and the entry is left alone; if we
 * crash, the placeholder is resumed like any claimed job.
 *
 * <p>A dry run walks exactly the same pages and files and measures instead of deleting; it skips
 * only the claim and the row deletes, so it reports what a real run at that instant deletes.
 */
@Component
class CleanupExecutor implements DisposableBean {

  /** The filename of an orphan's placeholder row (see {@link JobRepository#claimOrphan}). */
  private static final String ORPHAN_FILENAME = "(orphan)";

  /** A temporary upload still being written has no row to protect it; give it at least this. */
  static final Duration TEMP_UPLOAD_MIN_AGE = Duration.ofHours(1);

  private final JobRepository jobs;
  private final CleanupRunRepository ledger;
  private final MetricRepository metrics;
  private final StorageLayout layout;
  private final TransactionTemplate tx;
  private final int maxItemAttempts;
  private final ExecutorService files;
  private final CleanupPace pace;
  private final Optional<ObjectStore> objects;
  private final Optional<ObjectLocations> locations;

  /**
   * Test seam: called after each protocol step ("claimed", "files", "rows"), between reading a page
   * of expired jobs and claiming it ("page"), and before orphans are claimed ("orphans-found").
   */
  volatile Consumer<String> checkpoint = step -> {};

  /** Test seam: called on a file thread before a job's files are removed. */
  volatile Consumer<Job> beforeFiles = job -> {};

  CleanupExecutor(
      JobRepository jobs,
      CleanupRunRepository ledger,
      MetricRepository metrics,
      StorageLayout layout,
      TransactionTemplate tx,
      CleanupProperties properties,
      RequestActivity activity,
      Optional<ObjectStore> objects,
      Optional<ObjectLocations> locations) {
    this.objects = objects;
    this.locations = locations;
    this.jobs = jobs;
    this.ledger = ledger;
    this.metrics = metrics;
    this.layout = layout;
    this.tx = tx;
    this.maxItemAttempts = properties.cleanupMaxItemAttempts();
    this.files =
        Executors.newFixedThreadPool(
            properties.cleanupFileThreads(),
            r -> {
              Thread thread = new Thread(r, "cleanup-files");
              thread.setDaemon(true);
              return thread;
            });
    this.pace = new CleanupPace(activity, properties.cleanupBusySharePercent());
  }

  /** Work out how many jobs this run will handle, for progress reporting. */
  long expectedJobs(CleanupRequest request, RunState state) {
    long expected = jobs.countDeleting() + (request.retryStuck() ? jobs.countStuck() : 0);
    if (state.capacity != null) {
      return expected;
    }
    for (JobStatus status : request.expiredStatuses()) {
      expected +=
          jobs.countExpired(
              status, state.policy.cutoff(status, state.now), keepBefore(status, state));
    }
    return expected;
  }

  /** Where keep-last starts protecting jobs of this status (only completed ones are kept so). */
  private static Position keepBefore(JobStatus status, RunState state) {
    return status == JobStatus.COMPLETED ? state.keepLastBoundary : Position.END;
  }

  void execute(
      CleanupRequest request, RunState state, int batchSize, Consumer<RunState> afterBatch) {
    Optional<ListingAhead> ahead = listAhead(request, state);
    try {
      execute(request, state, batchSize, afterBatch, ahead);
    } finally {
      ahead.ifPresent(ListingAhead::close);
    }
  }

  /**
   * On the s3 backend a run that deletes expired jobs and then sweeps orphans lists {@code
   * outputs/} for the sweep while it deletes (see {@link ListingAhead}); the filesystem's
   * directories are read when the sweep gets to them.
   */
  private Optional<ListingAhead> listAhead(CleanupRequest request, RunState state) {
    if (objects.isEmpty()
        || state.capacity != null
        || !request.cleansOrphans()
        || request.expiredStatuses().isEmpty()) {
      return Optional.empty();
    }
    return ListingAhead.start(objects.get(), layout.workRoot());
  }

  private void execute(
      CleanupRequest request,
      RunState state,
      int batchSize,
      Consumer<RunState> afterBatch,
      Optional<ListingAhead> ahead) {
    if (request.retryStuck() && !state.dryRun) {
      jobs.retryStuck();
    }
    resume(state, batchSize, afterBatch, false);
    if (request.retryStuck() && state.dryRun) {
      // what a real run would put back in line and resume
      resume(state, batchSize, afterBatch, true);
    }
    if (state.capacity != null) {
      // a capacity run frees space and nothing else: retention and orphans are the schedule's
      capacity(state, batchSize, afterBatch);
      return;
    }
    for (JobStatus status : request.expiredStatuses()) {
      expire(status, state, batchSize, afterBatch);
    }
    if (request.cleansOrphans()) {
      for (OrphanRoot root : roots(state, ahead)) {
        sweep(root, request.includeUnrecognized(), state, batchSize, afterBatch);
      }
      abortStaleUploads(state);
    }
  }

  /**
   * Where orphans are looked for: the bucket's {@code uploads/} and {@code outputs/} on the s3
   * backend, the data directories otherwise.
   */
  private List<OrphanRoot> roots(RunState state, Optional<ListingAhead> ahead) {
    if (objects.isPresent()) {
      return List.of(
          new BucketRoot(objects.get(), locations.orElseThrow(), true),
          new BucketRoot(
              objects.get(),
              locations.orElseThrow(),
              false,
              ahead.map(ListingAhead::outputs).orElse(null)));
    }
    java.util.function.BiConsumer<Path, Exception> uninspectable =
        (entry, e) -> state.error("cannot inspect " + entry + ": " + e.getMessage());
    return List.of(
        new DirectoryRoot(layout.uploadsRoot(), true, uninspectable),
        new DirectoryRoot(layout.outputsRoot(), false, uninspectable));
  }

  /**
   * Multipart uploads nobody completed (a node died mid-upload) hold storage the bucket's listing
   * does not show: aborted once they are older than the orphan grace, like any orphan, and never
   * younger than {@link #TEMP_UPLOAD_MIN_AGE}: one still streaming has no row to protect it (its
   * row commits with its completion), exactly like a temporary upload file on the filesystem, so
   * {@code ORPHAN_GRACE_HOURS=0} must not abort it. Not in a dry run, which lists objects only.
   */
  private void abortStaleUploads(RunState state) {
    if (objects.isEmpty() || state.dryRun || state.lockLost) {
      return;
    }
    try {
      Instant cutoff =
          min(state.policy.orphanCutoff(state.now), state.now.minus(TEMP_UPLOAD_MIN_AGE));
      var aborted = objects.get().abortUploadsInitiatedBefore(cutoff);
      if (!aborted.errors().isEmpty()) {
        state.error("cannot abort stale multipart uploads: " + aborted.errors());
      }
    } catch (RuntimeException e) {
      state.error("cannot abort stale multipart uploads: " + e.getMessage());
    }
  }

  // ---- plans -----------------------------------------------------------------------------------

  /** One page of a plan's items after a position ({@code seq}), in order. */
  @FunctionalInterface
  interface PlanItems {
    List<CleanupItem> after(long seq, int limit);
  }

  /**
   * Applies a plan: its items, and nothing else, go through the protocol. Each is re-checked where
   * a run checks it — a job in the claim's conditional update (same status, still past the plan's
   * retention now, finished before the plan was made so not re-run since, outside keep-last, not
   * held), an orphan by the orphan claim (still no row or reference, still older than the grace) —
   * and one that fails the check is kept and listed as {@code no longer eligible}. After a crash,
   * the plan's jobs left claimed are resumed by the next run (this plan's apply or any other).
   */
  void applyPlan(PlanItems plan, RunState state, int batchSize, Consumer<RunState> afterBatch) {
    Pipeline pipeline = new Pipeline(state, afterBatch);
    try {
      long after = 0;
      while (!state.lockLost) {
        List<CleanupItem> page = plan.after(after, batchSize);
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).seq();
        state.plannedItems += page.size();
        for (JobStatus status :
            List.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)) {
          List<CleanupItem> items = of(page, Category.forStatus(status));
          if (!items.isEmpty()) {
            pipeline.add(claimPlanned(status, items, state));
          }
        }
        List<CleanupItem> resumed = of(page, Category.RESUMED_JOB);
        if (!resumed.isEmpty()) {
          pipeline.add(resumePlanned(resumed, state));
        }
        List<CleanupItem> orphans = new ArrayList<>(of(page, Category.ORPHAN_UPLOAD));
        orphans.addAll(of(page, Category.ORPHAN_OUTPUT));
        Set<UUID> resumedOrphans = resumeClaimedOrphans(orphans, state, pipeline);
        orphans.removeIf(item -> resumedOrphans.contains(item.jobId()));
        List<OrphanRoot> roots = roots(state, Optional.empty());
        applyOrphans(roots.get(0), of(orphans, Category.ORPHAN_UPLOAD), state);
        applyOrphans(roots.get(1), of(orphans, Category.ORPHAN_OUTPUT), state);
        for (CleanupItem item : of(page, Category.UNRECOGNIZED)) {
          skip(item, "unrecognised entries are removed only by a run, never by a plan", state);
        }
        afterBatch.accept(state);
      }
      pipeline.finishAll();
    } finally {
      pipeline.settle();
    }
  }

  private static List<CleanupItem> of(List<CleanupItem> page, Category category) {
    return page.stream().filter(item -> item.category() == category).toList();
  }

  private InFlight claimPlanned(JobStatus status, List<CleanupItem> items, RunState state) {
    Map<UUID, CleanupItem> byJob = new LinkedHashMap<>();
    items.forEach(item -> byJob.put(item.jobId(), item));
    Instant cutoff = min(state.policy.cutoff(status, state.now), state.plannedAt);
    checkpoint.accept("page");
    Set<UUID> ids =
        jobs.claim(byJob.keySet(), status, cutoff, keepBefore(status, state), state.runId);
    checkpoint.accept("claimed");
    Map<UUID, Job> found = new LinkedHashMap<>();
    jobs.findByIds(byJob.keySet()).forEach(job -> found.put(job.id(), job));
    List<Job> claimed = new ArrayList<>();
    byJob.forEach(
        (id, item) -> {
          Job job = found.get(id);
          if (ids.contains(id)) {
            claimed.add(job);
          } else if (job != null && job.status() == JobStatus.DELETING) {
            // claimed by an apply of this plan that was killed: finish what it decided
            claimed.add(job);
          } else {
            if (job != null && job.held()) {
              state.heldJobs++;
            }
            skip(item, whyNotClaimed(job, status, cutoff, state), state);
          }
        });
    return startJobs(
        claimed,
        job -> ids.contains(job.id()) ? Category.forStatus(status) : Category.RESUMED_JOB,
        job -> planned(byJob, job),
        state);
  }

  private String whyNotClaimed(Job job, JobStatus status, Instant cutoff, RunState state) {
    if (job == null) {
      return "the job no longer exists";
    }
    if (job.held()) {
      return "held since %s by %s: %s".formatted(job.heldAt(), job.heldBy(), job.holdReason());
    }
    if (job.status() != status) {
      return "it is %s now, not %s".formatted(job.status().value(), status.value());
    }
    if (job.completedAt() == null || !job.completedAt().isBefore(state.plannedAt)) {
      return "it finished again after the plan was made";
    }
    if (!job.completedAt().isBefore(cutoff)) {
      return "it is within its retention now";
    }
    return "it is among the %d most recently completed jobs (keep-last)"
        .formatted(state.policy.keepLast());
  }

  /** A planned job that an earlier run claimed but did not finish deleting. */
  private InFlight resumePlanned(List<CleanupItem> items, RunState state) {
    Map<UUID, CleanupItem> byJob = new LinkedHashMap<>();
    items.forEach(item -> byJob.put(item.jobId(), item));
    List<Job> deleting = new ArrayList<>();
    Set<UUID> seen = new HashSet<>();
    for (Job job : jobs.findByIds(byJob.keySet())) {
      if (job.status() == JobStatus.DELETING) {
        deleting.add(job);
        seen.add(job.id());
      }
    }
    byJob.forEach(
        (id, item) -> {
          if (!seen.contains(id)) {
            skip(item, "it is no longer waiting to be deleted", state);
          }
        });
    return startJobs(deleting, job -> Category.RESUMED_JOB, job -> planned(byJob, job), state);
  }

  private static String planned(Map<UUID, CleanupItem> byJob, Job job) {
    return "planned: " + byJob.get(job.id()).reason();
  }

  /**
   * A plan's orphans that an apply of it claimed (their placeholder rows) and was killed before it
   * removed them: finished like any claimed job. Returns their ids.
   */
  private Set<UUID> resumeClaimedOrphans(
      List<CleanupItem> items, RunState state, Pipeline pipeline) {
    Map<UUID, CleanupItem> byJob = new LinkedHashMap<>();
    items.forEach(item -> byJob.putIfAbsent(item.jobId(), item));
    List<Job> claimed =
        jobs.findByIds(byJob.keySet()).stream()
            .filter(job -> job.status() == JobStatus.DELETING)
            .toList();
    if (!claimed.isEmpty()) {
      pipeline.add(
          startJobs(claimed, job -> Category.RESUMED_JOB, job -> planned(byJob, job), state));
    }
    return claimed.stream().map(Job::id).collect(java.util.stream.Collectors.toSet());
  }

  /** A plan's orphans of one root, through the orphan sweep's own checks and claim. */
  private void applyOrphans(OrphanRoot root, List<CleanupItem> items, RunState state) {
    boolean uploads = root.uploads();
    List<Entry> entries = new ArrayList<>();
    Map<UUID, List<CleanupItem>> byJob = new LinkedHashMap<>();
    for (CleanupItem item : items) {
      Optional<OrphanRoot.Listed> found = Optional.empty();
      try {
        found = root.entryAt(item.path());
      } catch (RuntimeException unreadable) {
        // as if gone: the item is kept and says so
      }
      String file = found.map(OrphanRoot.Listed::name).orElse("");
      Optional<UUID> id =
          found.isEmpty()
              ? Optional.empty()
              : uploads ? StorageLayout.jobIdOfUpload(file) : StorageLayout.jobIdOfOutput(file);
      if (found.isEmpty() || id.isEmpty() || !id.get().equals(item.jobId())) {
        skip(item, "it is gone, or not an entry of " + root.path() + " named by its job id", state);
        continue;
      }
      entries.add(
          new Entry(
              id.get(),
              found.get(),
              file,
              found.get().modified(),
              uploads && StorageLayout.isTempUpload(file)));
      byJob.computeIfAbsent(id.get(), key -> new ArrayList<>()).add(item);
    }
    Set<UUID> taken = orphans(root, entries, state);
    byJob.forEach(
        (id, planned) -> {
          if (!taken.contains(id)) {
            planned.forEach(
                item ->
                    skip(
                        item,
                        "a job refers to it now, or it changed within the orphan grace",
                        state));
          }
        });
  }

  private static void skip(CleanupItem item, String why, RunState state) {
    state.skippedItems++;
    state.item(
        item.category(),
        item.jobId(),
        item.path(),
        null,
        item.bytes(),
        0,
        "no longer eligible: " + why,
        CleanupItem.Result.KEPT,
        null);
  }

  // ---- jobs ------------------------------------------------------------------------------------

  private void resume(RunState state, int batchSize, Consumer<RunState> afterBatch, boolean stuck) {
    Pipeline pipeline = new Pipeline(state, afterBatch);
    try {
      UUID after = null;
      while (!state.lockLost) {
        List<Job> page =
            stuck ? jobs.findStuck(after, batchSize) : jobs.findDeleting(after, batchSize);
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).id();
        state.resumedAccountedBytes += page.stream().mapToLong(CleanupExecutor::accounted).sum();
        pipeline.add(
            startJobs(
                page,
                job -> Category.RESUMED_JOB,
                job ->
                    stuck
                        ? "retrying a deletion parked as stuck"
                        : "resuming an unfinished deletion",
                state));
      }
      pipeline.finishAll();
    } finally {
      pipeline.settle();
    }
  }

  /**
   * Deletes the expired jobs of one status: finished before the cutoff, not among the keep-last
   * newest (completed jobs), not held. Held ones are listed as kept, with their hold; the ones
   * keep-last keeps are counted.
   */
  private void expire(
      JobStatus status, RunState state, int batchSize, Consumer<RunState> afterBatch) {
    Instant cutoff = state.policy.cutoff(status, state.now);
    int days = state.policy.daysFor(status);
    Position keep = keepBefore(status, state);
    reportHeld(status, cutoff, state, batchSize, afterBatch);
    if (status == JobStatus.COMPLETED) {
      state.keptLastJobs += jobs.countKeptLast(cutoff, keep);
    }
    Pipeline pipeline = new Pipeline(state, afterBatch);
    try {
      Position after = Position.START;
      while (!state.lockLost) {
        List<Job> page = jobs.findExpired(status, cutoff, keep, after, batchSize);
        if (page.isEmpty()) {
          break;
        }
        Job last = page.get(page.size() - 1);
        after = new Position(last.completedAt(), last.id());
        List<Job> claimed = page;
        if (!state.dryRun) {
          checkpoint.accept("page");
          Set<UUID> ids =
              jobs.claim(page.stream().map(Job::id).toList(), status, cutoff, keep, state.runId);
          claimed = page.stream().filter(job -> ids.contains(job.id())).toList();
          checkpoint.accept("claimed");
        }
        pipeline.add(
            startJobs(
                claimed,
                job -> Category.forStatus(status),
                job ->
                    "%s %s ago; %s retention is %d day%s"
                        .formatted(
                            status.value(),
                            ago(job.completedAt(), state.now),
                            status.value(),
                            days,
                            days == 1 ? "" : "s"),
                state));
      }
      pipeline.finishAll();
    } finally {
      pipeline.settle();
    }
  }

  /**
   * A capacity run: deletes eligible finished jobs ({@link OldestFirst}), oldest first, until the
   * bytes freed reach the target, then stops. Each batch is cut so that its accounted bytes just
   * reach what is still missing, so the run does not overshoot by more than one job's bytes when
   * the accounting is right, and by at most one batch when it is not. Freed bytes, the resumed
   * deletions' included, are counted in the currency of the measurement that started the run: bytes
   * removed from disk for a filesystem, accounted bytes for the quota. A dry run selects exactly
   * the same jobs. The claim re-checks status, hold, keep-last and the minimum age, so a job that
   * changed meanwhile stays.
   */
  private void capacity(RunState state, int batchSize, Consumer<RunState> afterBatch) {
    CapacityTarget target = state.capacity;
    OldestFirst candidates =
        new OldestFirst(jobs, target.cutoff(), state.keepLastBoundary, batchSize);
    boolean quota = target.usage().source() == StorageUsage.Source.QUOTA;
    state.keptLastJobs += jobs.countKeptLast(target.cutoff(), state.keepLastBoundary);
    // what this run resumed first counts too: the measurement included those jobs' bytes, so a
    // run after a crash does not delete the crashed run's share a second time
    long freed = quota ? state.resumedAccountedBytes : state.bytesFreed;
    while (!state.lockLost && freed < target.bytesToFree()) {
      List<Job> batch = new ArrayList<>();
      long planned = 0;
      while (batch.size() < batchSize && freed + planned < target.bytesToFree()) {
        Job next = candidates.next();
        if (next == null) {
          break;
        }
        batch.add(next);
        planned += accounted(next);
      }
      if (batch.isEmpty()) {
        // nothing more may go: health and the gauges say so while usage stays above high
        return;
      }
      List<Job> claimed = batch;
      if (!state.dryRun) {
        checkpoint.accept("page");
        claimed = claimMixed(batch, target.cutoff(), state);
        checkpoint.accept("claimed");
      }
      long before = state.bytesFreed;
      finishJobs(
          startJobs(
              claimed,
              job -> Category.forStatus(job.status()),
              job -> target.reason(job, state.now),
              state),
          state);
      afterBatch.accept(state);
      freed +=
          quota
              ? claimed.stream().mapToLong(CleanupExecutor::accounted).sum()
              : state.bytesFreed - before;
    }
  }

  private static long accounted(Job job) {
    return job.uploadBytes() + job.outputBytes();
  }

  /** Claims a batch of jobs of several statuses: one conditional update per status. */
  private List<Job> claimMixed(List<Job> batch, Instant cutoff, RunState state) {
    Set<UUID> claimed = new HashSet<>();
    for (JobStatus status : List.of(JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.COMPLETED)) {
      List<UUID> ids = batch.stream().filter(job -> job.status() == status).map(Job::id).toList();
      claimed.addAll(jobs.claim(ids, status, cutoff, keepBefore(status, state), state.runId));
    }
    return batch.stream().filter(job -> claimed.contains(job.id())).toList();
  }

  /** Lists the held jobs retention would otherwise delete now, as kept items of the run. */
  private void reportHeld(
      JobStatus status,
      Instant cutoff,
      RunState state,
      int batchSize,
      Consumer<RunState> afterBatch) {
    Position after = Position.START;
    while (true) {
      List<Job> page = jobs.findHeldExpired(status, cutoff, after, batchSize);
      if (page.isEmpty()) {
        return;
      }
      for (Job job : page) {
        state.heldJobs++;
        state.item(
            Category.forStatus(status),
            job.id(),
            job.filePath(),
            job.completedAt(),
            job.uploadBytes() + job.outputBytes(),
            0,
            "%s %s ago, past its retention, but held since %s by %s: %s"
                .formatted(
                    status.value(),
                    ago(job.completedAt(), state.now),
                    job.heldAt(),
                    job.heldBy(),
                    job.holdReason()),
            CleanupItem.Result.KEPT,
            null);
      }
      Job last = page.get(page.size() - 1);
      after = new Position(last.completedAt(), last.id());
      afterBatch.accept(state);
    }
  }

  /** Deletes one already-claimed job (a single-job delete), through the same steps. */
  void deleteClaimed(Job job, Category category, String reason, RunState state) {
    finishJobs(startJobs(List.of(job), j -> category, j -> reason, state), state);
  }

  /**
   * A batch whose files the file threads are removing. Its metric rows are counted before: they are
   * what the ledger reports for each job.
   */
  private record InFlight(
      List<Job> jobs,
      Function<Job, Category> category,
      Function<Job, String> reason,
      Map<UUID, Long> metricCounts,
      List<Future<JobFiles>> removals) {}

  private InFlight startJobs(
      List<Job> batch,
      Function<Job, Category> category,
      Function<Job, String> reason,
      RunState state) {
    if (batch.isEmpty()) {
      return new InFlight(batch, category, reason, Map.of(), List.of());
    }
    List<UUID> ids = batch.stream().map(Job::id).toList();
    Map<UUID, Long> metricCounts = metrics.countByJobs(ids);
    Set<String> shared = jobs.referencedUploads(uploadNames(batch), ids);
    List<Future<JobFiles>> removals = new ArrayList<>();
    if (objects.isPresent()) {
      // one task for the batch: its keys go out together, a thousand to a DeleteObjects request
      Map<UUID, String> recorded = jobs.outputObjects(ids);
      List<java.util.concurrent.CompletableFuture<JobFiles>> each = new ArrayList<>();
      batch.forEach(job -> each.add(new java.util.concurrent.CompletableFuture<>()));
      removals.addAll(each);
      files.submit(
          () -> {
            try {
              List<JobFiles> done =
                  pace.run(() -> removeInBucket(batch, shared, recorded, state.dryRun));
              for (int i = 0; i < done.size(); i++) {
                each.get(i).complete(done.get(i));
              }
            } catch (Throwable failed) {
              each.forEach(future -> future.completeExceptionally(failed));
              if (failed instanceof VirtualMachineError fatal) {
                throw fatal;
              }
            }
            return null;
          });
      return new InFlight(batch, category, reason, metricCounts, removals);
    }
    for (Job job : batch) {
      removals.add(files.submit(() -> pace.run(() -> removeFilesAlone(job, shared, state.dryRun))));
    }
    return new InFlight(batch, category, reason, metricCounts, removals);
  }

  /** Waits for a batch's files, then deletes the rows of the jobs whose files are all gone. */
  private void finishJobs(InFlight batch, RunState state) {
    if (batch.jobs().isEmpty()) {
      return;
    }
    List<JobFiles> results = new ArrayList<>();
    for (Future<JobFiles> removal : batch.removals()) {
      results.add(join(removal));
    }
    if (!state.dryRun) {
      checkpoint.accept("files");
    }
    List<UUID> gone = new ArrayList<>();
    Set<UUID> parked = new HashSet<>();
    for (JobFiles result : results) {
      if (result.errors().isEmpty()) {
        gone.add(result.job().id());
      } else if (!state.dryRun
          && jobs.recordCleanupFailure(
              result.job().id(), String.join("; ", result.errors()), maxItemAttempts)) {
        parked.add(result.job().id());
      }
    }
    if (!state.dryRun && !gone.isEmpty()) {
      tx.executeWithoutResult(
          status -> {
            metrics.deleteByJobs(gone);
            jobs.deleteClaimed(gone);
          });
      checkpoint.accept("rows");
    }
    for (JobFiles result : results) {
      Job job = result.job();
      Category what = batch.category().apply(job);
      boolean ok = result.errors().isEmpty();
      long metricRows = batch.metricCounts().getOrDefault(job.id(), 0L);
      state.bytesFreed += result.bytes();
      if (ok) {
        switch (what) {
          case COMPLETED_JOB -> state.completedJobs++;
          case FAILED_JOB -> state.failedJobs++;
          case CANCELLED_JOB -> state.cancelledJobs++;
          default -> state.resumedJobs++;
        }
        state.metricsDeleted += metricRows;
        state.uploadFilesDeleted += result.uploadExisted() ? 1 : 0;
        state.outputDirsDeleted += result.outputExisted() ? 1 : 0;
      }
      state.item(
          what,
          job.id(),
          job.filePath(),
          job.completedAt(),
          result.bytes(),
          metricRows,
          batch.reason().apply(job) + result.notes(),
          ok ? state.done() : CleanupItem.Result.FAILED,
          ok ? null : failure(result.errors(), parked.contains(job.id())));
    }
  }

  private String failure(List<String> errors, boolean parked) {
    String error = String.join("; ", errors);
    return parked
        ? error
            + "; failed "
            + maxItemAttempts
            + " runs in a row: parked as stuck (retry_stuck=true or --retry-stuck retries it)"
        : error;
  }

  /**
   * Two batches at a time: while the file threads remove batch k+1's files, the caller's thread
   * finishes batch k (its rows, the ledger) and then reads and claims batch k+2, so the database
   * work overlaps the file work instead of alternating with it. Each job still goes claim, files,
   * rows in that order: only different batches are at different steps, which a crash leaves as
   * claimed jobs for the next run to resume, as before.
   */
  private final class Pipeline {
    private final RunState state;
    private final Consumer<RunState> afterBatch;
    private final ArrayDeque<InFlight> open = new ArrayDeque<>();

    Pipeline(RunState state, Consumer<RunState> afterBatch) {
      this.state = state;
      this.afterBatch = afterBatch;
    }

    void add(InFlight batch) {
      open.addLast(batch);
      if (open.size() > 1) {
        finishOldest();
      }
    }

    void finishAll() {
      while (!open.isEmpty()) {
        finishOldest();
      }
    }

    private void finishOldest() {
      finishJobs(open.peekFirst(), state);
      open.removeFirst();
      afterBatch.accept(state);
    }

    /**
     * After a failure: waits for the removals already handed to the file threads, so that none
     * outlives the run that started it (their jobs stay claimed for the next run to resume).
     */
    void settle() {
      for (InFlight batch : open) {
        for (Future<JobFiles> removal : batch.removals()) {
          try {
            removal.get();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          } catch (ExecutionException | java.util.concurrent.CancellationException ignored) {
            // the run is failing already; the job stays claimed and its error surfaces on resume
          }
        }
      }
      open.clear();
    }
  }

  /**
   * What removing a job's files did. {@code notes} tell where the files were not what the row said
   * (appended to the item's reason): such a mismatch is reported, never a reason to leave the job
   * half deleted.
   */
  private record JobFiles(
      Job job,
      long bytes,
      boolean uploadExisted,
      boolean outputExisted,
      List<String> errors,
      String notes) {}

  /**
   * One job's files, whatever goes wrong: an unexpected exception or error fails this job alone
   * (recorded against it, retried next run), never its batch, the run or the file threads.
   */
  private JobFiles removeFilesAlone(Job job, Set<String> shared, boolean dryRun) {
    try {
      return removeFiles(job, shared, dryRun);
    } catch (Throwable unexpected) {
      return internalError(job, unexpected);
    }
  }

  /** A job's files failed unexpectedly: recorded against it alone (a fatal VM error goes on). */
  private static JobFiles internalError(Job job, Throwable unexpected) {
    if (unexpected instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
      throw fatal;
    }
    return new JobFiles(job, 0, false, false, List.of("internal error: " + unexpected), "");
  }

  /**
   * A job's files are the ones its row references: the upload its {@code file_path} points at, if
   * that lies directly in the uploads directory (by whatever name: imported and restored data do
   * not follow our naming), unless another job claims it; and its output directory {@code
   * outputs/{id}}, plus the output entry its {@code result_path} points into if that is another one
   * no other job claims. Anything else the row points at is outside what cleanup may touch: it is
   * noted and left in place, and the job is still deleted.
   */
  private JobFiles removeFiles(Job job, Set<String> shared, boolean dryRun) {
    beforeFiles.accept(job);
    JobFiles upload = removeUploadOnDisk(job, shared, dryRun);
    List<String> errors = new ArrayList<>(upload.errors());
    StringBuilder notes = new StringBuilder(upload.notes());
    long bytes = upload.bytes();
    boolean uploadExisted = upload.uploadExisted();
    JobFiles output = removeOutputsOnDisk(job, dryRun);
    errors.addAll(output.errors());
    notes.append(output.notes());
    return new JobFiles(
        job,
        bytes + output.bytes(),
        uploadExisted,
        output.outputExisted(),
        errors,
        notes.toString());
  }

  /** A job's upload in the uploads directory, unless another job claims it. */
  private JobFiles removeUploadOnDisk(Job job, Set<String> shared, boolean dryRun) {
    List<String> errors = new ArrayList<>();
    StringBuilder notes = new StringBuilder();
    long bytes = 0;
    boolean uploadExisted = false;
    boolean placeholder = ORPHAN_FILENAME.equals(job.filename());
    Optional<Path> upload = StoredPaths.entryIn(layout.uploadsRoot(), job.filePath());
    if (upload.isPresent()) {
      String owner =
          shared.contains(upload.get().toString())
              ? "is also referenced by another job and was left in place"
              : uploadOwnedElsewhere(job, upload.get());
      if (owner == null) {
        Removal removal = SafeFiles.remove(layout.uploadsRoot(), upload.get(), dryRun);
        bytes += removal.bytes();
        uploadExisted = removal.existed() && removal.complete();
        errors.addAll(removal.errors());
      } else {
        notes.append("; its upload ").append(upload.get()).append(' ').append(owner);
      }
    } else if (!placeholder && job.filePath() != null && !job.filePath().isEmpty()) {
      notes.append("; its upload is not in the uploads directory and was left in place");
    }
    return new JobFiles(job, bytes, uploadExisted, false, errors, notes.toString());
  }

  private JobFiles removeOutputsOnDisk(Job job, boolean dryRun) {
    List<String> errors = new ArrayList<>();
    StringBuilder notes = new StringBuilder();
    long bytes = 0;
    Removal output = SafeFiles.remove(layout.outputsRoot(), job.id().toString(), dryRun);
    bytes += output.bytes();
    errors.addAll(output.errors());
    boolean outputExisted = output.existed() && output.complete();
    Optional<Path> result =
        StoredPaths.firstComponentIn(layout.outputsRoot(), job.resultPath())
            .filter(entry -> !entry.toString().equals(job.id().toString()));
    if (result.isPresent()) {
      String owner = outputOwnedElsewhere(job, result.get());
      if (owner == null) {
        Removal removal = SafeFiles.remove(layout.outputsRoot(), result.get(), dryRun);
        bytes += removal.bytes();
        outputExisted |= removal.existed() && removal.complete();
        errors.addAll(removal.errors());
      } else {
        notes.append("; the output ").append(result.get()).append(' ').append(owner);
      }
    }
    return new JobFiles(job, bytes, false, outputExisted, errors, notes.toString());
  }

  /**
   * A batch's files on the s3 backend. Per job, as on the filesystem: its upload object if its
   * {@code file_path} names one directly in {@code uploads/} that no other job claims, the objects
   * below {@code outputs/{id}/} (the recorded ones, {@code output_objects}, else a listing), and
   * the output entry its {@code result_path} points into if that is another one no job claims. A
   * job not migrated yet (local paths) is removed from the filesystem, as the filesystem backend
   * would. All keys of the batch then go in batched {@code DeleteObjects} requests; a key the store
   * did not delete fails its job alone (recorded, retried by the next run). Bytes are what the
   * listing or the record says, an upload's the accounted size, in a dry run and a real run alike.
   */
  private List<JobFiles> removeInBucket(
      List<Job> batch, Set<String> shared, Map<UUID, String> recorded, boolean dryRun) {
    ObjectStore store = objects.orElseThrow();
    ObjectLocations where = locations.orElseThrow();
    String uploadsPrefix = store.keys().uploadsPrefix();
    BucketRoot outputsRoot = new BucketRoot(store, where, false);
    List<JobFiles> local = new ArrayList<>();
    List<List<String>> keysOf = new ArrayList<>();
    List<String> all = new ArrayList<>();
    for (Job job : batch) {
      try {
        beforeFiles.accept(job);
      } catch (Throwable unexpected) {
        // one job's unexpected failure is that job's alone, as removeFilesAlone has it on disk
        local.add(internalError(job, unexpected));
        keysOf.add(List.of());
        continue;
      }
      boolean upload = ObjectLocations.isObject(job.filePath());
      boolean outputs = ObjectLocations.outputsInBucket(job.filePath(), job.resultPath());
      if (!upload && !outputs) {
        local.add(removeFilesAlone(job, shared, dryRun));
        keysOf.add(List.of());
        continue;
      }
      List<String> keys = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      StringBuilder notes = new StringBuilder();
      long bytes = 0;
      boolean uploadExisted = false;
      boolean outputExisted = false;
      try {
        Optional<String> uploadKey =
            where
                .keyOf(job.filePath())
                .filter(
                    key ->
                        key.startsWith(uploadsPrefix)
                            && key.indexOf('/', uploadsPrefix.length()) < 0);
        if (uploadKey.isPresent()) {
          String name = uploadKey.get().substring(uploadsPrefix.length());
          String owner =
              shared.contains(name)
                  ? "is also referenced by another job and was left in place"
                  : uploadOwnedElsewhere(job, name);
          if (owner == null) {
            keys.add(uploadKey.get());
            bytes += job.uploadBytes();
            uploadExisted = true;
          } else {
            notes.append("; its upload ").append(name).append(' ').append(owner);
          }
        } else if (upload && !ORPHAN_FILENAME.equals(job.filename())) {
          notes.append("; its upload is not in the bucket's uploads/ and was left in place");
        } else if (!upload) {
          JobFiles files = removeUploadOnDisk(job, shared, dryRun);
          bytes += files.bytes();
          uploadExisted = files.uploadExisted();
          errors.addAll(files.errors());
          notes.append(files.notes());
        }
        String prefix = store.keys().outputs(job.id());
        Optional<List<OutputObjects.Entry>> listed = OutputObjects.decode(recorded.get(job.id()));
        if (listed.isPresent()) {
          for (OutputObjects.Entry object : listed.get()) {
            String key = prefix + object.path();
            if (store.keys().isOurs(key) && !object.path().startsWith("/")) {
              keys.add(key);
              bytes += object.bytes();
              outputExisted = true;
            }
          }
        } else {
          for (ListEntry.StoredObject object : store.objectsUnder(prefix)) {
            keys.add(object.key());
            bytes += object.size();
            outputExisted = true;
          }
        }
        Optional<String> result =
            outputsRoot
                .firstComponentOf(job.resultPath())
                .filter(entry -> !entry.equals(job.id().toString()));
        if (result.isPresent()) {
          String owner =
              outputOwnedElsewhere(job, where.of(store.keys().outputsPrefix() + result.get()));
          if (owner == null) {
            Removal removal =
                outputsRoot.remove(
                    new OrphanRoot.Listed(
                        result.get(), store.keys().outputsPrefix() + result.get() + "/", null),
                    dryRun);
            bytes += removal.bytes();
            errors.addAll(removal.errors());
          } else {
            notes.append("; the output ").append(result.get()).append(' ').append(owner);
          }
        }
      } catch (ObjectStoreException | dev.storekeeper.storage.s3.UnsafeKeyException e) {
        errors.add(e.getMessage());
        keys.clear();
      } catch (Throwable unexpected) {
        local.add(internalError(job, unexpected));
        keysOf.add(List.of());
        continue;
      }
      local.add(new JobFiles(job, bytes, uploadExisted, outputExisted, errors, notes.toString()));
      keysOf.add(keys);
      all.addAll(keys);
    }
    if (dryRun || all.isEmpty()) {
      return local;
    }
    Map<String, String> failed = outputsRoot.deleteAll(all);
    if (failed.isEmpty()) {
      return local;
    }
    List<JobFiles> results = new ArrayList<>();
    for (int i = 0; i < local.size(); i++) {
      JobFiles files = local.get(i);
      List<String> errors = new ArrayList<>(files.errors());
      errors.addAll(BucketRoot.failuresOf(keysOf.get(i), failed));
      results.add(
          new JobFiles(
              files.job(),
              files.bytes(),
              files.uploadExisted() && errors.isEmpty(),
              files.outputExisted() && errors.isEmpty(),
              errors,
              files.notes()));
    }
    return results;
  }

  /** Why another job's upload is not this job's to remove, or null when it is. */
  private String uploadOwnedElsewhere(Job job, Path entry) {
    return uploadOwnedElsewhere(job, entry.toString());
  }

  private String uploadOwnedElsewhere(Job job, String entry) {
    Optional<UUID> named = StorageLayout.jobIdOfUpload(entry);
    if (named.isPresent()
        && !named.get().equals(job.id())
        && !jobs.existing(List.of(named.get())).isEmpty()) {
      return "belongs to job " + named.get() + " and was left in place";
    }
    return null;
  }

  /** The names of the upload entries a batch's rows point at, for one reference lookup. */
  private List<String> uploadNames(List<Job> batch) {
    List<String> names = new ArrayList<>();
    for (Job job : batch) {
      if (objects.isPresent() && ObjectLocations.isObject(job.filePath())) {
        // an object directly in the bucket's uploads/: upload_name (V7) is its name there too
        String uploads = objects.get().keys().uploadsPrefix();
        locations
            .orElseThrow()
            .keyOf(job.filePath())
            .filter(key -> key.startsWith(uploads) && key.indexOf('/', uploads.length()) < 0)
            .ifPresent(key -> names.add(key.substring(uploads.length())));
        continue;
      }
      StoredPaths.entryIn(layout.uploadsRoot(), job.filePath())
          .ifPresent(name -> names.add(name.toString()));
    }
    return names;
  }

  /** Why an output entry a job's result_path points into is not this job's, or null. */
  private String outputOwnedElsewhere(Job job, Path entry) {
    return outputOwnedElsewhere(job, layout.outputsRoot().resolve(entry).toString());
  }

  /** As {@link #outputOwnedElsewhere(Job, Path)}, for an entry's stored path. */
  private String outputOwnedElsewhere(Job job, String entryPath) {
    String name = entryPath.substring(entryPath.lastIndexOf('/') + 1);
    Optional<UUID> named = StorageLayout.jobIdOfOutput(name);
    if (named.isPresent() && !jobs.existing(List.of(named.get())).isEmpty()) {
      return "belongs to job " + named.get() + " and was left in place";
    }
    if (jobs.outputReferenced(entryPath, job.id())) {
      return "is also referenced by another job and was left in place";
    }
    return null;
  }

  // ---- orphans ---------------------------------------------------------------------------------

  /**
   * A listed entry named by a job id; {@code listed} is the root's handle, {@code name} its String
   * form (lossy for a file name not valid in the platform encoding). {@code modified} is null until
   * asked: a bucket prefix's age costs a listing, paid only for entries no job claims.
   */
  private record Entry(
      UUID jobId, OrphanRoot.Listed listed, String name, Instant modified, boolean temp) {}

  private void sweep(
      OrphanRoot root,
      boolean includeUnrecognized,
      RunState state,
      int batchSize,
      Consumer<RunState> afterBatch) {
    boolean uploads = root.uploads();
    List<Entry> batch = new ArrayList<>();
    int unflushed = 0;
    try {
      Iterator<OrphanRoot.Listed> entries = root.list();
      while (!state.lockLost && entries.hasNext()) {
        OrphanRoot.Listed entry = entries.next();
        String name = entry.name();
        Optional<UUID> id =
            uploads ? StorageLayout.jobIdOfUpload(name) : StorageLayout.jobIdOfOutput(name);
        if (id.isEmpty()) {
          unrecognized(root, entry, includeUnrecognized, state);
          if (++unflushed >= batchSize) {
            // a directory full of foreign names must not pile up unrecorded items in memory
            afterBatch.accept(state);
            unflushed = 0;
          }
          continue;
        }
        batch.add(
            new Entry(
                id.get(),
                entry,
                name,
                entry.modified(),
                uploads && StorageLayout.isTempUpload(name)));
        if (batch.size() >= batchSize) {
          orphans(root, batch, state);
          batch.clear();
          afterBatch.accept(state);
        }
      }
    } catch (IOException | java.io.UncheckedIOException | DirectoryIteratorException e) {
      state.error("cannot scan " + root.path() + ": " + e.getMessage());
    } catch (ObjectStoreException e) {
      state.error("cannot list " + root.path() + ": " + e.getMessage());
    }
    orphans(root, batch, state);
    afterBatch.accept(state);
  }

  /** Handles a batch of entries named by job ids; returns the ids it took for orphans. */
  private Set<UUID> orphans(OrphanRoot root, List<Entry> batch, RunState state) {
    if (batch.isEmpty()) {
      return Set.of();
    }
    boolean uploads = root.uploads();
    List<UUID> ids = batch.stream().map(Entry::jobId).distinct().toList();
    Set<UUID> owned = new HashSet<>(jobs.existing(ids));
    if (root.listedAhead() && !state.dryRun) {
      // listed while this run deleted jobs: the entries of those it deleted are no orphans (their
      // keys are gone or going with them), though no row names them any more
      owned.addAll(
          ledger.jobsDeletedBy(
              state.runId, ids.stream().filter(id -> !owned.contains(id)).toList()));
    }
    Instant cutoff = state.policy.orphanCutoff(state.now);
    Instant tempCutoff = min(cutoff, state.now.minus(TEMP_UPLOAD_MIN_AGE));
    List<Entry> candidates = new ArrayList<>();
    for (Entry entry :
        aged(root, batch.stream().filter(e -> !owned.contains(e.jobId())).toList(), state)) {
      if (entry != null && entry.modified().isBefore(entry.temp() ? tempCutoff : cutoff)) {
        candidates.add(entry);
      }
    }
    Set<String> referenced = referenced(root, candidates, state);
    Map<UUID, List<Entry>> orphans = new LinkedHashMap<>();
    for (Entry entry : candidates) {
      if (!referenced.contains(entry.name())) {
        orphans.computeIfAbsent(entry.jobId(), id -> new ArrayList<>()).add(entry);
      }
    }
    Category category = uploads ? Category.ORPHAN_UPLOAD : Category.ORPHAN_OUTPUT;
    if (!state.dryRun) {
      checkpoint.accept("orphans-found");
      Set<UUID> claimed = claimOrphans(root, orphans, state);
      // the others got a row, or a reference, meanwhile: not orphans
      orphans.keySet().retainAll(claimed);
      if (!orphans.isEmpty()) {
        checkpoint.accept("claimed");
      }
    }
    Map<UUID, List<Removal>> removals = new LinkedHashMap<>();
    List<Callable<Void>> work = new ArrayList<>();
    if (root.batches() && !orphans.isEmpty()) {
      // the bucket: every orphan key of the batch in DeleteObjects requests of up to 1,000 keys
      List<OrphanRoot.Listed> listed = new ArrayList<>();
      orphans.values().forEach(group -> group.forEach(entry -> listed.add(entry.listed())));
      work.add(
          () ->
              pace.run(
                  () -> {
                    Iterator<Removal> results = root.removeAll(listed, state.dryRun).iterator();
                    orphans.forEach(
                        (id, group) -> {
                          List<Removal> removed = new ArrayList<>();
                          group.forEach(entry -> removed.add(results.next()));
                          removals.put(id, removed);
                        });
                    return null;
                  }));
      orphans.keySet().forEach(id -> removals.put(id, List.of()));
    }
    for (Map.Entry<UUID, List<Entry>> group :
        root.batches() ? Map.<UUID, List<Entry>>of().entrySet() : orphans.entrySet()) {
      List<Removal> removed = new ArrayList<>();
      removals.put(group.getKey(), removed);
      work.add(
          () ->
              pace.run(
                  () -> {
                    for (Entry entry : group.getValue()) {
                      removed.add(root.remove(entry.listed(), state.dryRun));
                    }
                    return null;
                  }));
    }
    try {
      for (Future<Void> done : files.invokeAll(work)) {
        join(done);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cleanup interrupted", e);
    }
    Set<UUID> parked = new HashSet<>();
    if (!state.dryRun && !work.isEmpty()) {
      checkpoint.accept("files");
      List<UUID> gone = new ArrayList<>();
      removals.forEach(
          (id, removed) -> {
            if (removed.stream().allMatch(Removal::complete)) {
              gone.add(id);
            } else if (jobs.recordCleanupFailure(id, errors(removed), maxItemAttempts)) {
              parked.add(id);
            }
          });
      jobs.deleteClaimed(gone);
    }
    for (Map.Entry<UUID, List<Entry>> group : orphans.entrySet()) {
      UUID id = group.getKey();
      List<Entry> entries = group.getValue();
      List<Removal> removed = removals.get(id);
      for (int i = 0; i < entries.size(); i++) {
        Entry entry = entries.get(i);
        Removal removal = removed.get(i);
        state.bytesFreed += removal.bytes();
        if (removal.complete()) {
          state.orphanBytes += removal.bytes();
          if (uploads) {
            state.orphanedUploads++;
          } else {
            state.orphanedOutputs++;
          }
        }
        state.item(
            category,
            id,
            root.pathOf(entry.name()),
            entry.modified(),
            removal.bytes(),
            0,
            entry.temp()
                ? "unfinished upload, untouched for " + ago(entry.modified(), state.now)
                : "no job row for " + id + "; untouched for " + ago(entry.modified(), state.now),
            removal.complete() ? state.done() : CleanupItem.Result.FAILED,
            removal.complete() ? null : failure(removal.errors(), parked.contains(id)));
      }
    }
    return orphans.keySet();
  }

  /**
   * Which of these entries a job refers to, whatever their names say: uploads by the name their
   * {@code file_path} points at (indexed), outputs by a {@code result_path} into them. A referenced
   * entry is live data, never an orphan (imported uploads are named by a UUID that is not their
   * job's id).
   */
  private Set<String> referenced(OrphanRoot root, List<Entry> candidates, RunState state) {
    if (candidates.isEmpty()) {
      return Set.of();
    }
    if (root.uploads()) {
      return jobs.referencedUploads(candidates.stream().map(Entry::name).toList(), List.of());
    }
    // A full scan: read once per run, not once per batch (a million jobs, a hundred batches). A
    // reference made after this read is still honoured: each claim re-checks it in its statement.
    if (state.foreignOutputs == null) {
      state.foreignOutputs = new HashSet<>();
      for (String resultPath : jobs.foreignResultPaths(root.path())) {
        root.firstComponentOf(resultPath).ifPresent(state.foreignOutputs::add);
      }
    }
    return state.foreignOutputs;
  }

  /**
   * The entries with their ages, asked of the root where the listing did not give them; null where
   * an entry is gone (or cannot be asked: reported, and left for the next run). In the bucket an
   * age is a listing of its own (an output prefix's newest object): those go out on the file
   * threads, as many at once as there are, instead of one after another.
   */
  private List<Entry> aged(OrphanRoot root, List<Entry> entries, RunState state) {
    boolean together = root.batches();
    List<Callable<Optional<Instant>>> asks = new ArrayList<>();
    for (Entry entry : entries) {
      if (entry.modified() == null) {
        asks.add(
            together
                ? () -> pace.run(() -> root.modified(entry.listed()))
                : () -> root.modified(entry.listed()));
      }
    }
    List<Future<Optional<Instant>>> answers = new ArrayList<>();
    try {
      if (together && asks.size() > 1) {
        answers.addAll(files.invokeAll(asks));
      } else {
        for (Callable<Optional<Instant>> ask : asks) {
          java.util.concurrent.FutureTask<Optional<Instant>> asked =
              new java.util.concurrent.FutureTask<>(ask);
          asked.run();
          answers.add(asked);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cleanup interrupted", e);
    }
    Iterator<Future<Optional<Instant>>> answer = answers.iterator();
    List<Entry> aged = new ArrayList<>(entries.size());
    for (Entry entry : entries) {
      if (entry.modified() != null) {
        aged.add(entry);
        continue;
      }
      try {
        aged.add(
            join(answer.next())
                .map(
                    when ->
                        new Entry(entry.jobId(), entry.listed(), entry.name(), when, entry.temp()))
                .orElse(null));
      } catch (RuntimeException e) {
        state.error("cannot inspect " + root.pathOf(entry.name()) + ": " + e.getMessage());
        aged.add(null);
      }
    }
    return aged;
  }

  /**
   * Claims a batch of orphans' job ids in one transaction; if one of them got a row meanwhile (an
   * upload committing), falls back to claiming each on its own. Each claim re-checks that no job
   * refers to the entry. Returns the ids claimed.
   */
  private Set<UUID> claimOrphans(OrphanRoot root, Map<UUID, List<Entry>> orphans, RunState state) {
    boolean uploads = root.uploads();
    Map<UUID, String> paths = new LinkedHashMap<>();
    orphans.forEach((id, entries) -> paths.put(id, root.pathOf(entries.get(0).name())));
    try {
      return tx.execute(status -> jobs.claimOrphans(paths, uploads, state.now, state.runId));
    } catch (DataAccessException raced) {
      Set<UUID> claimed = new HashSet<>();
      paths.forEach(
          (id, path) -> {
            if (jobs.claimOrphan(id, path, uploads, state.now, state.runId)) {
              claimed.add(id);
            }
          });
      return claimed;
    }
  }

  private void unrecognized(
      OrphanRoot root, OrphanRoot.Listed entry, boolean include, RunState state) {
    String path = root.pathOf(entry.name());
    Instant modified;
    try {
      modified = entry.modified() != null ? entry.modified() : root.modified(entry).orElse(null);
    } catch (RuntimeException e) {
      state.error("cannot inspect " + path + ": " + e.getMessage());
      return;
    }
    if (modified == null) {
      return; // gone since it was listed
    }
    boolean requested = include && modified.isBefore(state.policy.orphanCutoff(state.now));
    boolean referenced =
        requested
            && (root.uploads()
                ? !jobs.referencedUploads(List.of(entry.name()), List.of()).isEmpty()
                : jobs.outputReferenced(path, null));
    boolean delete = requested && !referenced;
    Removal removal = root.remove(entry, !delete || state.dryRun);
    state.unrecognizedFound++;
    state.unrecognizedBytes += removal.bytes();
    if (!delete) {
      state.item(
          Category.UNRECOGNIZED,
          null,
          path,
          modified,
          removal.bytes(),
          0,
          referenced
              ? "name encodes no job id, but a job refers to it; kept"
              : "name encodes no job id; kept (include_unrecognized to remove)",
          CleanupItem.Result.KEPT,
          null);
      return;
    }
    if (removal.complete()) {
      state.unrecognizedDeleted++;
      state.bytesFreed += removal.bytes();
    }
    state.item(
        Category.UNRECOGNIZED,
        null,
        path,
        modified,
        removal.bytes(),
        0,
        "name encodes no job id; removal requested",
        removal.complete() ? state.done() : CleanupItem.Result.FAILED,
        removal.complete() ? null : String.join("; ", removal.errors()));
  }

  private static String errors(List<Removal> removals) {
    return String.join(
        "; ", removals.stream().flatMap(removal -> removal.errors().stream()).toList());
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  static String ago(Instant since, Instant now) {
    if (since == null) {
      return "an unknown time";
    }
    Duration age = Duration.between(since, now);
    if (age.toDays() >= 1) {
      return age.toDays() + " day" + (age.toDays() == 1 ? "" : "s");
    }
    if (age.toHours() >= 1) {
      return age.toHours() + " h";
    }
    return Math.max(0, age.toMinutes()) + " min";
  }

  private static <T> T join(Future<T> future) {
    return dev.storekeeper.storage.Futures.join(future, "cleanup interrupted");
  }

  @Override
  public void destroy() {
    files.shutdownNow();
  }
}
