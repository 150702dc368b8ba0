package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.Sql;
import dev.storekeeper.storage.s3.ListEntry;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.OnS3;
import dev.storekeeper.storage.s3.OutputObjects;
import dev.storekeeper.storage.s3.S3Backend;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * The s3 backend end to end against a real S3 server (S3Proxy) and a real database (subclasses):
 * uploads, processing, downloads, and every deletion path — expiry, orphans, unrecognised keys, dry
 * runs, crashes, stale multipart uploads — with what each must keep. Objects carry the server's own
 * {@code LastModified} (now), so ages are made by moving the injected clock forward instead.
 * Retention as configured by default: 30 days completed, 7 failed, 24 h orphan grace.
 */
abstract class S3BackendIT extends StorekeeperIT {

  @Autowired CleanupService cleanup;
  @Autowired CleanupExecutor executor;
  @Autowired ObjectStore store;
  @Autowired ObjectLocations locations;
  @Autowired JobRepository jobRepository;
  @Autowired dev.storekeeper.storage.StorageLayout layout;

  /** When this test wrote its objects, as the store sees it (about now). */
  Instant written;

  @BeforeEach
  void emptyBucket() {
    store.deleteUnder(OnS3.PREFIX);
    written = Instant.now();
    clock.set(written);
  }

  @AfterEach
  void noCrashes() {
    executor.checkpoint = step -> {};
  }

  /** A job as the s3 worker leaves it: upload object, outputs, the record of its objects. */
  record Seeded(UUID id, String uploadKey, List<String> outputKeys) {}

  Seeded seed(JobStatus status, Instant finished, boolean recorded) {
    UUID id = UUID.randomUUID();
    String upload = store.keys().upload(id, "scan.csv");
    put(upload, "a,b\n1,2\n");
    List<String> outputs =
        List.of(
            store.keys().output(id, "results.json"),
            store.keys().output(id, "visualizations/slice 00 ü%+.png"));
    put(outputs.get(0), "{\"ok\":true}");
    put(outputs.get(1), "png-bytes");
    jdbc.sql(
            """
            insert into jobs (id, filename, file_path, status, progress, created_at, completed_at,
                              result_path, upload_bytes, output_bytes)
            values (:id, 'scan.csv', :path, :status, 100, :created, :completed, :result, 8, 20)
            """)
        .param("id", id)
        .param("path", locations.of(upload))
        .param("status", status.value())
        .param("created", Sql.ts(finished.minusSeconds(60)))
        .param("completed", Sql.ts(finished))
        .param("result", locations.of(outputs.get(0)))
        .update();
    jdbc.sql(
            "insert into metrics (job_id, name, \"value\", unit, created_at) values (:id, 'm', 1, 'u', :t)")
        .param("id", id)
        .param("t", Sql.ts(finished))
        .update();
    if (recorded) {
      jobRepository.setOutputObjects(
          id,
          OutputObjects.encode(
              List.of(
                  new OutputObjects.Entry("results.json", 11),
                  new OutputObjects.Entry("visualizations/slice 00 ü%+.png", 9))));
    }
    return new Seeded(id, upload, outputs);
  }

