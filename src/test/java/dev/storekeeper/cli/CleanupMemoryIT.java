package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Fixtures.CreatedJob;
import dev.storekeeper.jobs.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Memory does not grow with the number of jobs: a full cleanup of 20,000 expired jobs (rows,
 * metrics, uploads, output directories) in a JVM limited to a 96 MB heap, on PostgreSQL. Paging,
 * streaming scans and per-batch ledger flushes are what make this pass; loading all ids would not.
 */
class CleanupMemoryIT {

  private static final int EXPIRED = 20_000;
  private static final int KEPT = 50;

  @TempDir Path work;

  @Test
  void cleansTwentyThousandJobsWithA96MegabyteHeap() {
    CliDatabase database = CliDatabase.postgres(work.resolve("data"));
    database.migrate();
    database.reset();
    Instant now = Instant.now();
    List<CreatedJob> kept = new ArrayList<>();
    database.with(
        db -> {
          for (int i = 0; i < EXPIRED; i++) {
            db.fixtures()
                .aJob(JobStatus.COMPLETED)
                .finishedAt(now.minus(Duration.ofDays(40 + i % 50)))
                .metrics(1)
                .create();
          }
          for (int i = 0; i < KEPT; i++) {
            kept.add(
                db.fixtures()
                    .aJob(JobStatus.COMPLETED)
                    .finishedAt(now.minus(Duration.ofDays(1)))
                    .create());
          }
          return null;
        });

    CliProcess.Result result =
        new CliProcess(work)
            .env(database.env())
            .javaWith(List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"), "cleanup", "--json");

    assertThat(result.exitCode()).as("%s", result).isZero();
    JsonNode report = JsonMapper.builder().build().readTree(result.stdout());
    assertThat(report.get("completed_jobs").asLong()).isEqualTo(EXPIRED);
    assertThat(report.get("upload_files_deleted").asLong()).isEqualTo(EXPIRED);
    assertThat(report.get("output_dirs_deleted").asLong()).isEqualTo(EXPIRED);
    database.with(
        db -> {
          assertThat(db.jdbc().sql("select count(*) from jobs").query(Long.class).single())
              .isEqualTo(KEPT);
          assertThat(kept).allMatch(db.fixtures()::intact);
          return null;
        });
  }
}
