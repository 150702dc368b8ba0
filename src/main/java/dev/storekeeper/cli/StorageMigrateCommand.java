package dev.storekeeper.cli;

import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.migrate.CommitBarrier;
import dev.storekeeper.storage.migrate.MigrationReport;
import dev.storekeeper.storage.migrate.MigrationReport.Item;
import dev.storekeeper.storage.migrate.StorageMigration;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStorageProperties;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.ObjectStoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code storage migrate --to s3}: a filesystem data directory into the bucket, job by job. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Copies the uploads and outputs of a filesystem data directory (DATA_DIR, UPLOAD_DIR,"
          + " OUTPUT_DIR) into the S3 bucket (STORAGE_BACKEND=s3, S3_BUCKET, S3_PREFIX,"
          + " S3_ENDPOINT, ...), job by job: each file is put, read back and compared (size and"
          + " SHA-256), then the job's row is switched to the objects in one statement, then the"
          + " local copy is removed. No job is unreachable at any moment; a rerun after a kill"
          + " finishes what was interrupted and takes nothing twice.",
      "Pending and running jobs are skipped (a rerun takes them once finished); held jobs are"
          + " migrated and stay held. Files that are no job's are neither copied nor deleted.",
    },
    exitCodeList = {
      "0:Success: every job was migrated, or was already in the bucket, or was skipped (listed"
          + " with the reason).",
      "1:Some jobs could not be migrated (each is listed with its reason; it stays on the"
          + " filesystem, or in the bucket with its local copy left). A rerun tries them again.",
      "2:Usage error: an option or its value, or the configuration (STORAGE_BACKEND is not s3, a"
          + " bucket setting is wrong: the message names it).",
      "4:The database, the data directories or the bucket cannot be reached, or an internal"
          + " error stopped the command; jobs switched until then are in the bucket."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  STORAGE_BACKEND=s3 S3_BUCKET=storekeeper S3_ENDPOINT=http://127.0.0.1:9000 \\",
      "      storekeeper storage migrate --to s3 --dry-run",
    })
final class StorageMigrateCommand implements Callable<Integer> {

