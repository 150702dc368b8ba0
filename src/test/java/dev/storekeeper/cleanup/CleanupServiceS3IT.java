package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.JobStatus.COMPLETED;
import static dev.storekeeper.jobs.JobStatus.FAILED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.Fixtures.Entry;
import dev.storekeeper.storage.s3.BucketStorage;
import dev.storekeeper.storage.s3.OnS3;
import dev.storekeeper.storage.s3.S3Backend;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The cleanup engine's cases only a bucket has: keys no filesystem name looks like, keys outside
 * {@code S3_PREFIX} (a neighbouring deployment's, the bucket's root), and rows whose {@code s3://}
 * paths climb out of the prefix with {@code ..} or name another bucket. Whatever is not ours stays.
 */
abstract class CleanupServiceS3IT extends CleanupServiceIT {

  BucketStorage bucket() {
    return (BucketStorage) fixtures.storage();
  }

  CleanupRun everything() {
    return run(new CleanupRequest(Trigger.CLI, false, false, false, false, null, null, null, true));
  }

  @Test
  void orphansWhoseKeysHoldNewlinesUnicodePercentAndPlusGoAndTheirUnrecognisedNeighboursStay() {
    UUID uploadId = UUID.randomUUID();
    Entry upload = fixtures.upload(uploadId + "_lost\nfile\t\u00fc%2F+%+ .csv").write("orphan");
    Entry output = fixtures.output(UUID.randomUUID().toString());
    output.resolve("deep/a b\n\u00fc%2e%2e+.json").write("{}");
    output.resolve("%2e%2e/..%2F/x").write("{}");
    Entry strange = fixtures.upload("notes \n\u00fc%+.txt").write("operator's");
    for (Entry entry : List.of(upload, output, strange)) {
      entry.touch(now().minus(Duration.ofDays(3)));
    }

    CleanupRun dry = dry();
    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(upload.exists()).isFalse();
    assertThat(output.exists()).isFalse();
    assertThat(strange.exists()).isTrue();
    assertThat(run.counts().orphanedUploads()).isEqualTo(1);
    assertThat(run.counts().orphanedOutputs()).isEqualTo(1);
    assertThat(run.counts().unrecognizedFound()).isEqualTo(1);
    assertThat(dry.counts()).isEqualTo(run.counts());
    assertThat(items(run))
        .filteredOn(i -> i.category() == Category.ORPHAN_UPLOAD)
        .singleElement()
        .satisfies(i -> assertThat(i.path()).isEqualTo(upload.stored()));

    CleanupRun included = everything();
    assertThat(strange.exists()).isFalse();
    assertThat(included.counts().unrecognizedDeleted()).isEqualTo(1);
  }

  @Test
  void keysOutsideThePrefixAreNeverListedNorDeletedEvenWithUnrecognisedIncluded() {
    UUID id = UUID.randomUUID();
    // a neighbouring deployment's prefix that begins like ours, the bucket's root, a lookalike
    List<String> outside =
        List.of(
            OnS3.PREFIX.substring(0, OnS3.PREFIX.length() - 1) + "-next/uploads/" + id + "_x.csv",
            OnS3.PREFIX.substring(0, OnS3.PREFIX.length() - 1) + "-next/outputs/" + id + "/r.json",
            "uploads/" + id + "_x.csv",
            "outputs/" + id + "/results.json",
            OnS3.PREFIX + "uploads" + id + "_x.csv",
            OnS3.PREFIX + "Uploads/" + id + "_x.csv");
    for (String key : outside) {
      bucket().put(key, "not ours");
      bucket().touch("/" + key, now().minus(Duration.ofDays(30)));
    }

    CleanupRun run = everything();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(outside).allMatch(bucket()::objectExists);
    assertThat(run.counts().itemsRecorded())
        .as("the prefix's own keys only: %s", items(run))
        .isZero();
  }

  @Test
  void aRowWhosePathClimbsOutOfThePrefixWithDotDotLosesItsRowAndNothingElse() {
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40))).create();
    CreatedJob results =
        fixtures.aJob(FAILED).finishedAt(now().minus(Duration.ofDays(40))).create();
    String victim = "victim/" + job.id() + "_scan.csv";
    String victimDir = "victim/" + results.id() + "/";
    bucket().put(victim, "keep me");
    bucket().put(victimDir + "results.json", "keep me too");
    setPaths(
        job.id(),
        "s3://" + bucket().bucket() + "/" + OnS3.PREFIX + "uploads/../../" + victim,
        null);
    setPaths(
        results.id(),
        "s3://" + bucket().bucket() + "/" + OnS3.PREFIX + "uploads/%2e%2e/" + results.id() + "_x",
        "s3://" + bucket().bucket() + "/" + OnS3.PREFIX + "outputs/../../" + victimDir);

    CleanupRun run = full();

    assertThat(fixtures.rowExists(job.id())).isFalse();
    assertThat(fixtures.rowExists(results.id())).isFalse();
    assertThat(bucket().objectExists(victim)).isTrue();
    assertThat(bucket().objectExists(victimDir + "results.json")).isTrue();
    assertThat(run.counts().completedJobs() + run.counts().failedJobs()).isEqualTo(2);
    // the jobs' own outputs below outputs/{id}/ still go with them
    assertThat(job.outputEntry().exists()).isFalse();
    assertThat(results.outputEntry().exists()).isFalse();
  }

  @Test
  void aRowNamingAnotherBucketLosesItsRowAndThatBucketKeepsItsObjects() {
    String other =
        "sk-other-" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    S3Client client = S3Backend.sharedClient();
    client.createBucket(r -> r.bucket(other));
    CreatedJob job = fixtures.aJob(COMPLETED).finishedAt(now().minus(Duration.ofDays(40))).create();
    String uploadKey = OnS3.PREFIX + "uploads/" + job.uploadEntry().name();
    String outputKey = OnS3.PREFIX + "outputs/" + job.id() + "/results.json";
    for (String key : List.of(uploadKey, outputKey)) {
      client.putObject(r -> r.bucket(other).key(key), RequestBody.fromString("theirs"));
    }
    job.uploadEntry().delete();
    setPaths(job.id(), "s3://" + other + "/" + uploadKey, "s3://" + other + "/" + outputKey);

    CleanupRun dry = dry();
    CleanupRun run = full();

    assertThat(run.outcome()).isEqualTo(Outcome.SUCCEEDED);
    assertThat(fixtures.rowExists(job.id())).isFalse();
    assertThat(dry.counts().completedJobs()).isEqualTo(1);
    for (String key : List.of(uploadKey, outputKey)) {
      assertThat(client.headObject(r -> r.bucket(other).key(key)).contentLength())
          .as("%s in bucket %s", key, other)
          .isEqualTo(6);
    }
  }

  void setPaths(UUID id, String filePath, String resultPath) {
    jdbc.sql("update jobs set file_path = :f, result_path = :r where id = :id")
        .param("f", filePath)
        .param("r", resultPath)
        .param("id", id)
        .update();
  }
}
