package dev.storekeeper.imports;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.imports.ImportReport.Item;
import dev.storekeeper.imports.ImportRepository.ImportRow;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.MetricRepository;
import dev.storekeeper.jobs.MetricValue;
import dev.storekeeper.storage.PrivateFiles;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports the reference application's jobs, metrics and files ({@code import neuroinsight}).
 *
 * <p>Order, per job, so that a kill at any point converges on the next run: (1) in one transaction
 * the job's row (finished, with its sizes, <b>held by the import</b>), its metric rows and a row of
 * {@code neuroinsight_imports} in state {@code adopting} recording where its files come from and go
 * to; (2) the upload, then the output directory, are moved (or copied and verified) into the data
 * layout; (3) in one transaction the import's hold is lifted and the import marked {@code done}. A
 * file is therefore never in the data layout without its row (the orphan sweep would take it once
 * older than the grace window, and adopted files keep their old times), and the hold keeps every
 * deletion path off a job whose files have not all arrived. A rerun finishes every job left {@code
 * adopting} from the recorded paths; a moved file is found in place, a copy cut short is redone.
 *
 * <p>The job keeps its id. A job already in Storekeeper that this command did not import is
 * refused; a job imported before is reported as present, even if Storekeeper has deleted it since,
 * and is never imported again. A dry run goes through the same checks and changes nothing.
 */
@Component
public class NeuroInsightImport {

  private static final Logger log = LoggerFactory.getLogger(NeuroInsightImport.class);

  static final int PAGE = 200;

  private final ImportRepository imports;
  private final JobRepository jobs;
  private final MetricRepository metrics;
  private final StorageLayout layout;
  private final TransactionTemplate tx;
  private final Clock clock;

  /**
   * Test seam: called after a job's rows ("rows"), its upload ("upload"), its output ("output").
   */
  volatile Consumer<String> checkpoint = step -> {};

  /** Test seam: copy and verify as across filesystems, although a rename would do. */
  volatile boolean copyOnly;

  NeuroInsightImport(
      ImportRepository imports,
      JobRepository jobs,
      MetricRepository metrics,
      StorageLayout layout,
      TransactionTemplate tx,
      Clock clock) {
    this.imports = imports;
    this.jobs = jobs;
    this.metrics = metrics;
    this.layout = layout;
    this.tx = tx;
    this.clock = clock;
  }

  /** What to import from where. */
  public record Options(Path sourceData, boolean dryRun, boolean skipRunning) {}

  public ImportReport run(NeuroInsightSource source, Options options) {
    Path data = sourceRoot(options.sourceData());
    List<Item> items = new ArrayList<>();
    UUID after = null;
    while (true) {
      List<SourceJob> page;
      Map<UUID, List<SourceMetric>> pageMetrics;
      try {
        page = source.jobs(after, PAGE);
        pageMetrics = source.metrics(page.stream().map(SourceJob::id).toList());
      } catch (SQLException e) {
        throw new SourceUnreachableException(
            "Cannot read the source database (--source-url): " + e.getMessage(), e);
      }
      if (page.isEmpty()) {
        break;
      }
      after = page.get(page.size() - 1).id();
      List<UUID> ids = page.stream().map(SourceJob::id).toList();
      Map<UUID, ImportRow> rows = imports.find(ids);
      Set<UUID> present = jobs.existing(ids);
      for (SourceJob job : page) {
        items.add(
            alone(
                job,
                rows.get(job.id()),
                present.contains(job.id()),
                pageMetrics.getOrDefault(job.id(), List.of()),
                data,
                options));
      }
    }
    return ImportReport.of(options.dryRun(), items);
  }

  /**
   * {@code --source-data} as a real directory that does not overlap the data layout: importing from
   * Storekeeper's own directories would take its files for the reference's.
   */
  private Path sourceRoot(Path given) {
    Path real;
    try {
      real = given.toRealPath();
    } catch (IOException e) {
      throw new InvalidInputException(
          "source-data", "--source-data " + given + " does not exist or cannot be read");
    }
    if (!java.nio.file.Files.isDirectory(real)) {
      throw new InvalidInputException(
          "source-data", "--source-data " + given + " is not a directory");
    }
    for (Path root : List.of(layout.dataDir(), layout.uploadsRoot(), layout.outputsRoot())) {
      if (real.startsWith(root) || root.startsWith(real)) {
        throw new InvalidInputException(
            "source-data",
            "--source-data "
                + given
                + " overlaps Storekeeper's own data directories (DATA_DIR, UPLOAD_DIR,"
                + " OUTPUT_DIR): give the reference application's data/ directory");
      }
    }
    return real;
  }

