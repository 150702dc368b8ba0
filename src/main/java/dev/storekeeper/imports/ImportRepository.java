package dev.storekeeper.imports;

import static dev.storekeeper.jobs.Sql.ts;

import dev.storekeeper.jobs.Job;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for {@code neuroinsight_imports} (V13) and for the rows an import writes into jobs. */
@Repository
class ImportRepository {

  /** Who holds a job while its files are being adopted (jobs.held_by). */
  static final String HOLDER = "import";

  static final String HOLD_REASON =
      "import from NeuroInsight in progress: its files are being moved in; rerun"
          + " 'import neuroinsight' to finish";

  /** One row of neuroinsight_imports: where a job's files come from and go to. */
  record ImportRow(
      UUID jobId,
      String state,
      String uploadFrom,
      String uploadTo,
      String outputFrom,
      String outputTo) {
    boolean done() {
      return state.equals("done");
    }
  }

  private final JdbcClient jdbc;

  ImportRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  Map<UUID, ImportRow> find(Collection<UUID> ids) {
    Map<UUID, ImportRow> rows = new HashMap<>();
    if (ids.isEmpty()) {
      return rows;
    }
    jdbc.sql(
            """
            select job_id, state, upload_from, upload_to, output_from, output_to
              from neuroinsight_imports where job_id in (:ids)
            """)
        .param("ids", ids)
        .query(
            rs -> {
              UUID id = rs.getObject("job_id", UUID.class);
              rows.put(
                  id,
                  new ImportRow(
                      id,
                      rs.getString("state"),
                      rs.getString("upload_from"),
                      rs.getString("upload_to"),
                      rs.getString("output_from"),
                      rs.getString("output_to")));
            });
    return rows;
  }

  /**
   * The job's row as the import writes it: finished, with its sizes, and held by the import so that
   * no deletion path (retention, capacity, a plan, a single-job delete) takes it before its files
   * have arrived.
   */
  void insertJob(Job job, Instant now) {
    jdbc.sql(
            """
            insert into jobs (id, filename, file_path, status, progress, current_step,
                              error_message, created_at, started_at, completed_at, result_path,
                              upload_bytes, output_bytes, attempts, held_at, held_by, hold_reason)
            values (:id, :filename, :filePath, :status, :progress, :step, :error, :createdAt,
                    :startedAt, :completedAt, :resultPath, :uploadBytes, :outputBytes, :attempts,
                    :now, :holder, :reason)
            """)
        .param("id", job.id())
        .param("filename", truncate(job.filename(), 1024))
        .param("filePath", job.filePath())
        .param("status", job.status().value())
        .param("progress", job.progress())
        .param("step", truncate(job.currentStep(), 255))
        .param("error", truncate(job.errorMessage(), 8192))
        .param("createdAt", ts(job.createdAt()))
        .param("startedAt", ts(job.startedAt()))
        .param("completedAt", ts(job.completedAt()))
        .param("resultPath", job.resultPath())
        .param("uploadBytes", job.uploadBytes())
        .param("outputBytes", job.outputBytes())
        .param("attempts", job.attempts())
        .param("now", ts(now))
        .param("holder", HOLDER)
        .param("reason", HOLD_REASON)
        .update();
  }

  void insert(ImportRow row, Instant now) {
    jdbc.sql(
            """
            insert into neuroinsight_imports (job_id, state, upload_from, upload_to, output_from,
                                              output_to, started_at)
            values (:id, :state, :uploadFrom, :uploadTo, :outputFrom, :outputTo, :now)
            """)
        .param("id", row.jobId())
        .param("state", row.state())
        .param("uploadFrom", row.uploadFrom())
        .param("uploadTo", row.uploadTo())
        .param("outputFrom", row.outputFrom())
        .param("outputTo", row.outputTo())
        .param("now", ts(now))
        .update();
  }

  /**
   * The files are in: lifts the import's own hold (an operator's hold placed meanwhile stays) and
   * marks the import done.
   */
  void finish(UUID id, Instant now) {
    jdbc.sql(
            """
            update jobs set held_at = null, held_by = null, hold_reason = null
             where id = :id and held_by = :holder and hold_reason = :reason
            """)
        .param("id", id)
        .param("holder", HOLDER)
        .param("reason", HOLD_REASON)
        .update();
    int marked =
        jdbc.sql(
                """
                update neuroinsight_imports set state = 'done', finished_at = :now
                 where job_id = :id and state = 'adopting'
                """)
            .param("id", id)
            .param("now", ts(now))
            .update();
    if (marked != 1) {
      throw new IllegalStateException(
          "Expected one import of job " + id + " in progress, but marked " + marked);
    }
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }
}
