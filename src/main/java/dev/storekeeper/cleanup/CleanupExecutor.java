package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.MetricRepository;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.SafeFiles.Removal;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
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

  /** A temporary upload still being written has no row to protect it; give it at least this. */
  static final Duration TEMP_UPLOAD_MIN_AGE = Duration.ofHours(1);

  private static final int FILE_THREADS = 4;

  private final JobRepository jobs;
  private final MetricRepository metrics;
  private final StorageLayout layout;
  private final TransactionTemplate tx;
  private final ExecutorService files =
      Executors.newFixedThreadPool(
          FILE_THREADS,
          r -> {
            Thread thread = new Thread(r, "cleanup-files");
            thread.setDaemon(true);
            return thread;
          });

  /**
   * Test seam: called after each protocol step ("claimed", "files", "rows") and before orphans are
   * claimed ("orphans-found").
   */
  volatile Consumer<String> checkpoint = step -> {};

  CleanupExecutor(
      JobRepository jobs, MetricRepository metrics, StorageLayout layout, TransactionTemplate tx) {
    this.jobs = jobs;
    this.metrics = metrics;
    this.layout = layout;
    this.tx = tx;
  }

  /** Work out how many jobs this run will handle, for progress reporting. */
  long expectedJobs(CleanupRequest request, RunState state) {
    long expected = jobs.countDeleting();
    for (JobStatus status : request.expiredStatuses()) {
      expected += jobs.countFinishedBefore(status, state.policy.cutoff(status, state.now));
    }
    return expected;
  }

  void execute(
      CleanupRequest request, RunState state, int batchSize, Consumer<RunState> afterBatch) {
    resume(state, batchSize, afterBatch);
    for (JobStatus status : request.expiredStatuses()) {
      expire(status, state, batchSize, afterBatch);
    }
    if (request.cleansOrphans()) {
      sweep(
          layout.uploadsRoot(), true, request.includeUnrecognized(), state, batchSize, afterBatch);
      sweep(
          layout.outputsRoot(), false, request.includeUnrecognized(), state, batchSize, afterBatch);
    }
  }

  // ---- jobs ------------------------------------------------------------------------------------

  private void resume(RunState state, int batchSize, Consumer<RunState> afterBatch) {
    Pipeline pipeline = new Pipeline(state, afterBatch);
    try {
      UUID after = null;
      while (!state.lockLost) {
        List<Job> page = jobs.findDeleting(after, batchSize);
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).id();
        pipeline.add(
            startJobs(
                page,
                job -> Category.RESUMED_JOB,
                job -> "resuming an unfinished deletion",
                state));
      }
      pipeline.finishAll();
    } finally {
      pipeline.settle();
    }
  }

  private void expire(
      JobStatus status, RunState state, int batchSize, Consumer<RunState> afterBatch) {
    Instant cutoff = state.policy.cutoff(status, state.now);
    int days = state.policy.daysFor(status);
    Pipeline pipeline = new Pipeline(state, afterBatch);
    try {
      Instant afterAt = null;
      UUID afterId = null;
      while (!state.lockLost) {
        List<Job> page = jobs.findFinishedBefore(status, cutoff, afterAt, afterId, batchSize);
        if (page.isEmpty()) {
          break;
        }
        Job last = page.get(page.size() - 1);
        afterAt = last.completedAt();
        afterId = last.id();
        List<Job> claimed = page;
        if (!state.dryRun) {
          Set<UUID> ids =
              jobs.claim(page.stream().map(Job::id).toList(), status, cutoff, state.runId);
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
    Map<UUID, Long> metricCounts =
        batch.isEmpty() ? Map.of() : metrics.countByJobs(batch.stream().map(Job::id).toList());
    List<Future<JobFiles>> removals = new ArrayList<>();
    for (Job job : batch) {
      removals.add(files.submit(() -> removeFiles(job, state.dryRun)));
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
    for (JobFiles result : results) {
      if (result.errors().isEmpty()) {
        gone.add(result.job().id());
      } else if (!state.dryRun) {
        jobs.recordCleanupError(result.job().id(), String.join("; ", result.errors()));
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
          batch.reason().apply(job),
          ok ? state.done() : CleanupItem.Result.FAILED,
          ok ? null : String.join("; ", result.errors()));
    }
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

  private record JobFiles(
      Job job, long bytes, boolean uploadExisted, boolean outputExisted, List<String> errors) {}

  private JobFiles removeFiles(Job job, boolean dryRun) {
    List<String> errors = new ArrayList<>();
    long bytes = 0;
    boolean uploadExisted = false;
    Optional<String> upload = uploadEntry(job);
    if (upload.isPresent()) {
      Removal removal = SafeFiles.remove(layout.uploadsRoot(), upload.get(), dryRun);
      bytes += removal.bytes();
      uploadExisted = removal.existed() && removal.complete();
      errors.addAll(removal.errors());
    } else if (!job.filePath().isEmpty() && !"(orphan)".equals(job.filename())) {
      errors.add(
          "upload "
              + job.filePath()
              + " is not an upload of this job inside "
              + layout.uploadsRoot()
              + "; left in place");
    }
    Removal output = SafeFiles.remove(layout.outputsRoot(), job.id().toString(), dryRun);
    bytes += output.bytes();
    errors.addAll(output.errors());
    return new JobFiles(job, bytes, uploadExisted, output.existed() && output.complete(), errors);
  }

  /** The upload entry of a job, only if its stored path is one of ours for this job id. */
  private Optional<String> uploadEntry(Job job) {
    Path path;
    try {
      path = Path.of(job.filePath()).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
    Path name = path.getFileName();
    if (name == null
        || path.getParent() == null
        || !path.getParent().equals(layout.uploadsRoot())) {
      return Optional.empty();
    }
    return StorageLayout.jobIdOfUpload(name.toString())
        .filter(job.id()::equals)
        .map(id -> name.toString());
  }

  // ---- orphans ---------------------------------------------------------------------------------

  /** A listed entry; {@code file} is its name as listed, {@code name} its (lossy) String form. */
  private record Entry(UUID jobId, Path file, String name, Instant modified, boolean temp) {}

  private void sweep(
      Path root,
      boolean uploads,
      boolean includeUnrecognized,
      RunState state,
      int batchSize,
      Consumer<RunState> afterBatch) {
    List<Entry> batch = new ArrayList<>();
    int unflushed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        if (state.lockLost) {
          return;
        }
        Path file = entry.getFileName();
        String name = file.toString();
        BasicFileAttributes attributes;
        try {
          attributes =
              Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
          continue;
        }
        Instant modified = attributes.lastModifiedTime().toInstant();
        Optional<UUID> id =
            uploads ? StorageLayout.jobIdOfUpload(name) : StorageLayout.jobIdOfOutput(name);
        if (id.isEmpty()) {
          unrecognized(root, file, modified, includeUnrecognized, state);
          if (++unflushed >= batchSize) {
            // a directory full of foreign names must not pile up unrecorded items in memory
            afterBatch.accept(state);
            unflushed = 0;
          }
          continue;
        }
        batch.add(
            new Entry(id.get(), file, name, modified, uploads && StorageLayout.isTempUpload(name)));
        if (batch.size() >= batchSize) {
          orphans(root, uploads, batch, state);
          batch.clear();
          afterBatch.accept(state);
        }
      }
    } catch (IOException e) {
      state.error("cannot scan " + root + ": " + e.getMessage());
    }
    orphans(root, uploads, batch, state);
    afterBatch.accept(state);
  }

  private void orphans(Path root, boolean uploads, List<Entry> batch, RunState state) {
    if (batch.isEmpty()) {
      return;
    }
    Set<UUID> owned = jobs.existing(batch.stream().map(Entry::jobId).distinct().toList());
    Instant cutoff = state.policy.orphanCutoff(state.now);
    Instant tempCutoff = min(cutoff, state.now.minus(TEMP_UPLOAD_MIN_AGE));
    Map<UUID, List<Entry>> orphans = new LinkedHashMap<>();
    for (Entry entry : batch) {
      boolean oldEnough = entry.modified().isBefore(entry.temp() ? tempCutoff : cutoff);
      if (!owned.contains(entry.jobId()) && oldEnough) {
        orphans.computeIfAbsent(entry.jobId(), id -> new ArrayList<>()).add(entry);
      }
    }
    Category category = uploads ? Category.ORPHAN_UPLOAD : Category.ORPHAN_OUTPUT;
    if (!state.dryRun) {
      checkpoint.accept("orphans-found");
      Set<UUID> claimed = claimOrphans(root, orphans, state);
      orphans.keySet().retainAll(claimed); // the others got a row meanwhile: not orphans
      if (!orphans.isEmpty()) {
        checkpoint.accept("claimed");
      }
    }
    Map<UUID, List<Removal>> removals = new LinkedHashMap<>();
    List<Callable<Void>> work = new ArrayList<>();
    for (Map.Entry<UUID, List<Entry>> group : orphans.entrySet()) {
      List<Removal> removed = new ArrayList<>();
      removals.put(group.getKey(), removed);
      work.add(
          () -> {
            for (Entry entry : group.getValue()) {
              removed.add(SafeFiles.remove(root, entry.file(), state.dryRun));
            }
            return null;
          });
    }
    try {
      for (Future<Void> done : files.invokeAll(work)) {
        join(done);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cleanup interrupted", e);
    }
    if (!state.dryRun && !work.isEmpty()) {
      checkpoint.accept("files");
      List<UUID> gone = new ArrayList<>();
      removals.forEach(
          (id, removed) -> {
            if (removed.stream().allMatch(Removal::complete)) {
              gone.add(id);
            } else {
              jobs.recordCleanupError(id, errors(removed));
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
            root.resolve(entry.name()).toString(),
            entry.modified(),
            removal.bytes(),
            0,
            entry.temp()
                ? "unfinished upload, untouched for " + ago(entry.modified(), state.now)
                : "no job row for " + id + "; untouched for " + ago(entry.modified(), state.now),
            removal.complete() ? state.done() : CleanupItem.Result.FAILED,
            removal.complete() ? null : String.join("; ", removal.errors()));
      }
    }
  }

  /**
   * Claims a batch of orphans' job ids in one transaction; if one of them got a row meanwhile (an
   * upload committing), falls back to claiming each on its own. Returns the ids claimed.
   */
  private Set<UUID> claimOrphans(Path root, Map<UUID, List<Entry>> orphans, RunState state) {
    Map<UUID, String> paths = new LinkedHashMap<>();
    orphans.forEach((id, entries) -> paths.put(id, root.resolve(entries.get(0).name()).toString()));
    try {
      tx.executeWithoutResult(status -> jobs.claimOrphans(paths, state.now, state.runId));
      return paths.keySet();
    } catch (DataAccessException raced) {
      Set<UUID> claimed = new HashSet<>();
      paths.forEach(
          (id, path) -> {
            if (jobs.claimOrphan(id, path, state.now, state.runId)) {
              claimed.add(id);
            }
          });
      return claimed;
    }
  }

  private void unrecognized(
      Path root, Path file, Instant modified, boolean include, RunState state) {
    boolean delete = include && modified.isBefore(state.policy.orphanCutoff(state.now));
    Removal removal = SafeFiles.remove(root, file, !delete || state.dryRun);
    String name = file.toString();
    state.unrecognizedFound++;
    state.unrecognizedBytes += removal.bytes();
    String path = root.resolve(name).toString();
    if (!delete) {
      state.item(
          Category.UNRECOGNIZED,
          null,
          path,
          modified,
          removal.bytes(),
          0,
          "name encodes no job id; kept (include_unrecognized to remove)",
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
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("cleanup interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void destroy() {
    files.shutdownNow();
  }
}