  /** One job, whatever goes wrong with it: a failure is this job's alone. */
  private Item alone(
      SourceJob job,
      ImportRow row,
      boolean present,
      List<SourceMetric> sourceMetrics,
      Path data,
      Options options) {
    try {
      return one(job, row, present, sourceMetrics, data, options);
    } catch (IOException | RuntimeException e) {
      log.debug("Import of job {} failed", job.id(), e);
      return item(job, null, ImportReport.FAILED, "cannot be imported: " + e, 0, 0, 0, null, null);
    }
  }

  private Item one(
      SourceJob job,
      ImportRow row,
      boolean present,
      List<SourceMetric> sourceMetrics,
      Path data,
      Options options)
      throws IOException {
    long metricRows = 3L * sourceMetrics.size();
    if (row != null) {
      return resume(job, row, present, metricRows, data, options);
    }
    if (present) {
      return item(
          job,
          null,
          ImportReport.FAILED,
          "a job with this id is already in Storekeeper and was not imported from NeuroInsight:"
              + " refused, nothing changed",
          0,
          0,
          0,
          null,
          null);
    }
    Instant now = clock.instant();
    Target target = Target.of(job, now, options.skipRunning());
    if (target.skip() != null) {
      return item(job, null, ImportReport.SKIPPED, target.skip(), 0, 0, 0, null, null);
    }
    if (target.refusal() != null) {
      return item(job, null, ImportReport.FAILED, target.refusal(), 0, 0, 0, null, null);
    }
    SourceFiles.Found found = SourceFiles.inspect(data, job);
    if (found.refusal() != null) {
      return item(
          job,
          target.status(),
          ImportReport.FAILED,
          "refused: " + found.refusal(),
          0,
          0,
          0,
          null,
          null);
    }
    Path uploadTo =
        layout.uploadsRoot().resolve(StorageLayout.uploadName(job.id(), job.filename()));
    Path outputTo = layout.outputDir(job.id());
    for (Path taken : List.of(uploadTo, outputTo)) {
      if (Adoption.lstat(taken) != null) {
        return item(
            job,
            target.status(),
            ImportReport.FAILED,
            "refused: "
                + layout.display(taken.toString())
                + " already exists in Storekeeper's data directory, with no job: left alone",
            0,
            0,
            0,
            null,
            null);
      }
    }
    Path outputFrom = data.resolve("outputs").resolve(job.id().toString());
    String resultPath =
        found.resultRest() == null
            ? null
            : found.resultRest().isEmpty()
                ? outputTo.toString()
                : outputTo.resolve(found.resultRest()).toString();
    Job row2 = target.job(job, uploadTo.toString(), resultPath, found);
    ImportRow adopting =
        new ImportRow(
            job.id(),
            "adopting",
            data.resolve("uploads").resolve(found.uploadName()).toString(),
            uploadTo.toString(),
            found.output() ? outputFrom.toString() : null,
            found.output() ? outputTo.toString() : null);
    long files = 1 + found.outputFiles();
    long bytes = found.uploadBytes() + found.outputBytes();
    if (options.dryRun()) {
      return item(
          job,
          target.status(),
          ImportReport.IMPORTED,
          "would be imported",
          metricRows,
          files,
          bytes,
          adopting);
    }
    tx.executeWithoutResult(
        status -> {
          imports.insertJob(row2, now);
          for (SourceMetric metric : sourceMetrics) {
            metrics.insertAll(job.id(), values(metric), metric.createdAt());
          }
          imports.insert(adopting, now);
        });
    checkpoint.accept("rows");
    return adopt(job, target.status(), adopting, metricRows, files, bytes, "imported");
  }

