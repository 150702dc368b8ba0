package dev.storekeeper.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.Fixtures;
import dev.storekeeper.ReferenceApp;
import dev.storekeeper.ReferenceApp.RefJob;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.cleanup.Category;
import dev.storekeeper.cleanup.CleanupItem;
import dev.storekeeper.cleanup.CleanupProgress;
import dev.storekeeper.cleanup.CleanupRequest;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.cleanup.Trigger;
import dev.storekeeper.imports.ImportReport.Item;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.Metric;
import dev.storekeeper.jobs.MetricRepository;
import dev.storekeeper.jobs.Sql;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code import neuroinsight} (issue 13) against a real PostgreSQL database in the reference's
 * schema and a real data/ directory on the same filesystem as ours; the target is H2 or PostgreSQL
 * by subclass. Every test checks what was moved and also what must stay where it is.
 */
abstract class NeuroInsightImportIT extends StorekeeperIT {

  static final Path SOURCE = Path.of("target/it/neuroinsight/data");

  /** Outside --source-data: what hostile paths and links point at, never to be touched. */
  static final Path OUTSIDE = Path.of("target/it/neuroinsight/outside");

  @Autowired NeuroInsightImport importer;
  @Autowired JobRepository jobs;
  @Autowired MetricRepository metrics;
  @Autowired CleanupService cleanup;
  ReferenceApp ref;

  /** A file of someone else's, outside --source-data. */
  Path secret;

  @BeforeEach
  void reference() throws IOException {
    jdbc.sql("delete from neuroinsight_imports").update();
    ref = new ReferenceApp(SOURCE);
    ref.reset();
    if (Files.exists(OUTSIDE)) {
      deleteTree(OUTSIDE);
    }
    Files.createDirectories(OUTSIDE);
    secret = OUTSIDE.resolve("secret.txt");
    Files.writeString(secret, "not yours");
  }

  @AfterEach
  void noSeams() {
    importer.checkpoint = step -> {};
    importer.copyOnly = false;
  }

  ImportReport run(boolean dryRun, boolean skipRunning) {
    try (NeuroInsightSource source = NeuroInsightSource.open(ReferenceApp.url(), "postgres", "")) {
      return importer.run(source, new NeuroInsightImport.Options(SOURCE, dryRun, skipRunning));
    }
  }

  ImportReport run() {
    return run(false, false);
  }

  ImportReport dry() {
    return run(true, false);
  }

  Item item(ImportReport report, UUID id) {
    return report.items().stream().filter(i -> i.jobId().equals(id)).findFirst().orElseThrow();
  }

  Job job(UUID id) {
    return jobs.findById(id).orElseThrow();
  }

  Path uploadIn(UUID id, String name) {
    return layout.uploadsRoot().resolve(StorageLayout.uploadName(id, name));
  }

