package dev.storekeeper.cli;

import static dev.storekeeper.jobs.JobStatus.CANCELLED;
import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Undeletable;
import dev.storekeeper.cli.CliProcess.Result;
import dev.storekeeper.jobs.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator CLI as an operator runs it: the built jar in its own process, against a real
 * database and data directory, checked by its stdout, stderr and exit code. Runs on H2 and
 * PostgreSQL through its subclasses. Configured retention (the defaults): completed 30 days, failed
 * and cancelled 7 days, orphans 24 h.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliIT {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /** Fields of the run result that docs/cli.md documents. */
  static final List<String> DOCUMENTED_FIELDS =
      List.of(
          "run_id",
          "dry_run",
          "outcome",
          "completed_jobs",
          "failed_jobs",
          "cancelled_jobs",
          "metrics_deleted",
          "upload_files_deleted",
          "output_dirs_deleted",
          "orphaned_uploads",
          "orphaned_outputs",
          "bytes_freed",
          "errors",
          "duration_ms",
          "storage_stats",
          "items_total",
          "items");

  /** The working directory of the processes and the data directory's parent, one per class. */
  Path scratch;

  CliDatabase database;

  abstract CliDatabase database(Path dataDir);

  @BeforeAll
  void createStore(@TempDir Path scratch) {
    this.scratch = scratch;
    database = database(scratch.resolve("data"));
    database.migrate();
  }

  @BeforeEach
  void emptyStore() throws IOException {
    database.reset();
    empty(database.layout().uploadsRoot());
    empty(database.layout().outputsRoot());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  Result cleanup(String... args) {
    return cleanup(Map.of(), args);
  }

  Result cleanup(Map<String, String> env, String... args) {
    List<String> all = new ArrayList<>(List.of("cleanup"));
    all.addAll(List.of(args));
    return new CliProcess(scratch)
        .env(database.env())
        .env(env)
        .unpacked(all.toArray(String[]::new));
  }

  Result stats(String... args) {
    List<String> all = new ArrayList<>(List.of("stats"));
    all.addAll(List.of(args));
    return new CliProcess(scratch).env(database.env()).unpacked(all.toArray(String[]::new));
  }

  /** Any of the jar's commands, as {@code java -jar storekeeper.jar <args>}. */
  Result command(String... args) {
    return new CliProcess(scratch).env(database.env()).unpacked(args);
  }

  static Instant ago(Duration duration) {
    return Instant.now().minus(duration);
  }

  static JsonNode json(Result result) {
    assertThat(result.stdout().strip())
        .as("one JSON document: %s", result)
        .startsWith("{")
        .endsWith("}");
    return JSON.readTree(result.stdout());
  }

  /** One job or file of every kind, old enough or not to go. */
  record Store(
      CreatedJob oldCompleted,
      CreatedJob recentCompleted,
      CreatedJob oldFailed,
      CreatedJob oldCancelled,
      CreatedJob running,
      Path orphanUpload,
      Path orphanOutput,
      Path unrecognized) {}

  Store seed() {
    return database.with(
        db -> {
          Fixtures f = db.fixtures();
          Path unrecognized = database.layout().uploadsRoot().resolve("notes.txt");
          Fixtures.write(unrecognized, "not ours");
          Fixtures.touch(unrecognized, ago(Duration.ofHours(48)));
          return new Store(
              f.aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create(),
              f.aJob(COMPLETED).finishedAt(ago(Duration.ofDays(1))).create(),
              f.aJob(FAILED).finishedAt(ago(Duration.ofDays(10))).create(),
              f.aJob(CANCELLED).finishedAt(ago(Duration.ofDays(10))).create(),
              f.aJob(RUNNING).create(),
              f.orphanUpload(ago(Duration.ofHours(48))),
              f.orphanOutput(ago(Duration.ofHours(48))),
              unrecognized);
        });
  }

  boolean intact(CreatedJob job) {
    return database.with(db -> db.fixtures().intact(job));
  }

  boolean gone(CreatedJob job) {
    return database.with(db -> db.fixtures().gone(job));
  }

  boolean rowExists(CreatedJob job) {
    return database.with(db -> db.fixtures().rowExists(job.id()));
  }

  /** What identifies an item across a dry and a real run. */
  record ItemKey(String category, String jobId, String path, long bytes, long metrics) {
    static ItemKey of(JsonNode item) {
      return new ItemKey(
          item.path("category").asString(),
          item.path("job_id").isNull() ? null : item.path("job_id").asString(),
          item.path("path").isNull() ? null : item.path("path").asString(),
          item.path("bytes").asLong(),
          item.path("metrics").asLong());
    }
  }

  static List<ItemKey> items(JsonNode report) {
    List<ItemKey> keys = new ArrayList<>();
    report.path("items").forEach(item -> keys.add(ItemKey.of(item)));
    return keys;
  }

  static void empty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        try (Stream<Path> walk = Files.walk(entry)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }

  // ---- dry run and real run ---------------------------------------------------------------------

  @Test
  void dryRunReportsExactlyTheItemsTheRealRunThenDeletes() {
    Store store = seed();

    Result dry = cleanup("--dry-run", "--json", "--list");

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stderr()).isEmpty();
    JsonNode planned = json(dry);
    assertThat(DOCUMENTED_FIELDS)
        .allSatisfy(field -> assertThat(planned.has(field)).as(field).isTrue());
    assertThat(planned.path("dry_run").asBoolean()).isTrue();
    assertThat(planned.path("trigger").asString()).isEqualTo("cli");
    assertThat(planned.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(planned.path("completed_jobs").asInt()).isEqualTo(1);
    assertThat(planned.path("failed_jobs").asInt()).isEqualTo(1);
    assertThat(planned.path("cancelled_jobs").asInt()).isEqualTo(1);
    assertThat(planned.path("metrics_deleted").asInt()).isEqualTo(6);
    assertThat(planned.path("upload_files_deleted").asInt()).isEqualTo(3);
    assertThat(planned.path("output_dirs_deleted").asInt()).isEqualTo(3);
    assertThat(planned.path("orphaned_uploads").asInt()).isEqualTo(1);
    assertThat(planned.path("orphaned_outputs").asInt()).isEqualTo(1);
    assertThat(planned.path("unrecognized_found").asInt()).isEqualTo(1);
    assertThat(planned.path("bytes_freed").asLong()).isEqualTo(3 * 28 + 6 + 2);
    assertThat(planned.path("errors").size()).isZero();
    assertThat(planned.path("duration_ms").isNumber()).isTrue();
    assertThat(planned.path("storage_stats").path("uploads").has("size_bytes")).isTrue();
    assertThat(planned.path("items_total").asInt()).isEqualTo(6);
    assertThat(planned.path("items"))
        .allSatisfy(
            item -> assertThat(item.path("result").asString()).isIn("would_delete", "kept"));
    assertThat(intact(store.oldCompleted())).isTrue();
    assertThat(store.orphanUpload()).exists();

    Result real = cleanup("--json", "--list");

    assertThat(real.exitCode()).as("%s", real).isZero();
    JsonNode done = json(real);
    assertThat(done.path("dry_run").asBoolean()).isFalse();
    assertThat(done.path("run_id").asString()).isNotEqualTo(planned.path("run_id").asString());
    assertThat(items(done)).containsExactlyInAnyOrderElementsOf(items(planned));
    assertThat(done.path("bytes_freed").asLong()).isEqualTo(planned.path("bytes_freed").asLong());
    assertThat(gone(store.oldCompleted())).isTrue();
    assertThat(gone(store.oldFailed())).isTrue();
    assertThat(gone(store.oldCancelled())).isTrue();
    assertThat(intact(store.recentCompleted())).isTrue();
    assertThat(rowExists(store.running())).isTrue();
    assertThat(store.orphanUpload()).doesNotExist();
    assertThat(store.orphanOutput()).doesNotExist();
    assertThat(store.unrecognized()).exists();
  }

  /** Issue 11, section 4: the CLI prints the API's documents, paths relative to the data layout. */
  @Test
  void jsonAndListShowPathsRelativeToTheDataLayoutNeverTheServersAbsolutePaths() {
    seed();
    Path elsewhere = scratch.resolve("imported").resolve("2024-scan.csv");
    database.with(
        db -> {
          CreatedJob job =
              db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create();
          Fixtures.write(elsewhere, "imported, not in uploads/");
          return db.jdbc()
              .sql("update jobs set file_path = :path where id = :id")
              .param("path", elsewhere.toString())
              .param("id", job.id())
              .update();
        });

    Result json = cleanup("--dry-run", "--json", "--list");
    Result human = cleanup("--dry-run", "--list");

    for (Result result : List.of(json, human)) {
      assertThat(result.stdout())
          .as("%s", result)
          .doesNotContain(database.layout().dataDir().toString())
          .doesNotContain(scratch.toString());
      assertThat(result.stderr()).doesNotContain(scratch.toString());
    }
    assertThat(json(json).path("items"))
        .isNotEmpty()
        .allSatisfy(
            item -> assertThat(item.path("path").asString()).matches("(uploads|outputs)/.+|[^/]+"));
    assertThat(human.stdout()).contains("uploads/notes.txt");
  }

  @Test
  void humanReportShowsStorageEachCategoryTheSpaceFreedTheRunAndItsDuration() {
    Store store = seed();

    Result dry = cleanup("--dry-run", "--list");

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stderr()).as("nothing but the result: %s", dry).isEmpty();
    assertThat(dry.stdout())
        .contains("Storage before:  uploads 5 (40 B), outputs 5 (100 B), total 140 B")
        .contains("Would delete (dry run: nothing was deleted):")
        .containsPattern("completed jobs +1  \\(older than 30 days\\)")
        .containsPattern("failed jobs +1  \\(older than 7 days\\)")
        .containsPattern("cancelled jobs +1  \\(older than 7 days\\)")
        .containsPattern("orphaned uploads +1  \\(untouched for 24 h\\)")
        .containsPattern("orphaned outputs +1")
        .contains("with them: 6 metric rows, 3 upload files, 3 output directories")
        .contains(
            "unrecognised entries: 1 found, 0 would be removed (--include-unrecognized removes"
                + " them)")
        .contains("Storage after:   unchanged (dry run)")
        .contains("Would free:      92 B")
        .containsPattern("Run: +[0-9a-f-]{36} \\(dry run\\), succeeded")
        .containsPattern("Duration: +[0-9.]+ m?s");
    // --list: every item with its id or path (relative to the data layout), age, size and reason
    assertThat(dry.stdout())
        .contains("Items (6):")
        .containsPattern(
            "would_delete +completed_job +40 days +28 B  "
                + store.oldCompleted().id()
                + "  completed 40 days ago; completed retention is 30 days")
        .containsPattern("would_delete +failed_job +10 days +28 B  " + store.oldFailed().id())
        .containsPattern("would_delete +cancelled_job +10 days +28 B  " + store.oldCancelled().id())
        .containsPattern(
            "would_delete +orphan_upload +2 days +6 B  uploads/"
                + store.orphanUpload().getFileName()
                + "  no job row for")
        .containsPattern(
            "would_delete +orphan_output +2 days +2 B  outputs/"
                + store.orphanOutput().getFileName())
        .containsPattern(
            "kept +unrecognized +2 days +8 B  uploads/"
                + store.unrecognized().getFileName()
                + "  name encodes no job id");

    Result real = cleanup();

    assertThat(real.exitCode()).as("%s", real).isZero();
    assertThat(real.stderr()).isEmpty();
    assertThat(real.stdout())
        .contains("Deleted:")
        .containsPattern("completed jobs +1")
        .contains("Storage after:   uploads 2 (16 B), outputs 2 (40 B), total 56 B")
        .contains("Space freed:     92 B")
        .containsPattern("Run: +[0-9a-f-]{36}, succeeded")
        .doesNotContain("Errors")
        .doesNotContain("Items");
  }

  @Test
  void listPagesThroughRunsOfMoreThanOnePage() {
    int orphans = 650;
    database.with(
        db -> {
          for (int i = 0; i < orphans; i++) {
            db.fixtures().orphanOutput(ago(Duration.ofDays(2)));
          }
          return null;
        });

    Result all = cleanup("--dry-run", "--orphaned-only", "--list", "--json");
    Result firstPage = cleanup("--dry-run", "--orphaned-only", "--json");

    JsonNode report = json(all);
    assertThat(report.path("items_total").asInt()).isEqualTo(orphans);
    assertThat(report.path("items").size()).isEqualTo(orphans);
    assertThat(report.path("items").get(orphans - 1).path("seq").asInt()).isEqualTo(orphans);
    assertThat(report.path("items_next").isNull()).isTrue();
    JsonNode first = json(firstPage);
    assertThat(first.path("items_total").asInt()).isEqualTo(orphans);
    assertThat(first.path("items").size())
        .as("as many as the HTTP API")
        .isEqualTo(CleanupCommand.JSON_ITEMS);
  }

  // ---- selectors and overrides ------------------------------------------------------------------

  @Test
  void selectorsCombineAndLeaveTheRestAlone() {
    Store store = seed();

    Result jobsOnly = cleanup("--dry-run", "--json", "--old-completed", "--old-failed");
    Result failed = cleanup("--old-failed", "--json");

    JsonNode plan = json(jobsOnly);
    assertThat(plan.path("parameters").path("orphans").asBoolean()).isFalse();
    assertThat(plan.path("completed_jobs").asInt()).isEqualTo(1);
    assertThat(plan.path("failed_jobs").asInt()).isEqualTo(1);
    assertThat(plan.path("orphaned_uploads").asInt()).isZero();
    assertThat(json(failed).path("completed_jobs").asInt()).isZero();
    assertThat(gone(store.oldFailed())).isTrue();
    assertThat(gone(store.oldCancelled())).isTrue();
    assertThat(intact(store.oldCompleted())).isTrue();
    assertThat(store.orphanUpload()).exists();

    Result completed = cleanup("--old-completed", "--quiet");

    assertThat(completed.exitCode()).isZero();
    assertThat(completed.stdout()).as("--quiet: nothing on success").isEmpty();
    assertThat(completed.stderr()).isEmpty();
    assertThat(gone(store.oldCompleted())).isTrue();
    assertThat(store.orphanUpload()).exists();

    Result orphans = cleanup("--orphaned-only", "--json");

    assertThat(json(orphans).path("orphaned_uploads").asInt()).isEqualTo(1);
    assertThat(store.orphanUpload()).doesNotExist();
    assertThat(store.orphanOutput()).doesNotExist();
    assertThat(intact(store.recentCompleted())).isTrue();
    assertThat(rowExists(store.running())).isTrue();
  }

  @Test
  void retentionOverridesApplyToThisRunOnly() {
    CreatedJob completed40 =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());
    CreatedJob failed10 =
        database.with(
            db -> db.fixtures().aJob(FAILED).finishedAt(ago(Duration.ofDays(10))).create());
    CreatedJob cancelled5 =
        database.with(
            db -> db.fixtures().aJob(CANCELLED).finishedAt(ago(Duration.ofDays(5))).create());

    Result result =
        cleanup("--completed-days", "60", "--failed-days=14", "--cancelled-days", "3", "--json");

    JsonNode report = json(result);
    assertThat(report.path("parameters").path("completed_days").asInt()).isEqualTo(60);
    assertThat(report.path("parameters").path("failed_days").asInt()).isEqualTo(14);
    assertThat(report.path("parameters").path("cancelled_days").asInt()).isEqualTo(3);
    assertThat(intact(completed40)).isTrue();
    assertThat(intact(failed10)).isTrue();
    assertThat(gone(cancelled5)).isTrue();
    assertThat(report.path("storage_stats").path("retention").path("completed_days").asInt())
        .as("the configured retention is unchanged")
        .isEqualTo(30);
  }

  @Test
  void includeUnrecognizedRemovesNamesThatAreNotOurs() {
    Store store = seed();

    Result result = cleanup("--orphaned-only", "--include-unrecognized", "--json");

    JsonNode report = json(result);
    assertThat(report.path("unrecognized_deleted").asInt()).isEqualTo(1);
    assertThat(store.unrecognized()).doesNotExist();
    assertThat(intact(store.oldCompleted())).isTrue();
  }

  // ---- exit codes -------------------------------------------------------------------------------

  @Test
  void partialRunExitsOneAndListsEachErrorWithItsItem() throws Exception {
    CreatedJob locked =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());
    Undeletable undeletable = Undeletable.plantIn(locked.outputDir().resolve("locked"));
    try {
      Result human = cleanup();

      assertThat(human.exitCode()).as("%s", human).isEqualTo(1);
      assertThat(human.stdout())
          .containsPattern("Run: +[0-9a-f-]{36}, partial")
          .contains("Errors (1):")
          .contains(locked.id() + ": ")
          .contains("locked.bin");

      Result quiet = cleanup("--quiet");

      assertThat(quiet.exitCode()).isEqualTo(1);
      assertThat(quiet.stdout()).isEmpty();
      assertThat(quiet.stderr()).contains("Errors (1):").contains(locked.id().toString());

      Result json = cleanup("--json");

      assertThat(json.exitCode()).isEqualTo(1);
      assertThat(json(json).path("outcome").asString()).isEqualTo("partial");
      assertThat(json(json).path("errors").get(0).asString()).startsWith(locked.id() + ": ");
    } finally {
      undeletable.release();
    }
  }

  /**
   * Its stored upload path is not in the uploads directory (imported, restored, placed by hand):
   * the job is deleted, the file it points at is left where it is, and the item says so.
   */
  @Test
  void aJobWhoseUploadLiesElsewhereIsDeletedAndItsFileLeftInPlace() {
    CreatedJob misplaced =
        database.with(
            db -> {
              CreatedJob job =
                  db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create();
              Path elsewhere = scratch.resolve("elsewhere").resolve(job.upload().getFileName());
              Fixtures.write(elsewhere, "not in uploads/");
              db.jdbc()
                  .sql("update jobs set file_path = :path where id = :id")
                  .param("path", elsewhere.toString())
                  .param("id", job.id())
                  .update();
              return job;
            });

    Result result = cleanup("--list");

    assertThat(result.exitCode()).as("%s", result).isZero();
    assertThat(result.stdout()).contains(misplaced.id().toString()).contains("left in place");
    assertThat(scratch.resolve("elsewhere").resolve(misplaced.upload().getFileName()))
        .hasContent("not in uploads/");
    boolean rowLeft = database.with(db -> db.fixtures().rowExists(misplaced.id()));
    assertThat(rowLeft).isFalse();
  }

  // ---- holds -----------------------------------------------------------------------------------

  @Test
  void holdsReleasesAndListsAJobAndTheHeldJobSurvivesACleanup() {
    CreatedJob job =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());

    Result held = command("hold", job.id().toString(), "--reason", "kept for the audit");
    Result list = command("holds", "--json");
    Result run = cleanup();

    assertThat(held.exitCode()).as("%s", held).isZero();
    assertThat(held.stdout()).contains(job.id().toString()).contains("kept for the audit");
    assertThat(json(list).path("total").asLong()).isEqualTo(1);
    assertThat(run.exitCode()).isZero();
    assertThat(intact(job)).isTrue();

    Result released = command("release", job.id().toString());

    assertThat(released.exitCode()).isZero();
    assertThat(released.stdout()).contains("not held");
    assertThat(cleanup().exitCode()).isZero();
    assertThat(gone(job)).isTrue();
  }

  @Test
  void holdRefusesWhatItCannotDoWithExitTwoNamingIt() {
    CreatedJob job =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(1))).create());

    Result noReason = command("hold", job.id().toString());
    Result badId = command("hold", "not-a-job", "--reason", "x");
    Result unknown = command("hold", UUID.randomUUID().toString(), "--reason", "x");
    Result twoLines = command("hold", job.id().toString(), "--reason", "two\nlines");

    assertThat(noReason.exitCode()).isEqualTo(2);
    assertThat(noReason.stderr()).contains("--reason");
    assertThat(badId.exitCode()).isEqualTo(2);
    assertThat(badId.stderr()).contains("job id");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("No job with id");
    assertThat(twoLines.exitCode()).isEqualTo(2);
    assertThat(twoLines.stderr()).contains("reason");
    assertThat(json(command("holds", "--json")).path("total").asLong()).isZero();
  }

  // ---- the ledger ------------------------------------------------------------------------------

  @Test
  void runsListsTheLedgerNewestFirstAndShowOpensOneRunWithItsItems() {
    CreatedJob job =
        database.with(
            db -> db.fixtures().aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create());
    String dry = json(cleanup("--dry-run", "--json")).path("run_id").asString();
    String real = json(cleanup("--json")).path("run_id").asString();

    Result list = command("runs", "--json");
    Result limited = command("runs", "--limit", "1");
    Result text = command("runs");
    Result show = command("runs", "show", dry, "--list");
    Result shown = command("runs", "show", real, "--json", "--list");

    assertThat(list.exitCode()).as("%s", list).isZero();
    JsonNode runs = json(list);
    assertThat(runs.path("total").asLong()).isEqualTo(2);
    assertThat(runs.path("runs").get(0).path("run_id").asString()).isEqualTo(real);
    assertThat(runs.path("runs").get(1).path("run_id").asString()).isEqualTo(dry);
    assertThat(runs.path("runs").get(1).path("dry_run").asBoolean()).isTrue();
    assertThat(limited.stdout()).contains(real).doesNotContain(dry).contains("1 older (--limit)");
    assertThat(text.stdout())
        .contains("Runs: 2 (newest first)")
        .containsPattern("cli +dry +succeeded +1 ")
        .containsPattern("cli +real +succeeded +1 ");
    assertThat(show.exitCode()).as("%s", show).isZero();
    assertThat(show.stdout())
        .contains("Run:             " + dry + " (dry run), succeeded")
        .contains("Trigger:         cli")
        .contains("Would delete (dry run: nothing was deleted):")
        .contains(job.id().toString());
    JsonNode report = json(shown);
    assertThat(report.path("run_id").asString()).isEqualTo(real);
    assertThat(report.path("completed_jobs").asLong()).isEqualTo(1);
    assertThat(report.path("items").get(0).path("job_id").asString())
        .isEqualTo(job.id().toString());
    assertThat(report.path("items").get(0).path("result").asString()).isEqualTo("deleted");
  }

  @Test
  void runsRefusesWhatItCannotShowWithExitTwoNamingIt() {
    Result badId = command("runs", "show", "not-a-run");
    Result unknown = command("runs", "show", UUID.randomUUID().toString());
    Result noId = command("runs", "show");
    Result badLimit = command("runs", "--limit", "0");
    Result stray = command("runs", "extra");

    assertThat(badId.exitCode()).isEqualTo(2);
    assertThat(badId.stderr()).contains("run id");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("No cleanup run with id");
    assertThat(noId.exitCode()).isEqualTo(2);
    assertThat(noId.stderr()).contains("RUN_ID");
    assertThat(badLimit.exitCode()).isEqualTo(2);
    assertThat(badLimit.stderr()).contains("--limit");
    assertThat(stray.exitCode()).isEqualTo(2);
    assertThat(stray.stderr()).contains("extra");
  }

  /**
   * A failure the command cannot explain (here the schema was changed under it) is one message on
   * stderr and exit 4: an operator's cron mail must not be a stack trace (issue 11, section 3).
   */
  @Test
  void anInternalFailureIsOneMessageAndExitFourNeverAStackTrace() {
    renameColumn("output_bytes", "output_bytes_renamed");
    try {
      Result result = stats();

      assertThat(result.exitCode()).as("%s", result).isEqualTo(4);
      assertThat(result.stdout()).isEmpty();
      assertThat(result.stderr())
          .contains("Internal error")
          .doesNotContain("\tat ")
          .doesNotContain("Exception in thread");
    } finally {
      renameColumn("output_bytes_renamed", "output_bytes");
    }
  }

  private void renameColumn(String from, String to) {
    database.with(
        db -> db.jdbc().sql("alter table jobs rename column " + from + " to " + to).update());
  }

  @Test
  void anotherRunningCleanupExitsThreeAndNamesIt() {
    UUID running = UUID.randomUUID();
    database.with(
        db ->
            db.jdbc()
                .sql(
                    """
                    update cleanup_lock set run_id = :runId, node = 'other-node:42',
                           acquired_at = :now, heartbeat_at = :now
                     where name = 'cleanup'
                    """)
                .param("runId", running)
                .param("now", Sql.ts(Instant.now()))
                .update());

    Result human = cleanup("--dry-run");
    Result json = cleanup("--json");

    assertThat(human.exitCode()).as("%s", human).isEqualTo(3);
    assertThat(human.stderr()).contains(running.toString()).contains("other-node:42");
    assertThat(human.stdout()).isEmpty();
    assertThat(json.exitCode()).isEqualTo(3);
    assertThat(json.stdout()).as("no document for a run that did not happen").isEmpty();
    assertThat(json.stderr()).contains(running.toString());
  }

  @Test
  void unreachableDataDirectoryExitsFour() {
    Result result = cleanup(Map.of("DATA_DIR", "/proc/storekeeper-cannot-create"), "--dry-run");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(4);
    assertThat(result.stderr()).contains("Cannot reach the").doesNotContain("\tat ");
    assertThat(result.stdout()).isEmpty();
  }

  // ---- stats ------------------------------------------------------------------------------------

  @Test
  void statsPrintsTheStorageStatisticsAsTextOrJson() {
    seed();

    Result json = stats("--json");
    Result human = stats();
    Result scanned = stats("--json", "--scan");

    assertThat(json.exitCode()).as("%s", json).isZero();
    assertThat(json.stderr()).isEmpty();
    JsonNode stats = json(json);
    assertThat(stats.path("source").asString()).isEqualTo("accounting");
    assertThat(stats.path("uploads").path("count").asInt()).isEqualTo(5);
    assertThat(stats.path("total_size_bytes").asLong()).isEqualTo(5 * 28);
    assertThat(stats.path("reclaimable").path("completed").path("count").asInt()).isEqualTo(1);
    assertThat(stats.path("retention").path("completed_days").asInt()).isEqualTo(30);
    assertThat(human.exitCode()).isZero();
    assertThat(human.stdout())
        .contains("Storage (accounting, ")
        .containsPattern("uploads +5 +40 B")
        .contains("Reclaimable now: completed 1 (28 B), failed 1 (28 B), cancelled 1 (28 B)")
        .contains(
            "Retention:       completed 30 days, failed 7 days, cancelled 7 days, orphan grace 24"
                + " h");
    JsonNode scan = json(scanned);
    assertThat(scan.path("source").asString()).isEqualTo("scan");
    assertThat(scan.path("uploads").path("count").asInt())
        .as("with the orphan and notes.txt")
        .isEqualTo(7);
  }

  // ---- stats --verify (issue 15)
  // ------------------------------------------------------------------

  @Test
  void statsVerifyExitsZeroOnRightTotalsOneOnDriftAndRepairCorrectsIt() {
    seed();

    Result clean = stats("--verify");

    assertThat(clean.exitCode()).as("%s", clean).isZero();
    assertThat(clean.stdout()).contains("Totals match the jobs");

    // drift as only a direct SQL update of the totals themselves can make it
    database.with(
        db ->
            db.jdbc()
                .sql(
                    """
                    update job_totals set jobs = jobs + 2, upload_bytes = upload_bytes + 99
                     where name = 'completed' and stripe = 5
                    """)
                .update());

    Result drift = stats("--verify", "--json");
    Result human = stats("--verify");

    assertThat(drift.exitCode()).as("%s", drift).isEqualTo(1);
    JsonNode check = json(drift);
    assertThat(check.path("drifts")).hasSize(1);
    JsonNode completed = check.path("drifts").get(0);
    assertThat(completed.path("name").asString()).isEqualTo("completed");
    assertThat(completed.path("stored").path("jobs").asLong()).isEqualTo(4);
    assertThat(completed.path("actual").path("jobs").asLong()).isEqualTo(2);
    assertThat(completed.path("stored").path("upload_bytes").asLong())
        .isEqualTo(completed.path("actual").path("upload_bytes").asLong() + 99);
    assertThat(human.exitCode()).as("%s", human).isEqualTo(1);
    assertThat(human.stdout())
        .contains("Totals differ from the jobs in 1 place(s)")
        .contains("completed")
        .contains("stats --repair");
    assertThat(json(stats("--json")).path("jobs").path("completed").path("count").asLong())
        .as("what the statistics show until the repair")
        .isEqualTo(4);

    Result repaired = stats("--repair");

    assertThat(repaired.exitCode()).as("%s", repaired).isZero();
    assertThat(repaired.stdout()).contains("Corrected");
    assertThat(stats("--verify").exitCode()).isZero();
    assertThat(json(stats("--json")).path("jobs").path("completed").path("count").asLong())
        .isEqualTo(2);
  }

  @Test
  void statsVerifyRefusesScan() {
    Result result = stats("--verify", "--scan");

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr()).contains("--scan");
    assertThat(result.stdout()).isEmpty();
  }

  // ---- forecast ---------------------------------------------------------------------------------

  @Test
  void forecastPrintsWhatPassesItsRetentionEachDayAsTextOrJson() {
    Store store = seed();

    Result json = command("forecast", "--days", "3", "--json");
    Result human = command("forecast");

    assertThat(json.exitCode()).as("%s", json).isZero();
    JsonNode forecast = json(json);
    assertThat(forecast.path("per_day")).hasSize(3);
    JsonNode today = forecast.path("per_day").get(0);
    assertThat(today.path("expiring").path("completed").path("jobs").asInt()).isEqualTo(1);
    assertThat(today.path("expiring").path("failed").path("jobs").asInt()).isEqualTo(1);
    assertThat(today.path("expiring").path("cancelled").path("jobs").asInt()).isEqualTo(1);
    assertThat(today.path("total").path("bytes").asLong()).isEqualTo(3 * 28);
    assertThat(forecast.path("upload_rate").path("method").asString()).contains("divided by 7");
    assertThat(human.exitCode()).as("%s", human).isZero();
    assertThat(human.stdout())
        .contains("Upload rate: ")
        .contains("Total: 3 jobs, 84 bytes pass their retention in 14 days");
    assertThat(intact(store.oldCompleted())).as("a forecast deletes nothing").isTrue();
  }
}
