package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.JobTotalsRepository;
import dev.storekeeper.jobs.JobTotalsRepository.Figures;
import dev.storekeeper.jobs.JobTotalsRepository.StatusUsage;
import dev.storekeeper.jobs.JobTotalsRepository.Usage;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.StorageLayout;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the documents every adapter shows: the result of a run (the same JSON from {@code POST
 * /cleanup/run} and {@code cleanup-storage --json}) and the storage statistics. Statistics come
 * from the database's accounting: the running totals of {@code upload_bytes} and {@code
 * output_bytes} per status that triggers keep (V11, {@link JobTotalsRepository#usage}) and the last
 * scan's figures, so they take the same time at any number of jobs; {@code scan} walks the disk for
 * exact figures.
 */
@Component
public class CleanupReports {

  private static final double MB = 1024d * 1024d;
  private static final double GB = MB * 1024d;

  private final CleanupService cleanup;
  private final JobRepository jobs;
  private final JobTotalsRepository totals;
  private final CleanupRunRepository runs;
  private final StorageLayout layout;
  private final Clock clock;
  private final JsonMapper json;

  CleanupReports(
      CleanupService cleanup,
      JobRepository jobs,
      JobTotalsRepository totals,
      CleanupRunRepository runs,
      StorageLayout layout,
      Clock clock,
      JsonMapper json,
      Optional<dev.storekeeper.storage.s3.ObjectStore> objects) {
    this.objects = objects;
    this.json = json;
    this.cleanup = cleanup;
    this.jobs = jobs;
    this.totals = totals;
    this.runs = runs;
    this.layout = layout;
    this.clock = clock;
  }

  private final Optional<dev.storekeeper.storage.s3.ObjectStore> objects;

  // ---- documents --------------------------------------------------------------------------------

  /** Count and size of one area, in the units the reference uses. */
  public record Area(long count, long sizeBytes, double sizeMb, double sizeGb) {
    static Area of(long count, long bytes) {
      return new Area(count, bytes, round(bytes / MB), round(bytes / GB));
    }
  }

  public record CountAndBytes(long count, long bytes) {}

  public record Disk(long totalBytes, long freeBytes, double usedPercent) {}

  public record LastRun(
      UUID id,
      String trigger,
      String outcome,
      boolean dryRun,
      Instant startedAt,
      Instant finishedAt) {
    static LastRun of(CleanupRun run) {
      return new LastRun(
          run.id(),
          run.trigger().value(),
          run.outcome().value(),
          run.dryRun(),
          run.startedAt(),
          run.finishedAt());
    }
  }

  public record Scheduler(
      boolean enabled,
      double intervalHours,
      LastRun lastRun,
      Instant lastSuccessAt,
      Instant nextRun,
      boolean overdue) {}

  public record Scan(long count, long bytes, Instant scannedAt, UUID runId) {}

  public record Retention(
      int completedDays, int failedDays, int cancelledDays, int orphanGraceHours, int keepLast) {}

  /**
   * Deletions that failed {@code CLEANUP_MAX_ITEM_ATTEMPTS} runs in a row and are parked: how many,
   * the bytes they hold, and the first few with their last error. {@code retry_stuck=true} (CLI
   * {@code --retry-stuck}) puts them back in line once the cause is fixed.
   */
  public record Stuck(long count, long bytes, List<StuckItem> first) {}

  /** One parked deletion: a job, or an orphan's placeholder ({@code job_id} is then the name's). */
  public record StuckItem(UUID jobId, String kind, String path, int attempts, String error) {}

  /** Parked deletions listed in the statistics; the ledger has the rest. */
  static final int STUCK_LISTED = 20;

  /** The storage statistics document ({@code GET /cleanup/stats}, {@code storekeeper stats}). */
  public record StorageStats(
      String source,
      Instant generatedAt,
      Area uploads,
      Area outputs,
      long totalSizeBytes,
      double totalSizeMb,
      double totalSizeGb,
      Map<String, CountAndBytes> jobs,
      Map<String, CountAndBytes> reclaimable,
      Scan orphans,
      Scan unrecognized,
      Disk disk,
      Scheduler scheduler,
      Retention retention,
      Stuck stuck,
      CountAndBytes held) {}

  /**
   * One item of a run, as shown to operators: its path relative to the data layout ({@code
   * uploads/<name>}), never the server's absolute path (see {@link StorageLayout#display}).
   */
  public record ItemView(
      long seq,
      String category,
      UUID jobId,
      String path,
      Long ageSeconds,
      long bytes,
      long metrics,
      String reason,
      String result,
      String error) {}

  /** One run of the ledger in a list: its figures without its items. */
  public record RunSummary(
      UUID runId,
      String trigger,
      boolean dryRun,
      String outcome,
      Instant startedAt,
      Instant finishedAt,
      Long durationMs,
      long completedJobs,
      long failedJobs,
      long cancelledJobs,
      long resumedJobs,
      long orphanedUploads,
      long orphanedOutputs,
      long bytesFreed,
      long errorCount,
      long itemsTotal,
      boolean isPlan,
      UUID planId,
      String href) {

    public static RunSummary of(CleanupRun run) {
      CleanupCounts c = run.counts();
      return new RunSummary(
          run.id(),
          run.trigger().value(),
          run.dryRun(),
          run.outcome().value(),
          run.startedAt(),
          run.finishedAt(),
          run.durationMs(),
          c.completedJobs(),
          c.failedJobs(),
          c.cancelledJobs(),
          c.resumedJobs(),
          c.orphanedUploads(),
          c.orphanedOutputs(),
          c.bytesFreed(),
          c.errorCount(),
          c.itemsRecorded(),
          run.plan(),
          run.planId(),
          "/cleanup/runs/" + run.id());
    }
  }

  /** A page of the ledger, newest run first; {@code next} is the following page or null. */
  public record RunPage(long total, int offset, int limit, List<RunSummary> runs, String next) {}

  /** An item as every adapter shows it (API answers, {@code --json}, {@code --list}). */
  public ItemView item(CleanupItem item) {
    return new ItemView(
        item.seq(),
        item.category().value(),
        item.jobId(),
        layout.display(item.path()),
        item.ageSeconds(),
        item.bytes(),
        item.metrics(),
        layout.scrub(item.reason()),
        item.result().value(),
        layout.scrub(item.error()));
  }

  /** The result document of a run. For a dry run, counts mean "would delete". */
  public record RunReport(
      UUID runId,
      String trigger,
      boolean dryRun,
      String outcome,
      Map<String, Object> parameters,
      Instant startedAt,
      Instant finishedAt,
      long completedJobs,
      long failedJobs,
      long cancelledJobs,
      long resumedJobs,
      long metricsDeleted,
      long uploadFilesDeleted,
      long outputDirsDeleted,
      long orphanedUploads,
      long orphanedOutputs,
      long unrecognizedFound,
      long unrecognizedDeleted,
      long heldJobs,
      long keptLastJobs,
      long bytesFreed,
      List<String> errors,
      long errorCount,
      Long durationMs,
      Progress progress,
      StorageStats storageStats,
      long itemsTotal,
      List<ItemView> items,
      String itemsNext,
      PlanFigures plan) {}

  /**
   * For a plan: its id, the items it would delete and until when it may be applied without force.
   * For the apply of a plan: the plan's id and its items planned, deleted and skipped (no longer
   * eligible). Null for every other run.
   */
  public record PlanFigures(
      UUID planId,
      boolean isPlan,
      long planned,
      Long deleted,
      Long skipped,
      Instant expiresAt,
      String href) {}

  /**
   * A plan as exported ({@code GET /cleanup/plans/{id}}, the file {@code --save-plan} writes): what
   * it would delete by category, and every item. {@code --apply-plan FILE} checks a file against
   * the stored plan, so an edited file is refused rather than applied.
   */
  public record PlanDocument(
      String kind,
      UUID planId,
      Instant madeAt,
      Instant expiresAt,
      Map<String, Object> parameters,
      Map<String, CountAndBytes> summary,
      long itemsTotal,
      long bytesTotal,
      List<PlanItem> items) {

    /** The value of {@code kind} that marks a plan file. */
    public static final String KIND = "storekeeper-cleanup-plan";
  }

  /** One item of a plan: what it would delete and why. */
  public record PlanItem(
      long seq, String category, UUID jobId, String path, long bytes, String reason) {}

  /** How far a run has got: items handled so far of those known so far. */
  public record Progress(long itemsDone, long itemsExpected) {}

  // ---- builders --------------------------------------------------------------------------------

  /**
   * The report of a run with its first {@code itemsLimit} items after {@code afterSeq}; {@code
   * itemsNext} is the link to the following page, or null when there is none.
   */
  public RunReport report(
      CleanupRun run, long afterSeq, int itemsLimit, boolean withStorage, String itemsLinkBase) {
    List<CleanupItem> page = cleanup.items(run.id(), afterSeq, itemsLimit + 1);
    boolean more = page.size() > itemsLimit;
    List<ItemView> items = page.stream().limit(itemsLimit).map(this::item).toList();
    String next =
        more && !items.isEmpty() && itemsLinkBase != null
            ? itemsLinkBase + "?after=" + items.get(items.size() - 1).seq() + "&limit=" + itemsLimit
            : null;
    CleanupCounts c = run.counts();
    return new RunReport(
        run.id(),
        run.trigger().value(),
        run.dryRun(),
        run.outcome().value(),
        parameters(run.parameters()),
        run.startedAt(),
        run.finishedAt(),
        c.completedJobs(),
        c.failedJobs(),
        c.cancelledJobs(),
        c.resumedJobs(),
        c.metricsDeleted(),
        c.uploadFilesDeleted(),
        c.outputDirsDeleted(),
        c.orphanedUploads(),
        c.orphanedOutputs(),
        c.unrecognizedFound(),
        c.unrecognizedDeleted(),
        c.heldJobs(),
        c.keptLastJobs(),
        c.bytesFreed(),
        run.errors().stream().map(layout::scrub).toList(),
        c.errorCount(),
        run.durationMs(),
        new Progress(c.itemsRecorded(), Math.max(run.itemsExpected(), c.itemsRecorded())),
        withStorage ? stats(false) : null,
        c.itemsRecorded(),
        items,
        next,
        planFigures(run));
  }

  private PlanFigures planFigures(CleanupRun run) {
    if (run.plan()) {
      return new PlanFigures(
          run.id(),
          true,
          run.plannedItems(),
          null,
          null,
          cleanup.planExpiresAt(run),
          "/cleanup/plans/" + run.id());
    }
    if (run.planId() == null) {
      return null;
    }
    return new PlanFigures(
        run.planId(),
        false,
        run.plannedItems(),
        runs.countItems(run.id(), CleanupItem.Result.DELETED),
        run.skippedItems(),
        null,
        "/cleanup/plans/" + run.planId());
  }

  /** A plan's document with an empty {@code items}: they are streamed (see {@link #planItem}). */
  public PlanDocument plan(CleanupRun plan) {
    Map<String, CountAndBytes> summary = new LinkedHashMap<>();
    long bytes = 0;
    for (Map.Entry<Category, CountAndBytes> total : cleanup.plannedTotals(plan.id()).entrySet()) {
      summary.put(total.getKey().value(), total.getValue());
      bytes += total.getValue().bytes();
    }
    return new PlanDocument(
        PlanDocument.KIND,
        plan.id(),
        plan.startedAt(),
        cleanup.planExpiresAt(plan),
        parameters(plan.parameters()),
        summary,
        plan.plannedItems(),
        bytes,
        List.of());
  }

  /**
   * Writes a plan's document with every item, a page at a time: memory does not grow with the size
   * of the plan. The stream is left open.
   */
  public void writePlan(CleanupRun plan, OutputStream out) {
    JsonNode tree = json.valueToTree(plan(plan));
    try (JsonGenerator generator = json.createGenerator(new KeepOpen(out))) {
      generator.writeStartObject();
      for (Map.Entry<String, JsonNode> property : tree.properties()) {
        generator.writeName(property.getKey());
        if (!property.getKey().equals("items")) {
          generator.writeTree(property.getValue());
          continue;
        }
        generator.writeStartArray();
        long after = 0;
        while (true) {
          List<CleanupItem> page = cleanup.plannedItems(plan.id(), after, PLAN_PAGE);
          for (CleanupItem item : page) {
            generator.writePOJO(planItem(item));
          }
          if (page.size() < PLAN_PAGE) {
            break;
          }
          after = page.get(page.size() - 1).seq();
        }
        generator.writeEndArray();
      }
      generator.writeEndObject();
    }
  }

  private static final int PLAN_PAGE = 500;

  /** Closing a JSON generator on it does not close the caller's stream (stdout, a response). */
  public static final class KeepOpen extends FilterOutputStream {
    public KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  public PlanItem planItem(CleanupItem item) {
    return new PlanItem(
        item.seq(),
        item.category().value(),
        item.jobId(),
        layout.display(item.path()),
        item.bytes(),
        layout.scrub(item.reason()));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> parameters(String text) {
    return json.readValue(text, LinkedHashMap.class);
  }

  public StorageStats stats(boolean scan) {
    Instant now = clock.instant();
    RetentionPolicy policy = cleanup.properties().defaultPolicy();
    Usage all =
        totals.usage(
            policy.cutoff(JobStatus.COMPLETED, now),
            policy.cutoff(JobStatus.FAILED, now),
            policy.cutoff(JobStatus.CANCELLED, now));
    Map<JobStatus, StatusUsage> usage = all.statuses();
    Map<String, CountAndBytes> byStatus = new LinkedHashMap<>();
    long uploadCount = 0;
    long uploadBytes = 0;
    long outputCount = 0;
    long outputBytes = 0;
    for (JobStatus status : JobStatus.values()) {
      StatusUsage u = usage.get(status);
      long count = u == null ? 0 : u.jobs();
      long bytes = u == null ? 0 : u.uploadBytes() + u.outputBytes();
      byStatus.put(status.value(), new CountAndBytes(count, bytes));
      if (u != null) {
        uploadCount += u.jobs();
        uploadBytes += u.uploadBytes();
        outputCount += u.outputBytes() > 0 || status.isFinished() ? u.jobs() : 0;
        outputBytes += u.outputBytes();
      }
    }
    String source = "accounting";
    if (scan) {
      source = "scan";
      long[] up =
          objects.isPresent()
              ? list(objects.get(), objects.get().keys().uploadsPrefix())
              : walk(layout.uploadsRoot());
      long[] out =
          objects.isPresent()
              ? list(objects.get(), objects.get().keys().outputsPrefix())
              : walk(layout.outputsRoot());
      uploadCount = up[0];
      uploadBytes = up[1];
      outputCount = out[0];
      outputBytes = out[1];
    }
    Map<String, CountAndBytes> reclaimable = new LinkedHashMap<>();
    long reclaimCount = 0;
    long reclaimBytes = 0;
    for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)) {
      StatusUsage u = usage.get(status);
      long count = u == null ? 0 : u.expiredJobs();
      long bytes = u == null ? 0 : u.expiredBytes();
      reclaimable.put(status.value(), new CountAndBytes(count, bytes));
      reclaimCount += count;
      reclaimBytes += bytes;
    }
    Optional<CleanupRun> lastScan = runs.lastOrphanScan();
    Scan orphans =
        lastScan
            .map(
                r ->
                    new Scan(
                        r.counts().orphanedUploads() + r.counts().orphanedOutputs(),
                        r.counts().orphanBytes(),
                        r.startedAt(),
                        r.id()))
            .orElse(new Scan(0, 0, null, null));
    Scan unrecognized =
        lastScan
            .map(
                r ->
                    new Scan(
                        r.counts().unrecognizedFound(),
                        r.counts().unrecognizedBytes(),
                        r.startedAt(),
                        r.id()))
            .orElse(new Scan(0, 0, null, null));
    reclaimable.put("orphans", new CountAndBytes(orphans.count(), orphans.bytes()));
    reclaimable.put(
        "total", new CountAndBytes(reclaimCount + orphans.count(), reclaimBytes + orphans.bytes()));
    long total = uploadBytes + outputBytes;
    return new StorageStats(
        source,
        now,
        Area.of(uploadCount, uploadBytes),
        Area.of(outputCount, outputBytes),
        total,
        round(total / MB),
        round(total / GB),
        byStatus,
        reclaimable,
        orphans,
        unrecognized,
        disk(),
        scheduler(now),
        new Retention(
            policy.completedDays(),
            policy.failedDays(),
            policy.cancelledDays(),
            policy.orphanGraceHours(),
            policy.keepLast()),
        stuck(byStatus.get(JobStatus.STUCK.value())),
        held(all.held()));
  }

  private static CountAndBytes held(Figures held) {
    return new CountAndBytes(held.jobs(), held.uploadBytes() + held.outputBytes());
  }

  private Stuck stuck(CountAndBytes total) {
    List<StuckItem> first =
        total.count() == 0
            ? List.of()
            : jobs.findStuck(null, STUCK_LISTED).stream()
                .map(
                    job ->
                        new StuckItem(
                            job.id(),
                            "(orphan)".equals(job.filename()) ? "orphan" : "job",
                            layout.display(job.filePath()),
                            job.cleanupAttempts(),
                            layout.scrub(job.cleanupError())))
                .toList();
    return new Stuck(total.count(), total.bytes(), first);
  }

  /** Whether the schedule is overdue: enabled and no successful real run for two intervals. */
  public Scheduler scheduler(Instant now) {
    CleanupProperties properties = cleanup.properties();
    Optional<CleanupRun> last = cleanup.lastRun();
    Instant lastSuccess = cleanup.lastSuccessfulRun().map(CleanupRun::startedAt).orElse(null);
    Instant nextRun = runs.nextScheduledRun(CleanupTask.NAME).orElse(null);
    Duration twice = properties.interval().multipliedBy(2);
    Instant reference =
        lastSuccess != null ? lastSuccess : runs.firstScheduledAt(CleanupTask.NAME).orElse(null);
    boolean overdue =
        properties.cleanupEnabled()
            && reference != null
            && Duration.between(reference, now).compareTo(twice) > 0;
    return new Scheduler(
        properties.cleanupEnabled(),
        properties.cleanupIntervalHours(),
        last.map(LastRun::of).orElse(null),
        lastSuccess,
        properties.cleanupEnabled() ? nextRun : null,
        overdue);
  }

  private Disk disk() {
    try {
      FileStore store = Files.getFileStore(layout.dataDir());
      long total = store.getTotalSpace();
      long free = store.getUsableSpace();
      double used = total == 0 ? 0 : round(100d * (total - free) / total);
      return new Disk(total, free, used);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the data volume's size", e);
    }
  }

  /** Entries and bytes directly inside a root (bytes of whole subtrees, links not followed). */
  private static long[] walk(Path root) {
    long count = 0;
    long bytes = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        count++;
        bytes += SafeFiles.measure(root, entry.getFileName().toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot scan " + root, e);
    }
    return new long[] {count, bytes};
  }

  /**
   * On the s3 backend: entries directly below a prefix (an object, or a "directory" such as {@code
   * outputs/{job_id}/}) and the bytes of every object below it, listed a page at a time.
   */
  private static long[] list(dev.storekeeper.storage.s3.ObjectStore store, String prefix) {
    long count = 0;
    long bytes = 0;
    String last = null;
    for (dev.storekeeper.storage.s3.ListEntry.StoredObject object : store.objectsUnder(prefix)) {
      String rest = object.key().substring(prefix.length());
      int slash = rest.indexOf('/');
      String entry = slash < 0 ? rest : rest.substring(0, slash + 1);
      // keys come in order, so the objects of one entry are next to each other
      if (!entry.equals(last)) {
        count++;
        last = entry;
      }
      bytes += object.size();
    }
    return new long[] {count, bytes};
  }

  private static double round(double value) {
    return Math.round(value * 1000d) / 1000d;
  }
}