  /** A job an earlier run began (or finished) importing. */
  private Item resume(
      SourceJob job, ImportRow row, boolean present, long metricRows, Path data, Options options)
      throws IOException {
    if (row.done()) {
      return item(
          job,
          null,
          ImportReport.PRESENT,
          present
              ? "imported by an earlier run"
              : "imported by an earlier run and deleted from Storekeeper since: not imported again",
          0,
          0,
          0,
          null,
          null);
    }
    if (!present) {
      return item(
          job,
          null,
          ImportReport.SKIPPED,
          "its import was interrupted and Storekeeper has deleted the job since: not imported"
              + " again (its files still under --source-data are left there)",
          0,
          0,
          0,
          null,
          null);
    }
    for (String from : new String[] {row.uploadFrom(), row.outputFrom()}) {
      if (from != null && !Path.of(from).startsWith(data)) {
        return item(
            job,
            null,
            ImportReport.FAILED,
            "its import was begun from another --source-data ("
                + Path.of(from).getParent()
                + "): rerun with that directory to finish it",
            0,
            0,
            0,
            null,
            null);
      }
    }
    Job existing = jobs.findById(job.id()).orElseThrow();
    if (!existing.status().isVisible()) {
      // the cleanup claimed it (after an operator lifted the import's hold): what it deletes must
      // not be fed with the files still under --source-data
      return item(
          job,
          null,
          ImportReport.SKIPPED,
          "its import was interrupted and Storekeeper is deleting the job: not imported again"
              + " (its files still under --source-data are left there)",
          0,
          0,
          0,
          null,
          null);
    }
    long files =
        (row.uploadFrom() == null ? 0 : 1)
            + (row.outputFrom() == null
                ? 0
                : countFiles(Path.of(row.outputFrom()), Path.of(row.outputTo())));
    long bytes = existing.uploadBytes() + existing.outputBytes();
    if (options.dryRun()) {
      return item(
          job,
          existing.status(),
          ImportReport.IMPORTED,
          "would finish the import an earlier run began",
          metricRows,
          files,
          bytes,
          row);
    }
    return adopt(
        job,
        existing.status(),
        row,
        metricRows,
        files,
        bytes,
        "imported: finished the import an earlier run began");
  }

  /** Files below an output directory, in the source if still there, else in place. */
  private static long countFiles(Path from, Path to) throws IOException {
    Path dir = Adoption.lstat(from) != null ? from : to;
    return SafeFiles.survey(dir.getParent(), dir.getFileName().toString()).files();
  }

  /** Step 2 and 3: the files, then the hold lifted and the import marked done. */
  private Item adopt(
      SourceJob job,
      JobStatus status,
      ImportRow row,
      long metricRows,
      long files,
      long bytes,
      String reason) {
    List<Adoption.How> hows = new ArrayList<>();
    try {
      if (row.uploadFrom() != null) {
        Path to = Path.of(row.uploadTo());
        hows.add(
            Adoption.file(
                Path.of(row.uploadFrom()),
                to,
                layout.uploadsRoot().resolve(StorageLayout.tempUploadName(job.id())),
                copyOnly));
        PrivateFiles.narrowNew(to);
      }
      checkpoint.accept("upload");
      if (row.outputFrom() != null) {
        Path from = Path.of(row.outputFrom());
        hows.add(
            Adoption.tree(from.getParent(), layout.outputsRoot(), job.id().toString(), copyOnly));
        SafeFiles.privatize(layout.outputsRoot(), job.id().toString());
      }
      checkpoint.accept("output");
      tx.executeWithoutResult(status2 -> imports.finish(job.id(), clock.instant()));
    } catch (IOException | RuntimeException e) {
      log.debug("Adopting the files of job {} failed", job.id(), e);
      return item(
          job,
          status,
          ImportReport.FAILED,
          "its row is in Storekeeper, held, but its files could not all be moved in ("
              + layout.scrub(String.valueOf(e.getMessage()))
              + "): rerun to finish",
          metricRows,
          files,
          bytes,
          row);
    }
    String how =
        hows.contains(Adoption.How.COPIED)
            ? "; files copied across filesystems and verified (size and SHA-256), the source"
                + " copies were kept under --source-data"
            : "";
    return item(job, status, ImportReport.IMPORTED, reason + how, metricRows, files, bytes, row);
  }

  private static List<MetricValue> values(SourceMetric metric) {
    return List.of(
        new MetricValue(metric.region() + ".left_volume", metric.leftVolume(), null),
        new MetricValue(metric.region() + ".right_volume", metric.rightVolume(), null),
        new MetricValue(metric.region() + ".asymmetry_index", metric.asymmetryIndex(), null));
  }

  private Item item(
      SourceJob job,
      JobStatus status,
      String outcome,
      String reason,
      long metricRows,
      long files,
      long bytes,
      ImportRow row) {
    return item(
        job,
        status,
        outcome,
        reason,
        metricRows,
        files,
        bytes,
        row == null || row.uploadTo() == null ? null : layout.display(row.uploadTo()),
        row == null || row.outputTo() == null ? null : layout.display(row.outputTo()));
  }

  private static Item item(
      SourceJob job,
      JobStatus status,
      String outcome,
      String reason,
      long metricRows,
      long files,
      long bytes,
      String upload,
      String output) {
    return new Item(
        job.id(),
        job.filename(),
        job.status(),
        status == null ? null : status.value(),
        outcome,
        reason,
        metricRows,
        files,
        bytes,
        upload,
        output);
  }
}
