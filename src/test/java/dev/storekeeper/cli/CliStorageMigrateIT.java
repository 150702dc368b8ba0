package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.cli.CliProcess.Result;
import dev.storekeeper.jobs.Sql;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.S3Proxy;
import dev.storekeeper.storage.s3.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code storage migrate --to s3} as an operator runs it: the built jar in its own process, a real
 * S3 server (S3Proxy), checked by stdout, stderr, the exit code, the rows, the bucket and the data
 * directory; H2 or PostgreSQL by subclass. Includes a SIGKILL in the middle of a run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CliStorageMigrateIT {

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  static final Instant START = Instant.parse("2026-06-01T12:00:00Z");

  Path scratch;
  CliDatabase database;
  String prefix;
  ObjectStore store;

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
    CliIT.empty(database.layout().uploadsRoot());
    CliIT.empty(database.layout().outputsRoot());
    prefix = "cli-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    store = s3.store(prefix, Clock.systemUTC(), ObjectStore.Limits.DEFAULT);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  Map<String, String> s3Env() {
    Map<String, String> env = new HashMap<>(database.env());
    env.put("STORAGE_BACKEND", "s3");
    env.put("S3_BUCKET", s3.bucket());
    env.put("S3_PREFIX", prefix);
    env.put("S3_ENDPOINT", s3.endpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    return env;
  }

  Result migrate(String... args) {
    List<String> all = new ArrayList<>(List.of("storage", "migrate"));
    all.addAll(List.of(args));
    return new CliProcess(scratch).env(s3Env()).unpacked(all.toArray(String[]::new));
  }

  /** A finished job with an upload and outputs/{id}/results.json, as the filesystem keeps it. */
  UUID job(String status, String name, boolean held) throws IOException {
    UUID id = UUID.randomUUID();
    Path upload = database.layout().uploadsRoot().resolve(id + "_" + name);
    Files.writeString(upload, "upload of " + id);
    Path output = database.layout().outputDir(id);
    Files.createDirectories(output);
    Files.writeString(output.resolve("results.json"), "{\"job\":\"" + id + "\"}");
    database.with(
        db ->
            db.jdbc()
                .sql(
                    """
                    insert into jobs (id, filename, file_path, status, progress, created_at,
                                      completed_at, result_path, upload_bytes, output_bytes,
                                      held_at, held_by, hold_reason)
                    values (:id, :name, :path, :status, 100, :at, :at, :result, 51, 47, :held,
                            :by, :reason)
                    """)
                .param("id", id)
                .param("name", name)
                .param("path", upload.toString())
                .param("status", status)
                .param("at", Sql.ts(START))
                .param("result", output.resolve("results.json").toString())
                .param("held", held ? Sql.ts(START) : null)
                .param("by", held ? "cli" : null, java.sql.Types.VARCHAR)
                .param("reason", held ? "audit" : null, java.sql.Types.VARCHAR)
                .update());
    return id;
  }

  List<Map<String, Object>> rows() {
    return database.with(
        db ->
            db.jdbc()
                .sql(
                    """
                    select j.id, file_path, result_path, status, held_at, o.objects
                      from jobs j left join job_output_objects o on o.job_id = j.id
                     order by j.id
                    """)
                .query()
                .listOfRows());
  }

  String filePath(UUID id) {
    return database.with(
        db ->
            db.jdbc()
                .sql("select file_path from jobs where id = :id")
                .param("id", id)
                .query(String.class)
                .single());
  }

  Map<String, String> bucket() throws IOException {
    Map<String, String> objects = new TreeMap<>();
    for (StoredObject object : store.objectsUnder(prefix)) {
      try (InputStream in = store.get(object.key()).orElseThrow()) {
        objects.put(object.key(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return objects;
  }

  Map<String, String> local() throws IOException {
    Map<String, String> files = new TreeMap<>();
    for (Path root : List.of(database.layout().uploadsRoot(), database.layout().outputsRoot())) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path path : walk.filter(Files::isRegularFile).toList()) {
          files.put(path.toString(), Files.readString(path));
        }
      }
    }
    return files;
  }

  // ---- runs -------------------------------------------------------------------------------------

  @Test
  void migratesEveryFinishedJobThenARerunDoesNothing() throws IOException {
    UUID completed = job("completed", "scan one.nii", false);
    UUID failed = job("failed", "scan.nii", false);
    UUID held = job("cancelled", "kept.nii", true);

    Result run = migrate("--to", "s3");

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout())
        .contains("Migration to s3://" + s3.bucket() + "/" + prefix + ".")
        .contains("migrated: 3 jobs, 6 files")
        .contains("failed: 0")
        .contains(completed + "  migrated  completed  scan one.nii  2 files")
        .contains(held + "  migrated  cancelled (held)  kept.nii");
    assertThat(local()).isEmpty();
    Map<String, String> bucket = bucket();
    assertThat(bucket)
        .hasSize(6)
        .containsEntry(prefix + "uploads/" + failed + "_scan.nii", "upload of " + failed)
        .containsEntry(
            prefix + "outputs/" + completed + "/results.json", "{\"job\":\"" + completed + "\"}");
    assertThat(filePath(held))
        .isEqualTo("s3://" + s3.bucket() + "/" + prefix + "uploads/" + held + "_kept.nii");
    assertThat(rows()).allSatisfy(row -> assertThat(row.get("objects")).isNotNull());
    assertThat(rows())
        .filteredOn(row -> row.get("id").equals(held))
        .singleElement()
        .satisfies(row -> assertThat(row.get("held_at")).isNotNull());
    List<Map<String, Object>> after = rows();

    Result rerun = migrate("--to", "s3");

    assertThat(rerun.exitCode()).as("%s", rerun).isZero();
    assertThat(rerun.stdout())
        .contains("migrated: 0 jobs")
        .contains("already in the bucket: 3")
        .contains("Nothing to migrate: every job is in the bucket.");
    assertThat(rows()).isEqualTo(after);
    assertThat(bucket()).isEqualTo(bucket);
  }

  @Test
  void aDryRunInJsonSaysWhatItWouldCopyAndChangesNothing() throws IOException {
    UUID id = job("completed", "scan.nii", false);
    Path orphan = database.layout().uploadsRoot().resolve(UUID.randomUUID() + "_lost.nii");
    Files.writeString(orphan, "orphan");
    List<Map<String, Object>> before = rows();
    Map<String, String> localBefore = local();

    Result dry = migrate("--to", "s3", "--dry-run", "--json");

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    JsonNode report = JsonMapper.builder().build().readTree(dry.stdout());
    assertThat(report.get("dry_run").asBoolean()).isTrue();
    assertThat(report.get("counts").get("migrated").asLong()).isEqualTo(1);
    assertThat(report.get("counts").get("files").asLong()).isEqualTo(2);
    long bytes = ("upload of " + id).length() + ("{\"job\":\"" + id + "\"}").length();
    assertThat(report.get("counts").get("bytes").asLong()).isEqualTo(bytes);
    assertThat(report.get("left").get("other_entries").asLong()).isEqualTo(1);
    assertThat(report.get("items").get(0).get("job_id").asString()).isEqualTo(id.toString());
    assertThat(report.get("items").get(0).get("upload").asString())
        .isEqualTo(prefix + "uploads/" + id + "_scan.nii");
    assertThat(rows()).isEqualTo(before);
    assertThat(local()).isEqualTo(localBefore);
    assertThat(bucket()).isEmpty();

    Result run = migrate("--to", "s3");
    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout())
        .contains(
            "left in the data directory: 0 entries of jobs not migrated; 1 entry is no job's");
    assertThat(orphan).hasContent("orphan");
  }

  @Test
  void aJobThatCannotBeMigratedIsListedAndTheExitCodeIsOne() throws IOException {
    UUID missing = job("completed", "gone.nii", false);
    Files.delete(database.layout().uploadsRoot().resolve(missing + "_gone.nii"));
    UUID fine = job("completed", "fine.nii", false);
    UUID running = job("running", "busy.nii", false);

    Result run = migrate("--to", "s3");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(1);
    assertThat(run.stdout())
        .contains(missing + "  failed  completed  gone.nii: its upload uploads/")
        .contains("is missing")
        .contains(fine + "  migrated")
        .contains(running + "  skipped  running  busy.nii: is running")
        .contains("skipped: 1")
        .contains("failed: 1")
        .contains("left in the data directory: 3 entries of jobs not migrated");
    assertThat(filePath(missing)).doesNotStartWith("s3://");
    assertThat(filePath(running)).doesNotStartWith("s3://");
    assertThat(database.layout().outputDir(missing).resolve("results.json")).exists();
  }

  @Test
  void aKilledRunLeavesEveryJobReachableAndTheRerunConverges() throws IOException {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      ids.add(job("completed", "scan " + i + ".nii", false));
    }
    Process process =
        new CliProcess(scratch)
            .env(s3Env())
            .startUnpacked("storage", "migrate", "--to", "s3", "--threads", "1");
    try {
      // SIGKILL once a few jobs are through (their local uploads removed after the switch):
      // somewhere in the middle of the next. Watched on disk: the process holds the database.
      Awaitility.await("a few jobs migrated")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !process.isAlive() || uploadsLeft() <= ids.size() - 3);
      assertThat(process.isAlive()).as("the run was still going when it was killed").isTrue();
    } finally {
      process.destroyForcibly();
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    // H2 refuses a lock file the killed process touched a moment ago: retry until it has aged
    Awaitility.await("the database opened after the kill")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> switched() >= 0);

    // at this instant every job is reachable: its row names either its local files, all there,
    // or objects, all there
    Map<String, String> bucket = bucket();
    for (UUID id : ids) {
      String path = filePath(id);
      if (path.startsWith("s3://")) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        assertThat(bucket).containsEntry(prefix + "uploads/" + name, "upload of " + id);
        assertThat(bucket).containsKey(prefix + "outputs/" + id + "/results.json");
      } else {
        assertThat(Path.of(path)).hasContent("upload of " + id);
        assertThat(database.layout().outputDir(id).resolve("results.json")).exists();
      }
    }

    Result rerun = migrate("--to", "s3");

    assertThat(rerun.exitCode()).as("%s", rerun).isZero();
    assertThat(switched()).isEqualTo(ids.size());
    assertThat(local()).isEmpty();
    assertThat(bucket()).hasSize(2 * ids.size());
  }

  long uploadsLeft() throws IOException {
    try (Stream<Path> entries = Files.list(database.layout().uploadsRoot())) {
      return entries.count();
    }
  }

  long switched() {
    return database.with(
        db ->
            db.jdbc()
                .sql("select count(*) from jobs where file_path like 's3://%'")
                .query(Long.class)
                .single());
  }

  @ParameterizedTest
  @CsvSource({"bin/storekeeper", "bin/cleanup-storage"})
  void bothLaunchersRunTheCommand(String launcher) throws IOException {
    UUID id = job("completed", "scan.nii", false);
    Path script = CliProcess.jar().getParent().getParent().resolve(launcher);

    Result dry =
        new CliProcess(scratch)
            .env(s3Env())
            .env("STOREKEEPER_CDS", "off")
            .exec(script, "storage", "migrate", "--to", "s3", "--dry-run");

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stdout())
        .contains("dry run: nothing was changed")
        .contains(id + "  would migrate  completed  scan.nii  2 files")
        .contains("would migrate: 1 job, 2 files");
    assertThat(filePath(id)).doesNotStartWith("s3://");
  }

  // ---- refusals ---------------------------------------------------------------------------------

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--to gcs|--to must be s3, got \"gcs\"",
        "--to S3|--to must be s3",
        "--to s3 --threads 0|--threads must be a whole number between 1 and 32",
        "--to s3 --threads 33|--threads must be a whole number between 1 and 32",
        "--to s3 --force|--force",
        "--dry-run|--to",
        "--to s3 extra|extra",
      })
  void usageErrorsNameTheFlagAndChangeNothing(String args, String message) throws IOException {
    UUID id = job("completed", "scan.nii", false);

    Result run = migrate(args.split(" "));

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.stderr()).contains(message);
    assertThat(run.stdout()).isEmpty();
    assertThat(filePath(id)).doesNotStartWith("s3://");
  }

  @Test
  void withoutTheS3BackendTheMigrationIsRefusedNamingTheSetting() throws IOException {
    UUID id = job("completed", "scan.nii", false);

    Result run =
        new CliProcess(scratch).env(database.env()).unpacked("storage", "migrate", "--to", "s3");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.stderr())
        .contains("STORAGE_BACKEND=s3")
        .contains("STORAGE_BACKEND is filesystem");
    assertThat(filePath(id)).doesNotStartWith("s3://");
  }

  @Test
  void aMissingSubcommandIsAUsageError() {
    Result run = new CliProcess(scratch).env(database.env()).unpacked("storage");

    assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
    assertThat(run.stderr()).contains("Missing the operation: migrate");
  }
}
