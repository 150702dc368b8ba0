package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.ReferenceApp;
import dev.storekeeper.ReferenceApp.RefJob;
import dev.storekeeper.cli.CliProcess.Result;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code import neuroinsight} as an operator runs it: the built jar in its own process, a real
 * reference database and data/ directory, checked by stdout, stderr and the exit code (0, 1, 2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliImportIT {

  static final String PASSWORD = "s3cret-never-shown";

  Path scratch;
  CliDatabase database;
  ReferenceApp ref;

  abstract CliDatabase database(Path dataDir);

  @BeforeAll
  void createStore(@TempDir Path scratch) {
    this.scratch = scratch;
    database = database(scratch.resolve("data"));
    database.migrate();
    ref = new ReferenceApp(scratch.resolve("neuroinsight/data"));
  }

  @BeforeEach
  void emptyStore() throws IOException {
    database.reset();
    database.with(db -> db.jdbc().sql("delete from neuroinsight_imports").update());
    CliIT.empty(database.layout().uploadsRoot());
    CliIT.empty(database.layout().outputsRoot());
    ref.reset();
  }

  Result importing(String... args) {
    List<String> all = new ArrayList<>(List.of("import", "neuroinsight"));
    all.addAll(List.of(args));
    return new CliProcess(scratch)
        .env(database.env())
        .env(Map.of("NEUROINSIGHT_SOURCE_PASSWORD", PASSWORD))
        .unpacked(all.toArray(String[]::new));
  }

  String[] source(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--source-url",
                ReferenceApp.url(),
                "--source-user",
                "postgres",
                "--source-data",
                ref.data().toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  long jobRows() {
    return database.with(
        db -> db.jdbc().sql("select count(*) from jobs").query(Long.class).single());
  }

  static void neverShowsThePassword(Result result) {
    assertThat(result.stdout() + result.stderr()).doesNotContain(PASSWORD);
  }

  @Test
  void importsExitsZeroAndARerunSaysNothingNew() {
    RefJob job = ref.job("COMPLETED").region("CA1").insert();

    Result first = importing(source());
    Result second = importing(source());

    assertThat(first.exitCode()).as("%s", first).isZero();
    assertThat(first.stdout()).contains("imported: 1 job, 3 metric rows, 3 files");
    assertThat(
            database
                .layout()
                .uploadsRoot()
                .resolve(StorageLayout.uploadName(job.id(), "scan.nii.gz")))
        .hasContent("NIfTI-bytes");
    assertThat(second.exitCode()).as("%s", second).isZero();
    assertThat(second.stdout()).contains("Nothing new to import").contains("already present: 1");
    neverShowsThePassword(first);
  }

  @Test
  void aDryRunAsJsonListsTheJobsAndChangesNothing() {
    RefJob job = ref.job("COMPLETED").region("CA1").insert();

    Result dry = importing(source("--dry-run", "--json"));

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    JsonNode report = CliIT.json(dry);
    assertThat(report.get("dry_run").asBoolean()).isTrue();
    assertThat(report.get("counts").get("imported").asLong()).isEqualTo(1);
    assertThat(report.get("counts").get("metrics").asLong()).isEqualTo(3);
    JsonNode item = report.get("items").get(0);
    assertThat(item.get("job_id").asString()).isEqualTo(job.id().toString());
    assertThat(item.get("status").asString()).isEqualTo("completed");
    assertThat(item.get("upload").asString()).startsWith("uploads/" + job.id() + "_");
    assertThat(jobRows()).isZero();
    assertThat(job.upload()).exists();
  }

  @Test
  void aJobThatCannotBeImportedMakesTheExitCodeOne() {
    RefJob fine = ref.job("COMPLETED").insert();
    RefJob hostile = ref.job("COMPLETED").filePath("/etc/passwd").insert();

    Result result = importing(source());

    assertThat(result.exitCode()).as("%s", result).isEqualTo(1);
    assertThat(result.stdout())
        .contains("failed: 1")
        .contains(hostile.id() + "  failed")
        .contains("file_path");
    assertThat(jobRows()).isEqualTo(1);
    assertThat(fine.upload()).doesNotExist();
  }

  @Test
  void aURLThatIsNotPostgreSQLIsAUsageError() {
    Result result =
        importing(
            "--source-url",
            "jdbc:mysql://127.0.0.1/neuro?password=" + PASSWORD,
            "--source-data",
            ref.data().toString());

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr())
        .contains("storekeeper import neuroinsight: --source-url must be a PostgreSQL JDBC URL");
    neverShowsThePassword(result);
  }

  @Test
  void aMissingOrAbsentSourceDirectoryIsAUsageError() throws IOException {
    Result missing = importing("--source-url", ReferenceApp.url());
    Result absent =
        importing(
            "--source-url",
            ReferenceApp.url(),
            "--source-data",
            scratch.resolve("nope").toString());
    Path file = Files.writeString(scratch.resolve("a-file"), "x");
    Result notADirectory =
        importing("--source-url", ReferenceApp.url(), "--source-data", file.toString());

    assertThat(missing.exitCode()).as("%s", missing).isEqualTo(2);
    assertThat(missing.stderr()).contains("--source-data");
    assertThat(absent.exitCode()).as("%s", absent).isEqualTo(2);
    assertThat(absent.stderr()).contains("--source-data must be an existing directory");
    assertThat(notADirectory.exitCode()).as("%s", notADirectory).isEqualTo(2);
  }

  @Test
  void aDatabaseNotInTheReferenceSchemaIsAUsageErrorNamingWhatIsWrong() {
    ref.sql("drop table metrics");
    ref.job("COMPLETED").insert();

    Result result = importing(source("--source-password", PASSWORD));

    assertThat(result.exitCode()).as("%s", result).isEqualTo(2);
    assertThat(result.stderr())
        .contains("not in NeuroInsight's schema")
        .contains("no table metrics");
    assertThat(jobRows()).isZero();
    neverShowsThePassword(result);
  }

  @Test
  void thePasswordComesFromAFileAndTwoSourcesOfItAreRefused() throws IOException {
    ref.job("COMPLETED").insert();
    Path file = Files.writeString(scratch.resolve("password"), PASSWORD + "\n");

    Result fromFile = importing(source("--source-password-file", file.toString(), "--dry-run"));
    Result both =
        importing(source("--source-password-file", file.toString(), "--source-password", "x"));

    assertThat(fromFile.exitCode()).as("%s", fromFile).isZero();
    assertThat(both.exitCode()).as("%s", both).isEqualTo(2);
    assertThat(both.stderr()).contains("--source-password and --source-password-file");
    neverShowsThePassword(fromFile);
  }
}