  void put(String key, String content) {
    try {
      store.put(key, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  boolean exists(String key) {
    return store.head(key).isPresent();
  }

  boolean rowExists(UUID id) {
    return jdbc.sql("select count(*) from jobs where id = :id")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  boolean gone(Seeded job) {
    return !rowExists(job.id())
        && !exists(job.uploadKey())
        && job.outputKeys().stream().noneMatch(this::exists);
  }

  boolean intact(Seeded job) {
    return rowExists(job.id())
        && exists(job.uploadKey())
        && job.outputKeys().stream().allMatch(this::exists);
  }

  CleanupRun run(boolean dryRun) {
    return cleanup.run(CleanupRequest.full(Trigger.CLI, dryRun), CleanupProgress.NONE);
  }

  List<String> shown(CleanupRun run) {
    List<String> items = new ArrayList<>();
    for (CleanupItem item : cleanup.items(run.id(), 0, 10_000)) {
      items.add(item.category() + " " + item.jobId() + " " + item.path() + " " + item.bytes());
    }
    items.sort(String::compareTo);
    return items;
  }

  @Test
  void uploadIsProcessedInTheBucketAndServedFromIt() {
    Http http = new Http(port);
    byte[] csv = "subject,volume\nsub-01,1200.5\n".getBytes(StandardCharsets.UTF_8);
    Http.Response created = http.upload("file", "scan 1;ü.csv", csv);
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().get("id").asText();
    String key = store.keys().upload(UUID.fromString(id), "scan_1_.csv");
    assertThat(exists(key)).isTrue();
    // nothing of the upload on the local disk
    assertThat(layout.uploadsRoot().toFile().list()).isEmpty();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/jobs/" + id).json().get("status").asText().equals("completed"));
    JsonNode job = http.get("/jobs/" + id).json();
    assertThat(job.get("file_path").asText()).isEqualTo("uploads/" + id + "_scan_1_.csv");
    assertThat(job.get("result_path").asText()).startsWith("outputs/" + id + "/");
    assertThat(job.get("output_bytes").asLong()).isPositive();
    assertThat(exists(store.keys().output(UUID.fromString(id), "results.json"))).isTrue();
    assertThat(layout.outputsRoot().toFile().list()).isEmpty();
    // the scratch is gone once the job is done
    assertThat(Files.exists(layout.workRoot().resolve(id))).isFalse();
    assertThat(jobRepository.outputObjects(List.of(UUID.fromString(id))).get(UUID.fromString(id)))
        .contains("results.json");

    Http.Response listing = http.get("/jobs/" + id + "/outputs");
    assertThat(listing.status()).isEqualTo(200);
    assertThat(listing.body()).contains("results.json", "metrics.csv");
    Http.Response download = http.get("/jobs/" + id + "/outputs/results.json");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.body()).contains("sha256");
    assertThat(http.get("/jobs/" + id + "/outputs/nothing-here.txt").status()).isEqualTo(404);
    assertThat(http.get("/jobs/" + id + "/outputs/a/../results.json").status()).isIn(400, 404);
  }

  @Test
  void expiredJobsGoWithAllTheirObjectsAndEverythingElseStays() {
    Seeded expired = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(31)), true);
    Seeded expiredUnrecorded = seed(JobStatus.FAILED, written.minus(Duration.ofDays(8)), false);
    Seeded recent = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(29)), true);
    Seeded recentFailed = seed(JobStatus.FAILED, written.minus(Duration.ofDays(6)), false);
    Seeded held = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(90)), true);
    jdbc.sql(
            "update jobs set held_at = :t, held_by = 'admin', hold_reason = 'audit' where id = :id")
        .param("t", Sql.ts(written))
        .param("id", held.id())
        .update();

    CleanupRun run = run(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(gone(expired)).isTrue();
    assertThat(gone(expiredUnrecorded)).isTrue();
    assertThat(intact(recent)).isTrue();
    assertThat(intact(recentFailed)).isTrue();
    assertThat(intact(held)).isTrue();
    assertThat(run.counts().completedJobs()).isEqualTo(1);
    assertThat(run.counts().failedJobs()).isEqualTo(1);
    assertThat(run.counts().bytesFreed()).isEqualTo(2 * (8 + 11 + 9));
    assertThat(jobRepository.outputObjects(List.of(expired.id()))).isEmpty();
  }

  @Test
  void aDryRunListsExactlyWhatTheRealRunThenDeletes() {
    seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(40)), true);
    seed(JobStatus.FAILED, written.minus(Duration.ofDays(10)), false);
    seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(1)), true);
    put(store.keys().upload(UUID.randomUUID(), "lost.csv"), "orphan");
    put(store.keys().output(UUID.randomUUID(), "results.json"), "{}");
    clock.set(written.plus(Duration.ofHours(25)));

    CleanupRun dry = run(true);
    List<String> planned = shown(dry);
    CleanupRun real = run(false);

    assertThat(planned).hasSize(4);
    assertThat(shown(real)).isEqualTo(planned);
    assertThat(real.counts().bytesFreed()).isEqualTo(dry.counts().bytesFreed());
  }

  @Test
  void orphansGoAfterTheGraceWindowAndNotBefore() {
    UUID uploadId = UUID.randomUUID();
    String upload = store.keys().upload(uploadId, "lost file\n.csv");
    put(upload, "orphan");
    UUID outputId = UUID.randomUUID();
    String output = store.keys().output(outputId, "deep/er/results.json");
    put(output, "{}");

    clock.set(written.plus(Duration.ofHours(23)));
    CleanupRun early = run(false);
    assertThat(exists(upload)).isTrue();
    assertThat(exists(output)).isTrue();
    assertThat(early.counts().orphanedUploads()).isZero();

    clock.set(written.plus(Duration.ofHours(25)));
    CleanupRun late = run(false);
    assertThat(exists(upload)).isFalse();
    assertThat(exists(output)).isFalse();
    assertThat(late.counts().orphanedUploads()).isEqualTo(1);
    assertThat(late.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(rowExists(uploadId)).isFalse();
    assertThat(rowExists(outputId)).isFalse();
  }

  @Test
  void keysNoJobIdNamesAndKeysAJobRefersToAreKept() {
    String foreign = store.keys().uploadsPrefix() + "notes.txt";
    put(foreign, "mine");
    String nested = store.keys().outputsPrefix() + "stray/readme.md";
    put(nested, "mine too");
    String outside = "elsewhere/" + UUID.randomUUID() + "_x.csv";
    try (S3Client client = S3Backend.client()) {
      client.putObject(
          r -> r.bucket(store.bucket()).key(outside),
          software.amazon.awssdk.core.sync.RequestBody.fromString("not ours"));
    }
    // an imported upload: named by a UUID that is not its job's id, referenced by its row
    Seeded job = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(1)), true);
    String imported = store.keys().upload(UUID.randomUUID(), "imported.csv");
    put(imported, "imported");
    jdbc.sql("update jobs set file_path = :path where id = :id")
        .param("path", locations.of(imported))
        .param("id", job.id())
        .update();
    clock.set(written.plus(Duration.ofHours(25)));

    CleanupRun run = run(false);

    assertThat(exists(foreign)).isTrue();
    assertThat(exists(nested)).isTrue();
    assertThat(exists(imported)).isTrue();
    assertThat(rowExists(job.id())).isTrue();
    assertThat(run.counts().unrecognizedFound()).isEqualTo(2);
    try (S3Client client = S3Backend.client()) {
      assertThat(client.headObject(r -> r.bucket(store.bucket()).key(outside)).contentLength())
          .isEqualTo(8);
    }
  }

  @Test
  void aRowPointingOutsideTheBucketsPrefixLosesItsRowButNothingElse() {
    Seeded job = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(31)), true);
    String outside = "elsewhere/" + job.id() + "_scan.csv";
    try (S3Client client = S3Backend.client()) {
      client.putObject(
          r -> r.bucket(store.bucket()).key(outside),
          software.amazon.awssdk.core.sync.RequestBody.fromString("keep me"));
    }
    jdbc.sql("update jobs set file_path = :path where id = :id")
        .param("path", "s3://" + store.bucket() + "/" + outside)
        .param("id", job.id())
        .update();

    run(false);

    assertThat(rowExists(job.id())).isFalse();
    try (S3Client client = S3Backend.client()) {
      assertThat(client.headObject(r -> r.bucket(store.bucket()).key(outside)).contentLength())
          .isEqualTo(7);
    }
  }

  @Test
  void aRunKilledAfterEachStepConvergesOnTheNextRun() {
    for (String step : List.of("claimed", "files")) {
      Seeded job = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(31)), true);
      Seeded kept = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(2)), true);
      executor.checkpoint =
          at -> {
            if (at.equals(step)) {
              throw new SimulatedCrash();
            }
          };
      try {
        run(false);
      } catch (SimulatedCrash crashed) {
        // the simulated kill
      }
      executor.checkpoint = at -> {};
      assertThat(intact(kept)).isTrue();
      // the killed holder never released the lock: the next run waits out the lease
      assertThatThrownBy(() -> run(false)).isInstanceOf(AlreadyRunningException.class);
      clock.advance(Duration.ofMinutes(2));

      CleanupRun next = run(false);

      assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
      assertThat(gone(job)).as("after a crash at %s", step).isTrue();
      assertThat(intact(kept)).isTrue();
      assertThat(
              jdbc.sql("select count(*) from jobs where status = 'deleting'")
                  .query(Long.class)
                  .single())
          .isZero();
    }
  }

  @Test
  void staleMultipartUploadsAreAbortedAndYoungOnesKept() {
    String key = store.keys().upload(UUID.randomUUID(), "big.bin");
    String uploadId;
    try (S3Client client = S3Backend.client()) {
      uploadId = client.createMultipartUpload(r -> r.bucket(store.bucket()).key(key)).uploadId();
    }
    clock.set(written.plus(Duration.ofHours(23)));
    run(false);
    assertThat(pendingUploads()).contains(uploadId);

    clock.set(written.plus(Duration.ofHours(25)));
    run(false);
    assertThat(pendingUploads()).doesNotContain(uploadId);
  }

  private List<String> pendingUploads() {
    try (S3Client client = S3Backend.client()) {
      return client
          .listMultipartUploads(r -> r.bucket(store.bucket()).prefix(OnS3.PREFIX))
          .uploads()
          .stream()
          .map(u -> u.uploadId())
          .toList();
    }
  }

  @Test
  void theOrphanSweepNeverTakesAKeyWhoseRowExists() {
    Seeded live = seed(JobStatus.PENDING, written, false);
    jdbc.sql("update jobs set completed_at = null where id = :id").param("id", live.id()).update();
    clock.set(written.plus(Duration.ofDays(400)));

    run(false);

    assertThat(intact(live)).isTrue();
    List<String> keys = new ArrayList<>();
    for (ListEntry.StoredObject object : store.objectsUnder(OnS3.PREFIX)) {
      keys.add(object.key());
    }
    assertThat(keys).contains(live.uploadKey());
  }

  /**
   * More entries than a listing page in {@code uploads/} and {@code outputs/}: the sweep lists them
   * in parts (one shard per first hex digit, ranges for other names). Each orphan, whatever its
   * shard, goes once; what a row owns stays; foreign names before, between and after the shards are
   * kept and shown once each.
   */
  @Test
  void aSweepOverMoreThanAPageTakesEachOrphanOnceAndKeepsEverythingElse() throws Exception {
    List<Seeded> live = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      live.add(seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(2)), true));
    }
    // written as S3Proxy keeps objects (a file per key): 1,100 PUTs would take longer than the run
    java.util.Random random = new java.util.Random(5);
    List<String> orphans = new ArrayList<>();
    for (int i = 0; i < 1100; i++) {
      orphans.add(store.keys().upload(new UUID(random.nextLong(), random.nextLong()), "lost.csv"));
    }
    for (int i = 0; i < 30; i++) {
      orphans.add(store.keys().output(new UUID(random.nextLong(), random.nextLong()), "r/x.json"));
    }
    List<String> foreign = new ArrayList<>();
    for (String name :
        List.of(" space", "#hash", ":colon", "Ztop", "`tick", "zeta", "\u00e9t\u00e9")) {
      foreign.add(store.keys().uploadsPrefix() + name);
      foreign.add(store.keys().outputsPrefix() + name + "/inside.txt");
    }
    for (String key : concat(orphans, foreign)) {
      java.nio.file.Path file = S3Backend.blobFile(store.bucket(), key);
      Files.createDirectories(file.getParent());
      Files.writeString(file, "lost");
    }
    clock.set(written.plus(Duration.ofHours(25)));

    CleanupRun run = run(false);

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(run.counts().orphanedUploads()).isEqualTo(1100);
    assertThat(run.counts().orphanedOutputs()).isEqualTo(30);
    assertThat(run.counts().unrecognizedFound()).isEqualTo(foreign.size());
    List<String> items = shown(run);
    assertThat(items).hasSize(1130 + foreign.size()).doesNotHaveDuplicates();
    assertThat(orphans).noneMatch(this::exists);
    assertThat(foreign).allMatch(this::exists);
    assertThat(live).allMatch(this::intact);
  }

  /**
   * A run that deletes expired jobs and then sweeps orphans lists {@code outputs/} while it deletes
   * (ListingAhead). Here the listing is complete before the first job's files go, so it holds the
   * output entries of every job the run then deletes — by its own id, by another id (a result_path
   * into another entry) — and a job's object the record misses. Each item is taken once, exactly as
   * the dry run said; the missed object stays for the next run's sweep.
   */
  @Test
  void aRunThatListsOutputsWhileItDeletesJobsTakesEachItemOnceAsTheDryRunSaid() throws Exception {
    List<Seeded> expired = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expired.add(seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(40)), true));
    }
    expired.add(seed(JobStatus.FAILED, written.minus(Duration.ofDays(10)), false));
    Seeded elsewhere = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(40)), true);
    String other = store.keys().output(UUID.randomUUID(), "results.json");
    put(other, "{\"elsewhere\":1}");
    jdbc.sql("update jobs set result_path = :path where id = :id")
        .param("path", locations.of(other))
        .param("id", elsewhere.id())
        .update();
    String missed = store.keys().output(expired.get(0).id(), "from an earlier attempt.txt");
    put(missed, "left");
    List<Seeded> live =
        List.of(
            seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(2)), true),
            seed(JobStatus.FAILED, written.minus(Duration.ofDays(1)), false));
    List<String> orphans =
        List.of(
            store.keys().output(UUID.randomUUID(), "results.json"),
            store.keys().output(UUID.randomUUID(), "deep/er/x.png"),
            store.keys().upload(UUID.randomUUID(), "lost.csv"));
    for (String key : orphans) {
      put(key, "lost");
    }
    String stray = store.keys().outputsPrefix() + "stray/readme.md";
    put(stray, "mine");
    clock.set(written.plus(Duration.ofHours(25)));
    executor.beforeFiles =
        job ->
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> threadsNamed("cleanup-list-ahead") == 0);

    CleanupRun dry;
    CleanupRun real;
    try {
      dry = run(true);
      real = run(false);
    } finally {
      executor.beforeFiles = job -> {};
    }

    assertThat(real.outcome()).isEqualTo(Outcome.SUCCEEDED);
    List<String> items = shown(real);
    assertThat(items).isEqualTo(shown(dry)).doesNotHaveDuplicates();
    assertThat(real.counts().completedJobs()).isEqualTo(4);
    assertThat(real.counts().failedJobs()).isEqualTo(1);
    assertThat(real.counts().orphanedUploads()).isEqualTo(1);
    assertThat(real.counts().orphanedOutputs()).isEqualTo(2);
    assertThat(real.counts().bytesFreed()).isEqualTo(dry.counts().bytesFreed());
    for (Seeded job : expired) {
      assertThat(items.stream().filter(item -> item.contains(job.id().toString()))).hasSize(1);
    }
    assertThat(concat(orphans, List.of(other))).noneMatch(this::exists);
    assertThat(expired).allMatch(this::gone);
    assertThat(gone(elsewhere)).isTrue();
    assertThat(live).allMatch(this::intact);
    assertThat(exists(stray)).isTrue();
    assertThat(exists(missed)).isTrue();
    try (var left = Files.list(workRoot())) {
      assertThat(left.filter(file -> file.getFileName().toString().endsWith(".spool"))).isEmpty();
    }

    CleanupRun next = run(false);

    assertThat(exists(missed)).isFalse();
    assertThat(shown(next).stream().filter(item -> !item.startsWith("UNRECOGNIZED ")).toList())
        .singleElement()
        .asString()
        .startsWith("ORPHAN_OUTPUT " + expired.get(0).id());
    assertThat(exists(stray)).isTrue();
    assertThat(live).allMatch(this::intact);
  }

  /** Where the listing cannot be kept (WORK_DIR is a file), the sweep lists when it gets there. */
  @Test
  void aRunWhoseListingCannotBeKeptListsWhenTheSweepStarts() throws Exception {
    Seeded expired = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(40)), true);
    Seeded live = seed(JobStatus.COMPLETED, written.minus(Duration.ofDays(2)), true);
    String orphan = store.keys().output(UUID.randomUUID(), "results.json");
    put(orphan, "lost");
    clock.set(written.plus(Duration.ofHours(25)));
    java.nio.file.Path work = workRoot();
    java.nio.file.Path aside = work.resolveSibling(work.getFileName() + ".aside");
    boolean existed = Files.exists(work);
    if (existed) {
      Files.move(work, aside);
    }
    Files.writeString(work, "not a directory");
    CleanupRun run;
    try {
      run = run(false);
    } finally {
      Files.delete(work);
      if (existed) {
        Files.move(aside, work);
      }
    }

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(gone(expired)).isTrue();
    assertThat(exists(orphan)).isFalse();
    assertThat(run.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(intact(live)).isTrue();
  }

  private java.nio.file.Path workRoot() {
    return layout.workRoot();
  }

  private static long threadsNamed(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(thread -> thread.getName().equals(name) && thread.isAlive())
        .count();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