  /** A progress line on stderr every this many jobs. */
  static final int PROGRESS_EVERY = 1000;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "BACKEND",
      converter = StorageTarget.class,
      description = "Where to: s3 (the bucket the S3_ settings name).")
  String to;

  @Option(
      names = "--dry-run",
      description = "Say what would be copied (jobs, files, bytes); change nothing.")
  boolean dryRun;

  @Option(
      names = "--threads",
      paramLabel = "N",
      converter = MigrateThreads.class,
      description = "Jobs copied at once, 1 to 32 (default: ${DEFAULT-VALUE}).")
  int threads = 4;

  @Option(names = "--json", description = "Print the result as JSON and nothing else on stdout.")
  boolean json;

  private final Streams streams;
  private final Supplier<CliContext> contexts;

  StorageMigrateCommand(Streams streams, Supplier<CliContext> contexts) {
    this.streams = streams;
    this.contexts = contexts;
  }

  @Override
  public Integer call() {
    try (CliContext context = contexts.get()) {
      ObjectStorageProperties settings = context.bean(ObjectStorageProperties.class);
      if (!settings.isS3()) {
        throw new CliFailure(
            ExitCodes.USAGE,
            "--to s3 needs STORAGE_BACKEND=s3 and the bucket's settings (S3_BUCKET, S3_PREFIX,"
                + " S3_ENDPOINT, S3_REGION, credentials), with DATA_DIR (UPLOAD_DIR, OUTPUT_DIR)"
                + " still naming the filesystem data; STORAGE_BACKEND is "
                + settings.backend(),
            null);
      }
      ObjectStore store = context.bean(ObjectStore.class);
      StorageMigration migration =
          new StorageMigration(
              context.bean(JdbcClient.class),
              context.bean(JobRepository.class),
              context.bean(StorageLayout.class),
              store,
              context.bean(ObjectLocations.class),
              context.bean(TransactionTemplate.class),
              CommitBarrier.of(context.bean(DataSource.class)),
              context.bean(Clock.class));
      String target = "s3://" + store.bucket() + "/" + store.keys().prefix();
      PrintWriter out = streams.outWriter();
      if (!json) {
        out.println(
            dryRun
                ? "Migration to " + target + ", dry run: nothing was changed."
                : "Migration to " + target + ".");
        out.flush();
      }
      Progress progress = new Progress(streams.err(), out, json, dryRun);
      MigrationReport report;
      try {
        report = migration.run(new StorageMigration.Options(dryRun, threads), progress);
      } catch (ObjectStoreException e) {
        throw new CliFailure(
            ExitCodes.UNREACHABLE,
            e.getMessage()
                + System.lineSeparator()
                + "Jobs switched before this are in the bucket; rerun to go on.",
            e);
      }
      if (json) {
        JsonDocument.write(context.json(), streams.out(), report);
      } else {
        summary(out, report, progress.seconds());
      }
      return report.anyFailed() ? ExitCodes.INCOMPLETE : ExitCodes.OK;
    }
  }

  /** Prints each job's line as it is decided (text only) and a progress line now and then. */
  static final class Progress implements Consumer<Item> {
    private final PrintWriter err;
    private final PrintWriter out;
    private final boolean json;
    private final boolean dryRun;
    private final long start = System.nanoTime();
    private long jobs;
    private long migrated;
    private long bytes;

    Progress(PrintWriter err, PrintWriter out, boolean json, boolean dryRun) {
      this.err = err;
      this.out = out;
      this.json = json;
      this.dryRun = dryRun;
    }

    @Override
    public void accept(Item item) {
      jobs++;
      if (item.outcome().equals(MigrationReport.MIGRATED)) {
        migrated++;
        bytes += item.bytes();
      }
      if (!json && !item.outcome().equals(MigrationReport.PRESENT)) {
        out.println(line(item, dryRun));
      }
      if (jobs % PROGRESS_EVERY == 0) {
        out.flush();
        err.printf(
            "%d jobs examined, %d %s (%s), %.1f jobs/s%n",
            jobs,
            migrated,
            dryRun ? "to migrate" : "migrated",
            HumanOutput.size(bytes),
            jobs / Math.max(seconds(), 0.001));
        err.flush();
      }
    }

    double seconds() {
      return (System.nanoTime() - start) / 1e9;
    }
  }

  static String line(Item item, boolean dryRun) {
    String outcome =
        dryRun && item.outcome().equals(MigrationReport.MIGRATED)
            ? "would migrate"
            : item.outcome();
    StringBuilder line = new StringBuilder();
    line.append(item.jobId())
        .append("  ")
        .append(outcome)
        .append("  ")
        .append(item.status())
        .append(item.held() ? " (held)" : "")
        .append("  ")
        .append(HumanOutput.escaped(item.filename()));
    if (item.outcome().equals(MigrationReport.MIGRATED)) {
      line.append("  ")
          .append(HumanOutput.count(item.files(), "file"))
          .append(", ")
          .append(HumanOutput.size(item.bytes()));
    }
    line.append(": ").append(HumanOutput.escaped(item.reason()));
    return line.toString();
  }

  static void summary(PrintWriter out, MigrationReport report, double seconds) {
    MigrationReport.Counts counts = report.counts();
    out.printf(
        "  %s %s, %s, %s%n",
        report.dryRun() ? "would migrate:" : "migrated:",
        HumanOutput.count(counts.migrated(), "job"),
        HumanOutput.count(counts.files(), "file"),
        HumanOutput.size(counts.bytes()));
    out.printf("  already in the bucket: %d%n", counts.present());
    out.printf("  skipped: %d%n", counts.skipped());
    out.printf("  failed: %d%n", counts.failed());
    MigrationReport.Left left = report.left();
    if (left.jobEntries() < 0) {
      out.println("  left in the data directory: could not be counted");
    } else {
      out.printf(
          "  left in the data directory: %d %s of jobs not migrated; %d %s no job's (orphans,"
              + " temporary or unrecognised): neither copied nor deleted%n",
          left.jobEntries(),
          left.jobEntries() == 1 ? "entry" : "entries",
          left.otherEntries(),
          left.otherEntries() == 1 ? "entry is" : "entries are");
    }
    if (report.notListed() > 0) {
      out.printf("  (%d more jobs not in --json's items)%n", report.notListed());
    }
    out.printf(
        "  %d jobs examined in %.1f s (%.1f jobs/s)%n",
        counts.jobs(), seconds, counts.jobs() / Math.max(seconds, 0.001));
    if (counts.jobs() == 0) {
      out.println("Nothing to migrate: there are no jobs.");
    } else if (counts.migrated() + counts.skipped() + counts.failed() == 0) {
      out.println("Nothing to migrate: every job is in the bucket.");
    }
    out.flush();
  }
}
