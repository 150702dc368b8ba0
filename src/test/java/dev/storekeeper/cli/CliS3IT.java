package dev.storekeeper.cli;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static dev.storekeeper.jobs.JobStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures;
import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Fixtures.Entry;
import dev.storekeeper.cli.CliProcess.Result;
import dev.storekeeper.storage.s3.BucketStorage;
import dev.storekeeper.storage.s3.S3Backend;
import dev.storekeeper.storage.s3.S3ProxyServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The operator CLI on the s3 backend, as an operator runs it: {@code bin/cleanup-storage} and the
 * built jar in their own processes with {@code STORAGE_BACKEND=s3} against S3Proxy (a bucket of
 * this class's own on the shared server) and the embedded database, checked by exit code and
 * output. The CLI runs on the real clock, so ages are the objects' backdated {@code LastModified}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliS3IT {

  static final String PREFIX = "cli/";

  Path scratch;
  CliDatabase database;
  String bucket;
  BucketStorage storage;

  @BeforeAll
  void createStore(@TempDir Path scratch) {
    this.scratch = scratch;
    database = CliDatabase.h2(scratch.resolve("data"));
    database.migrate();
    bucket = S3Backend.newBucket();
  }

  @BeforeEach
  void emptyStore() {
    database.reset();
    storage = database.with(db -> new BucketStorage(bucket, PREFIX, db.jdbc()));
    storage.keysUnder("").forEach(key -> storage.delete("/" + key));
  }

  Map<String, String> s3() {
    Map<String, String> env = new HashMap<>();
    env.put("STORAGE_BACKEND", "s3");
    env.put("S3_BUCKET", bucket);
    env.put("S3_PREFIX", PREFIX);
    env.put("S3_ENDPOINT", S3Backend.endpoint());
    env.put("AWS_ACCESS_KEY_ID", S3ProxyServer.IDENTITY);
    env.put("AWS_SECRET_ACCESS_KEY", S3ProxyServer.CREDENTIAL);
    return env;
  }

  Result cli(Map<String, String> changed, String... args) {
    Map<String, String> env = s3();
    env.putAll(changed);
    env.values().removeIf(String::isEmpty);
    return new CliProcess(scratch).env(database.env()).env(env).unpacked(args);
  }

  Result cli(String... args) {
    return cli(Map.of(), args);
  }

  <T> T withFixtures(Function<Fixtures, T> work) {
    return database.with(
        db -> work.apply(new Fixtures(db.jdbc(), new BucketStorage(bucket, PREFIX, db.jdbc()))));
  }

  static Instant ago(Duration duration) {
    return Instant.now().minus(duration);
  }

  record Store(
      CreatedJob oldCompleted,
      CreatedJob recentCompleted,
      CreatedJob oldFailed,
      CreatedJob running,
      Entry orphanUpload,
      Entry orphanOutput,
      Entry unrecognized) {}

  Store seed() {
    return withFixtures(
        f ->
            new Store(
                f.aJob(COMPLETED).finishedAt(ago(Duration.ofDays(40))).create(),
                f.aJob(COMPLETED).finishedAt(ago(Duration.ofDays(1))).create(),
                f.aJob(FAILED).finishedAt(ago(Duration.ofDays(10))).create(),
                f.aJob(RUNNING).create(),
                f.anOrphanUpload(ago(Duration.ofHours(48))),
                f.anOrphanOutput(ago(Duration.ofHours(48))),
                f.upload("notes.txt").write("not ours").touch(ago(Duration.ofHours(48)))));
  }

  boolean intact(CreatedJob job) {
    return withFixtures(f -> f.intact(job));
  }

  boolean gone(CreatedJob job) {
    return withFixtures(f -> f.gone(job));
  }

  static JsonNode json(Result result) {
    assertThat(result.stdout().strip()).as("one JSON document: %s", result).startsWith("{");
    return CliIT.JSON.readTree(result.stdout());
  }

  static Path script() {
    return CliProcess.jar().getParent().getParent().resolve("bin/cleanup-storage");
  }

  @Test
  void theScriptsDryRunListsExactlyWhatTheJarsRealRunThenDeletesFromTheBucket() {
    Store store = seed();
    // a key outside the prefix whose name a job id encodes: never listed, never deleted
    String outside = "other/uploads/" + store.oldCompleted().uploadEntry().name();
    storage.put(outside, "a neighbour's");

    Result dry =
        new CliProcess(scratch)
            .env("STOREKEEPER_CDS", "off")
            .env(database.env())
            .env(s3())
            .exec(script(), "--dry-run", "--json", "--list");

    assertThat(dry.exitCode()).as("%s", dry).isZero();
    assertThat(dry.stderr()).as("%s", dry).isEmpty();
    JsonNode planned = json(dry);
    assertThat(planned.path("dry_run").asBoolean()).isTrue();
    assertThat(planned.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(planned.path("completed_jobs").asInt()).isEqualTo(1);
    assertThat(planned.path("failed_jobs").asInt()).isEqualTo(1);
    assertThat(planned.path("upload_files_deleted").asInt()).isEqualTo(2);
    assertThat(planned.path("output_dirs_deleted").asInt()).isEqualTo(2);
    assertThat(planned.path("orphaned_uploads").asInt()).isEqualTo(1);
    assertThat(planned.path("orphaned_outputs").asInt()).isEqualTo(1);
    assertThat(planned.path("unrecognized_found").asInt()).isEqualTo(1);
    assertThat(planned.path("bytes_freed").asLong()).isEqualTo(2 * 28 + 6 + 2);
    assertThat(planned.path("items"))
        .hasSize(5)
        .allSatisfy(
            item ->
                assertThat(item.path("path").asString())
                    .as("shown as on the filesystem, never s3://")
                    .matches("(uploads|outputs)/.+|[^/]+"));
    assertThat(intact(store.oldCompleted())).isTrue();
    assertThat(store.orphanUpload().exists()).isTrue();
    assertThat(store.orphanOutput().exists()).isTrue();

    Result real = cli("cleanup", "--json", "--list");

    assertThat(real.exitCode()).as("%s", real).isZero();
    JsonNode done = json(real);
    assertThat(done.path("dry_run").asBoolean()).isFalse();
    assertThat(CliIT.items(done)).containsExactlyInAnyOrderElementsOf(CliIT.items(planned));
    assertThat(done.path("bytes_freed").asLong()).isEqualTo(planned.path("bytes_freed").asLong());
    assertThat(gone(store.oldCompleted())).isTrue();
    assertThat(gone(store.oldFailed())).isTrue();
    assertThat(intact(store.recentCompleted())).isTrue();
    assertThat(intact(store.running())).isTrue();
    assertThat(store.orphanUpload().exists()).isFalse();
    assertThat(store.orphanOutput().exists()).isFalse();
    assertThat(store.unrecognized().exists()).isTrue();
    assertThat(storage.objectExists(outside)).isTrue();

    Result again = cli("cleanup");
    assertThat(again.exitCode()).as("%s", again).isZero();
    assertThat(again.stdout()).contains("succeeded");
  }

  @Test
  void statsScanCountsTheBucketsObjectsUnderThePrefix() {
    seed();
    storage.put("other/uploads/notes.txt", "outside the prefix");

    Result accounting = cli("stats", "--json");
    Result scanned = cli("stats", "--json", "--scan");

    assertThat(accounting.exitCode()).as("%s", accounting).isZero();
    assertThat(json(accounting).path("uploads").path("count").asInt())
        .as("the rows' uploads")
        .isEqualTo(4);
    assertThat(scanned.exitCode()).as("%s", scanned).isZero();
    JsonNode scan = json(scanned);
    assertThat(scan.path("source").asString()).isEqualTo("scan");
    assertThat(scan.path("uploads").path("count").asInt())
        .as("4 jobs' uploads, the orphan and notes.txt: %s", scan)
        .isEqualTo(6);
    assertThat(scan.path("uploads").path("size_bytes").asLong()).isEqualTo(4 * 8 + 6 + 8);
    assertThat(scan.path("outputs").path("size_bytes").asLong())
        .as("%s", scan)
        .isEqualTo(4 * (11 + 9) + 2);
  }

  @Test
  void aBadObjectStorageSettingExitsTwoNamingTheVariableAndDeletesNothing() {
    Store store = seed();
    Map<String, String> bad =
        Map.of(
            "S3_BUCKET", "",
            "S3_ENDPOINT", "ftp://127.0.0.1:1",
            "S3_PREFIX", "../x",
            "AWS_SECRET_ACCESS_KEY", "not-the-secret");
    Map<String, String> named =
        Map.of(
            "S3_BUCKET", "S3_BUCKET",
            "S3_ENDPOINT", "S3_ENDPOINT",
            "S3_PREFIX", "S3_PREFIX",
            "AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY");
    for (var setting : bad.entrySet()) {
      Result result = cli(Map.of(setting.getKey(), setting.getValue()), "cleanup", "--json");

      assertThat(result.exitCode())
          .as("%s=%s: %s", setting.getKey(), setting.getValue(), result)
          .isEqualTo(2);
      assertThat(result.stderr()).as("%s", result).contains(named.get(setting.getKey()));
      assertThat(result.stderr())
          .doesNotContain(S3ProxyServer.CREDENTIAL)
          .doesNotContain("not-the-secret");
    }
    Result missing = cli(Map.of("S3_BUCKET", "no-such-bucket-here"), "cleanup", "--dry-run");
    assertThat(missing.exitCode()).as("%s", missing).isEqualTo(2);
    assertThat(missing.stderr()).contains("S3_BUCKET").contains("no-such-bucket-here");

    assertThat(intact(store.oldCompleted())).isTrue();
    assertThat(store.orphanUpload().exists()).isTrue();
    long runs =
        database.with(
            db -> db.jdbc().sql("select count(*) from cleanup_runs").query(Long.class).single());
    assertThat(runs).as("no run was even recorded").isZero();
  }
}
