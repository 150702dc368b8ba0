package dev.storekeeper.storage.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.Sql;
import dev.storekeeper.storage.migrate.MigrationReport.Item;
import dev.storekeeper.storage.s3.ListEntry.StoredObject;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.S3Proxy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code storage migrate --to s3}'s core against a real S3 server (S3Proxy, its own process) and
 * the real data directories; H2 or PostgreSQL by subclass. Every test checks the rows, the bucket
 * and the local files, including what must not have changed.
 */
abstract class StorageMigrationIT extends StorekeeperIT {

  @RegisterExtension static final S3Proxy s3 = new S3Proxy();

  /** A kill at a checkpoint: an Error, which no per-job handling catches. */
  static final class Kill extends Error {
    Kill(String step) {
      super("killed at " + step);
    }
  }

  @Autowired JobRepository jobs;
  @Autowired TransactionTemplate tx;
  @Autowired javax.sql.DataSource dataSource;

  String prefix;
  ObjectStore store;
  ObjectLocations locations;
  StorageMigration migration;
  Path outside;

  @BeforeEach
  void openBucket() throws IOException {
    prefix = "m-" + UUID.randomUUID().toString().substring(0, 8) + "/";
    store = s3.store(prefix, clock, ObjectStore.Limits.DEFAULT);
    locations = new ObjectLocations(s3.bucket(), store.keys());
    migration =
        new StorageMigration(
            jdbc, jobs, layout, store, locations, tx, CommitBarrier.of(dataSource), clock);
    jdbc.sql("delete from neuroinsight_imports").update();
    outside = layout.dataDir().resolve("outside-migration");
    if (Files.exists(outside)) {
      deleteTree(outside);
    }
    Files.createDirectories(outside);
  }

  @AfterEach
  void close() {
    store.close();
  }

  // ---- fixtures ---------------------------------------------------------------------------------

  /** A job row with files as the filesystem backend leaves them. */
  final class JobFixture {
    final UUID id = UUID.randomUUID();
    String filename = "scan.csv";
    String uploadName;
    String status = "completed";
    String upload = "a,b\n1,2\n";
    Map<String, String> outputs = new TreeMap<>(Map.of("results.json", "{\"ok\":true}"));
    String resultRest = "results.json";
    boolean held;

    JobFixture status(String status) {
      this.status = status;
      return this;
    }

    JobFixture named(String name) {
      this.filename = name;
      return this;
    }

    JobFixture uploadName(String name) {
      this.uploadName = name;
      return this;
    }

    JobFixture output(String path, String content) {
      outputs.put(path, content);
      return this;
    }

    JobFixture noOutputs() {
      outputs.clear();
      resultRest = null;
      return this;
    }

    JobFixture result(String rest) {
      resultRest = rest;
      return this;
    }

    JobFixture held() {
      held = true;
      return this;
    }

    Path uploadPath() {
      return layout.uploadsRoot().resolve(uploadName());
    }

    String uploadName() {
      return uploadName != null ? uploadName : id + "_" + filename;
    }

    Path outputDir() {
      return layout.outputDir(id);
    }

    String resultPath() {
      if (resultRest == null) {
        return null;
      }
      return resultRest.isEmpty()
          ? outputDir().toString()
          : outputDir().resolve(resultRest).toString();
    }

    JobFixture create() throws IOException {
      Files.writeString(uploadPath(), upload, StandardCharsets.UTF_8);
      for (var output : outputs.entrySet()) {
        Path file = outputDir().resolve(output.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, output.getValue(), StandardCharsets.UTF_8);
      }
      long outputBytes =
          outputs.values().stream().mapToLong(v -> v.getBytes(StandardCharsets.UTF_8).length).sum();
      boolean finished = !status.equals("pending") && !status.equals("running");
      jdbc.sql(
              """
              insert into jobs (id, filename, file_path, status, progress, created_at,
                                completed_at, result_path, upload_bytes, output_bytes, held_at,
                                held_by, hold_reason)
              values (:id, :name, :path, :status, 100, :created, :completed, :result, :ub, :ob,
                      :heldAt, :heldBy, :reason)
              """)
          .param("id", id)
          .param("name", filename)
          .param("path", uploadPath().toString())
          .param("status", status)
          .param("created", Sql.ts(START.minusSeconds(3600)))
          .param("completed", finished ? Sql.ts(START.minusSeconds(60)) : null)
          .param("result", resultPath(), java.sql.Types.VARCHAR)
          .param("ub", upload.getBytes(StandardCharsets.UTF_8).length)
          .param("ob", outputBytes)
          .param("heldAt", held ? Sql.ts(START) : null)
          .param("heldBy", held ? "admin" : null, java.sql.Types.VARCHAR)
          .param("reason", held ? "legal" : null, java.sql.Types.VARCHAR)
          .update();
      return this;
    }
  }