  /** Every file under a directory with its content, for "nothing changed". */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.toList()) {
        if (Files.isSymbolicLink(path)) {
          files.put(root.relativize(path).toString(), "-> " + Files.readSymbolicLink(path));
        } else if (Files.isRegularFile(path)) {
          files.put(root.relativize(path).toString(), Files.readString(path));
        } else if (!path.equals(root)) {
          files.put(root.relativize(path) + "/", "");
        }
      }
    }
    return files;
  }

  record Snapshot(
      List<Map<String, Object>> jobs,
      List<Map<String, Object>> metrics,
      List<Map<String, Object>> imports,
      Map<String, String> source,
      Map<String, String> uploads,
      Map<String, String> outputs,
      Map<String, String> outside) {}

  Snapshot snapshot() throws IOException {
    return new Snapshot(
        jdbc.sql("select * from jobs order by id").query().listOfRows(),
        jdbc.sql("select job_id, name, \"value\" from metrics order by job_id, name")
            .query()
            .listOfRows(),
        jdbc.sql("select * from neuroinsight_imports order by job_id").query().listOfRows(),
        tree(SOURCE),
        tree(layout.uploadsRoot()),
        tree(layout.outputsRoot()),
        tree(OUTSIDE));
  }

  // ---- the mapping ----------------------------------------------------------------------------

  @Test
  void importsFinishedJobsWithTheirStatusTimesMetricsAndFiles() throws IOException {
    RefJob completed =
        ref.job("COMPLETED")
            .named("brain scan.nii.gz")
            .region("CA1")
            .region("Hippocampus")
            .insert();
    RefJob failed =
        ref.job("FAILED")
            .error("FreeSurfer exited with 1")
            .noOutputs()
            .step("segmentation")
            .insert();
    RefJob cancelled = ref.job("CANCELLED").noOutputs().progress(40).insert();

    ImportReport report = run();

    assertThat(report.counts().imported()).isEqualTo(3);
    assertThat(report.counts().failed()).isZero();
    assertThat(report.anyFailed()).isFalse();

    Job done = job(completed.id());
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.filename()).isEqualTo("brain scan.nii.gz");
    assertThat(done.createdAt()).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
    assertThat(done.startedAt()).isEqualTo(Instant.parse("2026-05-01T10:00:05Z"));
    assertThat(done.completedAt()).isEqualTo(Instant.parse("2026-05-01T10:30:00Z"));
    assertThat(done.held()).isFalse();
    Path upload = uploadIn(completed.id(), "brain scan.nii.gz");
    assertThat(done.filePath()).isEqualTo(upload.toString());
    assertThat(upload).hasContent("NIfTI-bytes");
    assertThat(completed.upload()).doesNotExist();
    Path output = layout.outputDir(completed.id());
    assertThat(done.resultPath()).isEqualTo(output.resolve("results.json").toString());
    assertThat(output.resolve("results.json")).hasContent("{\"ok\":true}");
    assertThat(output.resolve("visualizations/slice_00.png")).hasContent("png-bytes-0");
    assertThat(completed.outputDir()).doesNotExist();
    assertThat(done.uploadBytes()).isEqualTo("NIfTI-bytes".length());
    assertThat(done.outputBytes()).isEqualTo("{\"ok\":true}".length() + "png-bytes-0".length());

    List<Metric> rows = metrics.findByJob(completed.id());
    assertThat(rows)
        .extracting(Metric::name)
        .containsExactlyInAnyOrder(
            "CA1.left_volume",
            "CA1.right_volume",
            "CA1.asymmetry_index",
            "Hippocampus.left_volume",
            "Hippocampus.right_volume",
            "Hippocampus.asymmetry_index");
    assertThat(rows)
        .filteredOn(m -> m.name().equals("CA1.left_volume"))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.value()).isEqualTo(1000.5);
              assertThat(m.createdAt()).isEqualTo(Instant.parse("2026-05-01T10:01:00Z"));
            });
    assertThat(rows)
        .filteredOn(m -> m.name().equals("Hippocampus.asymmetry_index"))
        .singleElement()
        .satisfies(m -> assertThat(m.value()).isEqualTo(0.02));
    assertThat(item(report, completed.id()).metrics()).isEqualTo(6);
    assertThat(item(report, completed.id()).files()).isEqualTo(3);

    Job fail = job(failed.id());
    assertThat(fail.status()).isEqualTo(JobStatus.FAILED);
    assertThat(fail.errorMessage()).isEqualTo("FreeSurfer exited with 1");
    assertThat(fail.completedAt()).isEqualTo(Instant.parse("2026-05-01T10:30:00Z"));
    assertThat(fail.currentStep()).isEqualTo("segmentation");
    assertThat(fail.resultPath()).isNull();

    Job cancel = job(cancelled.id());
    assertThat(cancel.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancel.progress()).isEqualTo(40);
    assertThat(cancel.completedAt())
        .as("no completion time in the source: the import's, so retention counts from it")
        .isEqualTo(clock.instant());
  }

  @Test
  void statisticsCountTheImportedBytesAtOnce() {
    RefJob completed = ref.job("COMPLETED").insert();

    run();

    long expectedOutput = "{\"ok\":true}".length() + "png-bytes-0".length();
    Map<String, Object> totals =
        jdbc.sql(
                """
                select sum(jobs) as jobs, sum(upload_bytes) as upload_bytes,
                       sum(output_bytes) as output_bytes
                  from job_totals where name = 'completed'
                """)
            .query()
            .singleRow();
    assertThat(((Number) totals.get("jobs")).longValue()).isEqualTo(1);
    assertThat(((Number) totals.get("upload_bytes")).longValue()).isEqualTo("NIfTI-bytes".length());
    assertThat(((Number) totals.get("output_bytes")).longValue()).isEqualTo(expectedOutput);
    assertThat(
            jdbc.sql("select coalesce(sum(jobs), 0) from job_totals where name = 'held'")
                .query(Long.class)
                .single())
        .as("the import's hold is lifted")
        .isZero();
    assertThat(job(completed.id()).held()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"RUNNING", "PENDING"})
  void unfinishedJobsBecomeFailedWithTheReason(String status) {
    RefJob unfinished = ref.job(status).noOutputs().progress(30).insert();

    ImportReport report = run();

    Job imported = job(unfinished.id());
    assertThat(imported.status()).isEqualTo(JobStatus.FAILED);
    assertThat(imported.errorMessage())
        .contains("in NeuroInsight when it was imported")
        .contains("worker is gone")
        .contains("Upload the file again");
    assertThat(imported.completedAt()).isEqualTo(clock.instant());
    assertThat(uploadIn(unfinished.id(), "scan.nii.gz")).exists();
    assertThat(item(report, unfinished.id()).outcome()).isEqualTo(ImportReport.IMPORTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"RUNNING", "PENDING"})
  void skipRunningLeavesUnfinishedJobsAndTheirFilesOut(String status) {
    RefJob unfinished = ref.job(status).noOutputs().insert();
    RefJob completed = ref.job("COMPLETED").insert();

    ImportReport report = run(false, true);

    assertThat(jobs.findById(unfinished.id())).isEmpty();
    assertThat(unfinished.upload()).exists();
    assertThat(item(report, unfinished.id()).outcome()).isEqualTo(ImportReport.SKIPPED);
    assertThat(item(report, unfinished.id()).reason()).contains("--skip-running");
    assertThat(job(completed.id()).status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(report.anyFailed()).isFalse();
  }

  // ---- dry run and reruns ----------------------------------------------------------------------

  @Test
  void aDryRunChangesNothingAndListsExactlyWhatTheImportThenDoes() throws IOException {
    ref.job("COMPLETED").region("CA1").insert();
    ref.job("FAILED").noOutputs().insert();
    ref.job("RUNNING").noOutputs().insert();
    ref.job("COMPLETED").filePath("/etc/passwd").insert();
    Snapshot before = snapshot();

    ImportReport dry = dry();

    assertThat(snapshot()).isEqualTo(before);
    assertThat(dry.dryRun()).isTrue();
    ImportReport real = run();
    assertThat(strip(dry.items())).isEqualTo(strip(real.items()));
    assertThat(dry.counts()).isEqualTo(real.counts());
    assertThat(real.counts().imported()).isEqualTo(3);
    assertThat(real.counts().failed()).isEqualTo(1);
  }

  /** Everything but the reason, whose wording says "would". */
  static List<List<Object>> strip(List<Item> items) {
    return items.stream()
        .map(
            i ->
                List.<Object>of(
                    i.jobId(),
                    i.outcome(),
                    String.valueOf(i.status()),
                    i.metrics(),
                    i.files(),
                    i.bytes(),
                    String.valueOf(i.upload()),
                    String.valueOf(i.output())))
        .toList();
  }

  @Test
  void aSecondRunImportsNothingNewAndSaysSo() throws IOException {
    RefJob completed = ref.job("COMPLETED").region("CA1").insert();
    ref.job("FAILED").noOutputs().insert();
    run();
    Snapshot after = snapshot();

    ImportReport again = run();

    assertThat(snapshot()).isEqualTo(after);
    assertThat(again.counts().present()).isEqualTo(2);
    assertThat(again.counts().imported()).isZero();
    assertThat(item(again, completed.id()).reason()).contains("imported by an earlier run");
    assertThat(metrics.findByJob(completed.id())).hasSize(3);
  }

  // ---- crashes ---------------------------------------------------------------------------------

  /** Stops the import the way a kill does: nothing after it runs, nothing is cleaned up. */
  static final class Killed extends Error {}

  @ParameterizedTest
  @ValueSource(strings = {"rows", "upload", "output"})
  void aRerunAfterAKillAtAnyStepConverges(String step) throws IOException {
    RefJob first = ref.job("COMPLETED").region("CA1").insert();
    importer.checkpoint =
        at -> {
          if (at.equals(step)) {
            throw new Killed();
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Killed.class);
    importer.checkpoint = at -> {};
    Job halfway = job(first.id());
    assertThat(halfway.held()).as("held while its files are on their way").isTrue();

    ImportReport rerun = run();

    assertThat(item(rerun, first.id()).outcome()).isEqualTo(ImportReport.IMPORTED);
    Job done = job(first.id());
    assertThat(done.held()).isFalse();
    assertThat(Path.of(done.filePath())).hasContent("NIfTI-bytes");
    assertThat(Path.of(done.resultPath())).hasContent("{\"ok\":true}");
    assertThat(first.upload()).doesNotExist();
    assertThat(first.outputDir()).doesNotExist();
    assertThat(metrics.findByJob(first.id())).hasSize(3);
    assertThat(jdbc.sql("select count(*) from jobs").query(Long.class).single()).isEqualTo(1);
    assertThat(run().counts().present()).isEqualTo(1);
  }

  @Test
  void aHalfImportedOldJobIsKeptByRetentionAndTheOrphanSweep() throws IOException {
    RefJob old = ref.job("COMPLETED").completed(Instant.parse("2024-01-01T00:00:00Z")).insert();
    Fixtures.touch(old.upload(), Instant.parse("2024-01-01T00:00:00Z"));
    importer.checkpoint =
        at -> {
          if (at.equals("upload")) {
            throw new Killed();
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Killed.class);
    importer.checkpoint = at -> {};

    CleanupRun real = cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);

    assertThat(real.counts().completedJobs()).isZero();
    assertThat(jobs.findById(old.id())).isPresent();
    assertThat(uploadIn(old.id(), "scan.nii.gz")).exists();
    run();
    assertThat(job(old.id()).held()).isFalse();
    assertThat(layout.outputDir(old.id()).resolve("results.json")).exists();
  }

  @Test
  void aJobDeletedWhileItsImportWasInterruptedIsNotBroughtBack() throws IOException {
    RefJob old = ref.job("COMPLETED").completed(Instant.parse("2024-01-01T00:00:00Z")).insert();
    importer.checkpoint =
        at -> {
          if (at.equals("rows")) {
            throw new Killed();
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Killed.class);
    importer.checkpoint = at -> {};
    // an operator lifts the import's hold: retention may now take the job
    jdbc.sql("update jobs set held_at = null, held_by = null, hold_reason = null").update();
    cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
    assertThat(jobs.findById(old.id())).isEmpty();

    ImportReport rerun = run();

    assertThat(jobs.findById(old.id())).isEmpty();
    assertThat(item(rerun, old.id()).outcome()).isEqualTo(ImportReport.SKIPPED);
    assertThat(old.upload()).as("left in the source").exists();
    assertThat(old.outputDir()).exists();
  }

  @Test
  void aJobImportedThenDeletedByRetentionIsNotImportedAgain() {
    RefJob old = ref.job("COMPLETED").completed(Instant.parse("2024-01-01T00:00:00Z")).insert();
    run();
    CleanupRun real = cleanup.run(CleanupRequest.full(Trigger.CLI, false), CleanupProgress.NONE);
    assertThat(real.counts().completedJobs()).isEqualTo(1);
    assertThat(jobs.findById(old.id())).isEmpty();

    ImportReport rerun = run();

    assertThat(item(rerun, old.id()).outcome()).isEqualTo(ImportReport.PRESENT);
    assertThat(item(rerun, old.id()).reason()).contains("deleted from Storekeeper since");
    assertThat(jobs.findById(old.id())).isEmpty();
  }

  @Test
  void anOperatorsHoldPlacedDuringTheImportOutlivesIt() {
    RefJob job = ref.job("COMPLETED").insert();
    importer.checkpoint =
        at -> {
          if (at.equals("rows")) {
            jdbc.sql("update jobs set held_by = 'cli', hold_reason = 'audit' where id = :id")
                .param("id", job.id())
                .update();
          }
        };

    run();

    Job imported = job(job.id());
    assertThat(imported.held()).isTrue();
    assertThat(imported.holdReason()).isEqualTo("audit");
    assertThat(layout.outputDir(job.id()).resolve("results.json")).exists();
  }

  // ---- across filesystems ----------------------------------------------------------------------

  @Test
  void acrossFilesystemsFilesAreCopiedVerifiedAndTheSourceKept() throws IOException {
    RefJob completed = ref.job("COMPLETED").insert();
    importer.copyOnly = true;

    ImportReport report = run();

    assertThat(item(report, completed.id()).reason()).contains("copied").contains("kept");
    Job done = job(completed.id());
    assertThat(Path.of(done.filePath())).hasContent("NIfTI-bytes");
    assertThat(layout.outputDir(completed.id()).resolve("visualizations/slice_00.png"))
        .hasContent("png-bytes-0");
    assertThat(completed.upload()).hasContent("NIfTI-bytes");
    assertThat(completed.outputDir().resolve("results.json")).exists();
    assertThat(layout.uploadsRoot().resolve(StorageLayout.tempUploadName(completed.id())))
        .doesNotExist();
    assertThat(run().counts().present()).isEqualTo(1);
  }

  @Test
  void aCopyKeepsTheModificationTimesARenameWouldKeep() throws IOException {
    RefJob completed = ref.job("COMPLETED").insert();
    FileTime old = FileTime.from(Instant.parse("2025-03-01T10:15:30Z"));
    Files.setLastModifiedTime(completed.upload(), old);
    Path result = completed.outputDir().resolve("results.json");
    Files.setLastModifiedTime(result, old);
    Files.setLastModifiedTime(completed.outputDir(), old);
    importer.copyOnly = true;

    run();

    Job done = job(completed.id());
    assertThat(Files.getLastModifiedTime(Path.of(done.filePath()))).isEqualTo(old);
    assertThat(Files.getLastModifiedTime(layout.outputDir(completed.id()).resolve("results.json")))
        .isEqualTo(old);
    assertThat(Files.getLastModifiedTime(layout.outputDir(completed.id()))).isEqualTo(old);
  }

  @Test
  void anInterruptedCopyIsRedoneOnTheRerun() throws IOException {
    RefJob completed = ref.job("COMPLETED").insert();
    importer.copyOnly = true;
    importer.checkpoint =
        at -> {
          if (at.equals("upload")) {
            throw new Killed();
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Killed.class);
    importer.checkpoint = at -> {};
    // a copy of the outputs cut short: one file, truncated
    Path partial = layout.outputDir(completed.id()).resolve("results.json");
    Files.createDirectories(partial.getParent());
    Files.writeString(partial, "{\"o");

    ImportReport rerun = run();

    assertThat(item(rerun, completed.id()).outcome()).isEqualTo(ImportReport.IMPORTED);
    assertThat(partial).hasContent("{\"ok\":true}");
    assertThat(layout.outputDir(completed.id()).resolve("visualizations/slice_00.png"))
        .hasContent("png-bytes-0");
    assertThat(job(completed.id()).held()).isFalse();
  }

  // ---- hostile input ---------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "../../outside/secret.txt",
        "/app/data/uploads/../../../outside/secret.txt",
        "uploads/..",
        "",
        "/app/data/other/x_scan.nii.gz"
      })
  void aFilePathOutsideTheUploadsIsRefusedAndNothingOutsideTouched(String filePath)
      throws IOException {
    RefJob hostile = ref.job("COMPLETED").filePath(filePath).insert();
    RefJob fine = ref.job("COMPLETED").insert();
    Map<String, String> outside = tree(OUTSIDE);

    ImportReport report = run();

    assertThat(item(report, hostile.id()).outcome()).isEqualTo(ImportReport.FAILED);
    assertThat(item(report, hostile.id()).reason()).contains("file_path");
    assertThat(jobs.findById(hostile.id())).isEmpty();
    assertThat(hostile.upload()).exists();
    assertThat(hostile.outputDir()).exists();
    assertThat(tree(OUTSIDE)).isEqualTo(outside);
    assertThat(job(fine.id()).status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(report.anyFailed()).isTrue();
  }

  @Test
  void aResultPathIntoAnotherJobsOutputsIsRefused() {
    RefJob other = ref.job("COMPLETED").insert();
    RefJob hostile =
        ref.job("COMPLETED")
            .resultPath("/app/data/outputs/" + other.id() + "/results.json")
            .insert();

    ImportReport report = run();

    assertThat(item(report, hostile.id()).reason()).contains("result_path");
    assertThat(jobs.findById(hostile.id())).isEmpty();
    assertThat(hostile.outputDir()).exists();
    assertThat(job(other.id()).status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void aSymlinkedUploadIsRefusedAndNotFollowed() throws IOException {
    String entry = UUID.randomUUID() + "_scan.nii.gz";
    Files.createSymbolicLink(ref.uploads().resolve(entry), secret.toAbsolutePath());
    RefJob linked = ref.job("COMPLETED").noUpload().filePath("/app/data/uploads/" + entry).insert();

    ImportReport report = run();

    assertThat(item(report, linked.id()).reason()).contains("symbolic link");
    assertThat(jobs.findById(linked.id())).isEmpty();
    assertThat(Files.isSymbolicLink(ref.uploads().resolve(entry))).isTrue();
    assertThat(secret).hasContent("not yours");
    assertThat(tree(layout.uploadsRoot())).isEmpty();
  }

  @Test
  void aHardLinkedUploadIsRefused() throws IOException {
    String entry = UUID.randomUUID() + "_scan.nii.gz";
    Files.createLink(ref.uploads().resolve(entry), secret);
    RefJob linked = ref.job("COMPLETED").noUpload().filePath("/app/data/uploads/" + entry).insert();

    ImportReport report = run();

    assertThat(item(report, linked.id()).reason()).contains("more than one link");
    assertThat(jobs.findById(linked.id())).isEmpty();
    assertThat(ref.uploads().resolve(entry)).exists();
    assertThat(secret).hasContent("not yours");
  }

  @Test
  void anInterruptedJobTheCleanupIsDeletingIsNotFedItsFiles() {
    RefJob job = ref.job("COMPLETED").insert();
    importer.checkpoint =
        at -> {
          if (at.equals("rows")) {
            throw new Killed();
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Killed.class);
    importer.checkpoint = at -> {};
    jdbc.sql("update jobs set status = 'deleting', held_at = null, held_by = null").update();

    ImportReport rerun = run();

    assertThat(item(rerun, job.id()).outcome()).isEqualTo(ImportReport.SKIPPED);
    assertThat(job.upload()).exists();
    assertThat(job.outputDir()).exists();
    assertThat(layout.outputDir(job.id())).doesNotExist();
  }

  @Test
  void aSymlinkInsideTheOutputsIsRefused() throws IOException {
    RefJob linked = ref.job("COMPLETED").insert();
    Files.createSymbolicLink(linked.outputDir().resolve("leak"), OUTSIDE.toAbsolutePath());

    ImportReport report = run();

    assertThat(item(report, linked.id()).reason()).contains("leak").contains("symbolic link");
    assertThat(jobs.findById(linked.id())).isEmpty();
    assertThat(linked.upload()).exists();
    assertThat(tree(layout.outputsRoot())).isEmpty();
    assertThat(secret).hasContent("not yours");
  }

  @Test
  void anOutputDirectoryThatIsALinkIsRefused() throws IOException {
    RefJob linked = ref.job("COMPLETED").noOutputs().insert();
    Files.createSymbolicLink(linked.outputDir(), OUTSIDE.toAbsolutePath());

    ImportReport report = run();

    assertThat(item(report, linked.id()).reason()).contains("symbolic link");
    assertThat(jobs.findById(linked.id())).isEmpty();
    assertThat(secret).hasContent("not yours");
    assertThat(OUTSIDE.resolve("secret.txt")).exists();
  }

  @Test
  void aMissingUploadIsRefused() {
    RefJob missing = ref.job("COMPLETED").noUpload().insert();

    ImportReport report = run();

    assertThat(item(report, missing.id()).reason()).contains("does not exist");
    assertThat(jobs.findById(missing.id())).isEmpty();
    assertThat(missing.outputDir()).as("its outputs stay in the source").exists();
  }

  @Test
  void weirdNamesAreImportedUnderASafeName() throws IOException {
    String weird = "scan\nrm -rf ~; $(reboot) ünïcødé 脑.nii.gz";
    RefJob odd = ref.job("COMPLETED").named(weird).insert();

    ImportReport report = run();

    Job imported = job(odd.id());
    assertThat(imported.filename()).isEqualTo(weird);
    String name = Path.of(imported.filePath()).getFileName().toString();
    assertThat(name).startsWith(odd.id() + "_").matches("[A-Za-z0-9._-]+");
    assertThat(Path.of(imported.filePath())).hasContent("NIfTI-bytes");
    assertThat(item(report, odd.id()).filename()).isEqualTo(weird);
  }

  @Test
  void anIdAlreadyInStorekeeperAsAnotherJobIsRefused() throws IOException {
    RefJob clash = ref.job("COMPLETED").insert();
    jdbc.sql(
            """
            insert into jobs (id, filename, file_path, status, created_at, completed_at)
            values (:id, 'ours.csv', :path, 'completed', :at, :at)
            """)
        .param("id", clash.id())
        .param("path", uploadIn(clash.id(), "ours.csv").toString())
        .param("at", Sql.ts(clock.instant()))
        .update();
    Fixtures.write(uploadIn(clash.id(), "ours.csv"), "ours");
    Snapshot before = snapshot();

    ImportReport report = run();

    assertThat(item(report, clash.id()).outcome()).isEqualTo(ImportReport.FAILED);
    assertThat(item(report, clash.id()).reason()).contains("already in Storekeeper");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(job(clash.id()).filename()).isEqualTo("ours.csv");
    assertThat(metrics.findByJob(clash.id())).isEmpty();
  }

  @Test
  void aSourceOverlappingOurDataDirectoryIsRefused() {
    try (NeuroInsightSource source = NeuroInsightSource.open(ReferenceApp.url(), "postgres", "")) {
      assertThatThrownBy(
              () ->
                  importer.run(
                      source, new NeuroInsightImport.Options(layout.dataDir(), true, false)))
          .isInstanceOf(dev.storekeeper.InvalidInputException.class)
          .hasMessageContaining("--source-data");
    }
  }

  @Test
  void aDatabaseNotInTheReferenceSchemaIsRefusedNamingWhatIsWrong() {
    ref.sql("alter table metrics drop column asymmetry_index");
    ref.sql("alter table jobs alter column created_at type timestamp with time zone");

    assertThatThrownBy(() -> NeuroInsightSource.open(ReferenceApp.url(), "postgres", ""))
        .isInstanceOf(SourceSchemaException.class)
        .hasMessageContaining("metrics has no column asymmetry_index")
        .hasMessageContaining("jobs.created_at is timestamp with time zone");
  }

  // ---- after the import: the cleanup sees imported jobs as its own ------------------------------

  @Test
  void afterTheImportRetentionListsExpiredJobsKeepsYoungOnesAndFindsNoOrphans() throws IOException {
    Instant longAgo = Instant.parse("2024-01-01T00:00:00Z");
    RefJob expired = ref.job("COMPLETED").created(longAgo).completed(longAgo).insert();
    RefJob young =
        ref.job("COMPLETED")
            .created(clock.instant().minus(Duration.ofDays(2)))
            .completed(clock.instant().minus(Duration.ofDays(1)))
            .insert();
    for (RefJob job : List.of(expired, young)) {
      Fixtures.touch(job.upload(), longAgo);
      Fixtures.touch(job.outputDir().resolve("results.json"), longAgo);
      Fixtures.touch(job.outputDir(), longAgo);
    }
    run();

    CleanupRun dry = cleanup.run(CleanupRequest.full(Trigger.CLI, true), CleanupProgress.NONE);

    List<CleanupItem> items = cleanup.items(dry.id(), 0, 100);
    assertThat(items)
        .filteredOn(item -> item.category() == Category.COMPLETED_JOB)
        .extracting(CleanupItem::jobId)
        .containsExactly(expired.id());
    assertThat(items)
        .filteredOn(
            item ->
                item.category() == Category.ORPHAN_UPLOAD
                    || item.category() == Category.ORPHAN_OUTPUT
                    || item.category() == Category.UNRECOGNIZED)
        .isEmpty();
    assertThat(dry.counts().orphanedUploads()).isZero();
    assertThat(dry.counts().orphanedOutputs()).isZero();
    assertThat(Files.exists(uploadIn(young.id(), "scan.nii.gz"), LinkOption.NOFOLLOW_LINKS))
        .isTrue();
  }
}