  JobFixture aJob() {
    return new JobFixture();
  }

  Map<String, Object> row(UUID id) {
    return jdbc.sql(
            """
            select file_path, result_path, o.objects as output_objects, status, held_at, held_by,
                   hold_reason, upload_bytes, output_bytes, completed_at
              from jobs left join job_output_objects o on o.job_id = jobs.id where id = :id
            """)
        .param("id", id)
        .query()
        .singleRow();
  }

  MigrationReport run() {
    return migration.run(new StorageMigration.Options(false, 1), item -> {});
  }

  MigrationReport dry() {
    return migration.run(new StorageMigration.Options(true, 1), item -> {});
  }

  static Item item(MigrationReport report, UUID id) {
    return report.items().stream().filter(i -> i.jobId().equals(id)).findFirst().orElseThrow();
  }

  /** Every key in the bucket under this test's prefix with its content. */
  Map<String, String> bucket() throws IOException {
    Map<String, String> objects = new TreeMap<>();
    for (StoredObject object : store.objectsUnder(prefix)) {
      try (InputStream in = store.get(object.key()).orElseThrow()) {
        objects.put(object.key(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    return objects;
  }

  /** Every entry under a directory with its content, links shown as links. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
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
      List<Map<String, Object>> rows,
      Map<String, String> uploads,
      Map<String, String> outputs,
      Map<String, String> bucket) {}

  Snapshot snapshot() throws IOException {
    return new Snapshot(
        jdbc.sql(
                "select * from jobs left join job_output_objects o on o.job_id = jobs.id order by id")
            .query()
            .listOfRows(),
        tree(layout.uploadsRoot()),
        tree(layout.outputsRoot()),
        bucket());
  }

  String key(String rest) {
    return prefix + rest;
  }

  String location(String rest) {
    return "s3://" + s3.bucket() + "/" + prefix + rest;
  }

  // ---- every kind of job ------------------------------------------------------------------------

  @Test
  void migratesFinishedJobsOfEveryKindAndSwitchesEachRowInPlace() throws IOException {
    JobFixture completed =
        aJob()
            .named("brain scan.nii.gz")
            .output("visualizations/overlays/slice_00.png", "png-bytes")
            .create();
    JobFixture failed = aJob().status("failed").noOutputs().create();
    JobFixture cancelled = aJob().status("cancelled").noOutputs().create();
    JobFixture held = aJob().held().result("").create();

    MigrationReport report = run();

    assertThat(report.counts().migrated()).isEqualTo(4);
    assertThat(report.counts().failed()).isZero();
    assertThat(report.counts().files()).isEqualTo(3 + 1 + 1 + 2);
    assertThat(report.anyFailed()).isFalse();

    Map<String, Object> done = row(completed.id);
    String uploadKey = key("uploads/" + completed.uploadName());
    assertThat(done.get("file_path")).isEqualTo(location("uploads/" + completed.uploadName()));
    assertThat(done.get("result_path"))
        .isEqualTo(location("outputs/" + completed.id + "/results.json"));
    assertThat(done.get("status")).isEqualTo("completed");
    assertThat(((Number) done.get("upload_bytes")).longValue()).isEqualTo(8);
    assertThat(((Number) done.get("output_bytes")).longValue()).isEqualTo(11 + 9);
    JsonNode objects = JsonMapper.builder().build().readTree((String) done.get("output_objects"));
    assertThat(objects.toString())
        .isEqualTo("[[\"results.json\",11],[\"visualizations/overlays/slice_00.png\",9]]");

    assertThat(bucket())
        .containsEntry(uploadKey, "a,b\n1,2\n")
        .containsEntry(key("outputs/" + completed.id + "/results.json"), "{\"ok\":true}")
        .containsEntry(
            key("outputs/" + completed.id + "/visualizations/overlays/slice_00.png"), "png-bytes")
        .containsEntry(key("uploads/" + failed.uploadName()), "a,b\n1,2\n")
        .doesNotContainKey(key("outputs/" + failed.id + "/results.json"));
    assertThat(completed.uploadPath()).doesNotExist();
    assertThat(completed.outputDir()).doesNotExist();

    Map<String, Object> failedRow = row(failed.id);
    assertThat(failedRow.get("status")).isEqualTo("failed");
    assertThat(failedRow.get("result_path")).isNull();
    assertThat(failedRow.get("output_objects")).isEqualTo("[]");
    assertThat(row(cancelled.id).get("file_path"))
        .isEqualTo(location("uploads/" + cancelled.uploadName()));

    Map<String, Object> heldRow = row(held.id);
    assertThat(heldRow.get("held_at")).isNotNull();
    assertThat(heldRow.get("held_by")).isEqualTo("admin");
    assertThat(heldRow.get("hold_reason")).isEqualTo("legal");
    // a result_path naming the output directory itself names the prefix
    assertThat(heldRow.get("result_path")).isEqualTo(location("outputs/" + held.id + "/"));
    assertThat(item(report, held.id).held()).isTrue();
    assertThat(item(report, held.id).upload()).isEqualTo(key("uploads/" + held.uploadName()));

    assertThat(tree(layout.uploadsRoot())).isEmpty();
    assertThat(tree(layout.outputsRoot())).isEmpty();
    assertThat(report.left()).isEqualTo(new MigrationReport.Left(0, 0));
  }

  @Test
  void anImportedUploadKeepsItsForeignNameAsItsKey() throws IOException {
    String foreign = UUID.randomUUID() + "_brain scan.nii";
    JobFixture imported = aJob().uploadName(foreign).named("brain scan.nii").create();

    MigrationReport report = run();

    assertThat(item(report, imported.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
    assertThat(row(imported.id).get("file_path")).isEqualTo(location("uploads/" + foreign));
    assertThat(bucket()).containsEntry(key("uploads/" + foreign), "a,b\n1,2\n");
    assertThat(imported.uploadPath()).doesNotExist();
  }

  @Test
  void aJobWhoseUploadIsMissingIsReportedAndNotSwitched() throws IOException {
    JobFixture missing = aJob().create();
    Files.delete(missing.uploadPath());
    Map<String, Object> before = row(missing.id);

    MigrationReport report = run();

    Item item = item(report, missing.id);
    assertThat(item.outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item.reason()).contains("is missing").contains("not switched");
    assertThat(report.anyFailed()).isTrue();
    assertThat(row(missing.id)).isEqualTo(before);
    assertThat(missing.outputDir().resolve("results.json")).hasContent("{\"ok\":true}");
    assertThat(bucket()).isEmpty();
    assertThat(report.left().jobEntries()).isEqualTo(1);
  }

  @Test
  void pendingRunningAndDeletingJobsAreSkippedAndLeftAlone() throws IOException {
    JobFixture pending = aJob().status("pending").noOutputs().create();
    JobFixture running = aJob().status("running").noOutputs().create();
    JobFixture deleting = aJob().status("deleting").create();
    JobFixture stuck = aJob().status("stuck").create();
    Snapshot before = snapshot();

    MigrationReport report = run();

    assertThat(report.counts().skipped()).isEqualTo(4);
    assertThat(report.anyFailed()).isFalse();
    assertThat(item(report, pending.id).reason()).contains("pending").contains("rerun");
    assertThat(item(report, running.id).reason()).contains("running");
    assertThat(item(report, deleting.id).reason()).contains("being deleted");
    assertThat(item(report, stuck.id).outcome()).isEqualTo(MigrationReport.SKIPPED);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aJobWhoseImportIsUnfinishedIsSkipped() throws IOException {
    JobFixture adopting = aJob().create();
    jdbc.sql(
            """
            insert into neuroinsight_imports (job_id, state, started_at)
            values (:id, 'adopting', :now)
            """)
        .param("id", adopting.id)
        .param("now", Sql.ts(START))
        .update();
    Snapshot before = snapshot();

    MigrationReport report = run();

    assertThat(item(report, adopting.id).outcome()).isEqualTo(MigrationReport.SKIPPED);
    assertThat(item(report, adopting.id).reason()).contains("import");
    assertThat(snapshot()).isEqualTo(before);
  }

  // ---- hostile input ----------------------------------------------------------------------------

  @Test
  void hostileNamesRoundTripExactly() throws IOException {
    String foreign = UUID.randomUUID() + "_a b%20c+d\né 東京.nii";
    JobFixture job =
        aJob()
            .uploadName(foreign)
            .named("a b%20c+d\né 東京.nii")
            .output("with space/50% + more.txt", "percent")
            .output("line\nbreak.txt", "newline")
            .output("ünïcødé/東京.csv", "unicode")
            .create();

    MigrationReport report = run();

    assertThat(item(report, job.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
    Map<String, String> bucket = bucket();
    assertThat(bucket)
        .containsEntry(key("uploads/" + foreign), "a,b\n1,2\n")
        .containsEntry(key("outputs/" + job.id + "/with space/50% + more.txt"), "percent")
        .containsEntry(key("outputs/" + job.id + "/line\nbreak.txt"), "newline")
        .containsEntry(key("outputs/" + job.id + "/ünïcødé/東京.csv"), "unicode");
    assertThat(row(job.id).get("file_path")).isEqualTo(location("uploads/" + foreign));
    JsonNode objects =
        JsonMapper.builder().build().readTree((String) row(job.id).get("output_objects"));
    List<String> paths = new ArrayList<>();
    objects.forEach(pair -> paths.add(pair.get(0).asString()));
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "results.json", "with space/50% + more.txt", "line\nbreak.txt", "ünïcødé/東京.csv");
    assertThat(tree(layout.outputsRoot())).isEmpty();
  }

  @Test
  void aSymbolicLinkInAnOutputTreeIsNeitherFollowedNorCopied() throws IOException {
    Path secret = outside.resolve("secret.txt");
    Files.writeString(secret, "not yours");
    JobFixture linked = aJob().create();
    Files.createSymbolicLink(linked.outputDir().resolve("leak.txt"), secret);
    JobFixture plain = aJob().create();
    Map<String, Object> before = row(linked.id);

    MigrationReport report = run();

    Item item = item(report, linked.id);
    assertThat(item.outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item.reason()).contains("leak.txt").contains("symbolic link");
    assertThat(item.reason()).doesNotContain(layout.dataDir().toString());
    assertThat(row(linked.id)).isEqualTo(before);
    assertThat(Files.isSymbolicLink(linked.outputDir().resolve("leak.txt"))).isTrue();
    assertThat(linked.uploadPath()).exists();
    assertThat(secret).hasContent("not yours");
    assertThat(bucket().keySet()).noneMatch(k -> k.contains(linked.id.toString()));
    assertThat(item(report, plain.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
  }

  @Test
  void anOutputDirectoryThatIsALinkIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(outside.resolve("tree"));
    Files.writeString(elsewhere.resolve("results.json"), "elsewhere");
    JobFixture job = aJob().noOutputs().create();
    Files.createSymbolicLink(job.outputDir(), elsewhere);

    MigrationReport report = run();

    assertThat(item(report, job.id).outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item(report, job.id).reason()).contains("symbolic link");
    assertThat(elsewhere.resolve("results.json")).hasContent("elsewhere");
    assertThat(Files.isSymbolicLink(job.outputDir())).isTrue();
    assertThat(bucket()).isEmpty();
  }

  @Test
  void aResultPathOutsideTheJobsOutputDirectoryIsNotMigrated() throws IOException {
    JobFixture job = aJob().create();
    Path foreign = layout.outputsRoot().resolve("restored-results");
    Files.createDirectories(foreign);
    Files.writeString(foreign.resolve("r.json"), "{}");
    jdbc.sql("update jobs set result_path = :p where id = :id")
        .param("p", foreign.resolve("r.json").toString())
        .param("id", job.id)
        .update();
    Map<String, Object> before = row(job.id);

    MigrationReport report = run();

    assertThat(item(report, job.id).outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item(report, job.id).reason()).contains("outputs/restored-results/r.json");
    assertThat(row(job.id)).isEqualTo(before);
    assertThat(bucket()).isEmpty();
  }

  @Test
  void filesThatAreNoJobsAreNeitherMigratedNorDeleted() throws IOException {
    JobFixture job = aJob().create();
    Path orphanUpload = layout.uploadsRoot().resolve(UUID.randomUUID() + "_lost.csv");
    Files.writeString(orphanUpload, "orphan");
    Path unrecognised = layout.uploadsRoot().resolve("notes.txt");
    Files.writeString(unrecognised, "notes");
    Path orphanOutput = layout.outputDir(UUID.randomUUID());
    Files.createDirectories(orphanOutput);
    Files.writeString(orphanOutput.resolve("results.json"), "{}");

    MigrationReport dry = dry();
    assertThat(dry.left()).isEqualTo(new MigrationReport.Left(2, 3));

    MigrationReport report = run();

    assertThat(item(report, job.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
    assertThat(report.left()).isEqualTo(new MigrationReport.Left(0, 3));
    assertThat(orphanUpload).hasContent("orphan");
    assertThat(unrecognised).hasContent("notes");
    assertThat(orphanOutput.resolve("results.json")).hasContent("{}");
    assertThat(bucket().keySet())
        .containsExactlyInAnyOrder(
            key("uploads/" + job.uploadName()), key("outputs/" + job.id + "/results.json"));
  }

  // ---- crashes, races and reruns ----------------------------------------------------------------

  @Test
  void aKillBetweenPutAndSwitchLeavesTheJobOnDiskAndTheRerunConverges() throws IOException {
    JobFixture job = aJob().output("deep/er/file.txt", "deep").create();
    Map<String, Object> before = row(job.id);
    Map<String, String> local = tree(layout.outputsRoot());
    migration.checkpoint =
        step -> {
          if (step.equals("put")) {
            throw new Kill(step);
          }
        };

    assertThatThrownBy(this::run).isInstanceOf(Kill.class);

    // reachable where it was: the row and every local file untouched
    assertThat(row(job.id)).isEqualTo(before);
    assertThat(tree(layout.outputsRoot())).isEqualTo(local);
    assertThat(job.uploadPath()).hasContent("a,b\n1,2\n");

    migration.checkpoint = step -> {};
    MigrationReport rerun = run();

    assertThat(item(rerun, job.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
    assertThat(row(job.id).get("file_path")).isEqualTo(location("uploads/" + job.uploadName()));
    assertThat(bucket())
        .hasSize(3)
        .containsEntry(key("outputs/" + job.id + "/deep/er/file.txt"), "deep");
    assertThat(tree(layout.outputsRoot())).isEmpty();
    assertThat(job.uploadPath()).doesNotExist();
  }

  @Test
  void aKillBetweenSwitchAndRemovalIsFinishedByTheRerun() throws IOException {
    JobFixture job = aJob().create();
    JobFixture next = aJob().create();
    migration.checkpoint =
        step -> {
          if (step.equals("switched")) {
            throw new Kill(step);
          }
        };

    assertThatThrownBy(this::run).isInstanceOf(Kill.class);

    // the first job in id order was switched: it names verified objects, its local copy is still
    // there; the other was not reached
    JobFixture first = job.id.compareTo(next.id) < 0 ? job : next;
    JobFixture second = first == job ? next : job;
    // H2 and PostgreSQL order uuids alike here only if the page says so: read which one was taken
    boolean firstSwitched = ObjectLocations.isObject((String) row(first.id).get("file_path"));
    JobFixture switched = firstSwitched ? first : second;
    JobFixture untouched = firstSwitched ? second : first;
    assertThat(row(switched.id).get("file_path"))
        .isEqualTo(location("uploads/" + switched.uploadName()));
    assertThat(switched.uploadPath()).exists();
    assertThat(switched.outputDir().resolve("results.json")).exists();
    assertThat(row(untouched.id).get("file_path")).isEqualTo(untouched.uploadPath().toString());
    Map<String, String> bucketAfterKill = bucket();

    migration.checkpoint = step -> {};
    MigrationReport dryRerun = dry();
    assertThat(item(dryRerun, untouched.id).outcome()).isEqualTo(MigrationReport.MIGRATED);
    assertThat(switched.uploadPath()).exists();
    assertThat(bucket()).isEqualTo(bucketAfterKill);

    MigrationReport rerun = run();

    assertThat(rerun.counts().present()).isEqualTo(1);
    assertThat(rerun.counts().migrated()).isEqualTo(1);
    assertThat(switched.uploadPath()).doesNotExist();
    assertThat(switched.outputDir()).doesNotExist();
    assertThat(tree(layout.uploadsRoot())).isEmpty();
    assertThat(tree(layout.outputsRoot())).isEmpty();
    assertThat(bucket()).hasSize(4);
  }

  @Test
  void aLeftoverThatDiffersFromItsObjectIsKept() throws IOException {
    JobFixture job = aJob().create();
    migration.checkpoint =
        step -> {
          if (step.equals("switched")) {
            throw new Kill(step);
          }
        };
    assertThatThrownBy(this::run).isInstanceOf(Kill.class);
    Files.writeString(job.outputDir().resolve("results.json"), "{\"changed\":1}");
    migration.checkpoint = step -> {};

    MigrationReport rerun = run();

    Item item = item(rerun, job.id);
    assertThat(item.outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item.reason()).contains("results.json differs");
    assertThat(job.outputDir().resolve("results.json")).hasContent("{\"changed\":1}");
    // the upload left matched its object: removed
    assertThat(job.uploadPath()).doesNotExist();
  }

  @Test
  void aJobClaimedForDeletionWhileItIsCopiedIsNotSwitched() throws IOException {
    JobFixture job = aJob().create();
    migration.checkpoint =
        step -> {
          if (step.equals("put")) {
            jdbc.sql("update jobs set status = 'deleting' where id = :id")
                .param("id", job.id)
                .update();
          }
        };

    MigrationReport report = run();

    Item item = item(report, job.id);
    assertThat(item.outcome()).isEqualTo(MigrationReport.FAILED);
    assertThat(item.reason()).contains("changed while it was copied");
    assertThat(row(job.id).get("file_path")).isEqualTo(job.uploadPath().toString());
    assertThat(row(job.id).get("status")).isEqualTo("deleting");
    assertThat(job.uploadPath()).exists();
    assertThat(job.outputDir().resolve("results.json")).exists();
  }

  @Test
  void aDryRunSaysWhatItWouldCopyAndWritesNothing() throws IOException {
    JobFixture one = aJob().output("a/b.txt", "12345").create();
    JobFixture two = aJob().status("failed").noOutputs().create();
    JobFixture missing = aJob().create();
    Files.delete(missing.uploadPath());
    Snapshot before = snapshot();

    MigrationReport report = dry();

    assertThat(report.dryRun()).isTrue();
    assertThat(report.counts().migrated()).isEqualTo(2);
    assertThat(report.counts().failed()).isEqualTo(1);
    assertThat(report.counts().files()).isEqualTo(3 + 1);
    assertThat(report.counts().bytes()).isEqualTo(8 + 11 + 5 + 8);
    assertThat(item(report, one.id).upload()).isEqualTo(key("uploads/" + one.uploadName()));
    assertThat(item(report, one.id).outputs()).isEqualTo(key("outputs/" + one.id + "/"));
    assertThat(item(report, two.id).reason()).startsWith("would be copied");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(bucket()).isEmpty();
  }

  @Test
  void aRerunAfterCompletionDoesNothing() throws IOException {
    aJob().create();
    aJob().status("failed").noOutputs().create();
    assertThat(run().counts().migrated()).isEqualTo(2);
    Snapshot after = snapshot();

    MigrationReport rerun = run();

    assertThat(rerun.counts().present()).isEqualTo(2);
    assertThat(rerun.counts().migrated()).isZero();
    assertThat(rerun.items()).isEmpty();
    assertThat(snapshot()).isEqualTo(after);
  }

  @Test
  void pagesThroughManyJobsWithSeveralThreads() throws IOException {
    List<UUID> ids = new ArrayList<>();
    migration.pageSize = 20;
    for (int i = 0; i < 20 * 3 + 7; i++) {
      ids.add(aJob().noOutputs().create().id);
    }
    List<UUID> seen = new ArrayList<>();

    MigrationReport report =
        migration.run(new StorageMigration.Options(false, 4), item -> seen.add(item.jobId()));

    assertThat(report.counts().migrated()).isEqualTo(ids.size());
    assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
    assertThat(
            jdbc.sql("select count(*) from jobs where file_path like 's3://%'")
                .query(Long.class)
                .single())
        .isEqualTo(ids.size());
    assertThat(tree(layout.uploadsRoot())).isEmpty();
  }

  @Test
  void aStoreThatCannotBeReachedStopsTheRunWithNothingSwitched() throws IOException {
    JobFixture job = aJob().create();
    Map<String, Object> before = row(job.id);
    ObjectStore nowhere =
        ObjectStore.open(
            new dev.storekeeper.storage.s3.ObjectStorageProperties(
                "s3",
                "no-such-bucket-" + UUID.randomUUID(),
                prefix,
                s3.endpoint().toString(),
                null,
                null),
            S3Proxy.credentials(),
            clock);
    StorageMigration broken =
        new StorageMigration(
            jdbc,
            jobs,
            layout,
            nowhere,
            new ObjectLocations(nowhere.bucket(), nowhere.keys()),
            tx,
            CommitBarrier.of(dataSource),
            clock);
    try {
      assertThatThrownBy(() -> broken.run(new StorageMigration.Options(false, 1), item -> {}))
          .isInstanceOf(dev.storekeeper.storage.s3.ObjectStoreException.class);
    } finally {
      nowhere.close();
    }
    assertThat(row(job.id)).isEqualTo(before);
    assertThat(job.uploadPath()).exists();
  }
}
