package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the ledger: {@code cleanup_runs} and {@code cleanup_items}. */
@Repository
class CleanupRunRepository {

  private static final int MAX_ERRORS_TEXT = 60_000;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  CleanupRunRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  void insert(
      UUID id, Trigger trigger, String parameters, boolean dryRun, String node, Instant now) {
    jdbc.sql(
            """
            insert into cleanup_runs (id, "trigger", parameters, dry_run, node, started_at,
                                      heartbeat_at, outcome)
            values (:id, :trigger, :parameters, :dryRun, :node, :now, :now, 'running')
            """)
        .param("id", id)
        .param("trigger", trigger.value())
        .param("parameters", parameters)
        .param("dryRun", dryRun)
        .param("node", node)
        .param("now", ts(now))
        .update();
  }

  /** Marks a run as a plan: a dry run saved for review and {@code --apply-plan}. */
  void markPlan(UUID id) {
    jdbc.sql("update cleanup_runs set is_plan = true where id = :id").param("id", id).update();
  }

  /** Records which plan an apply run applies. */
  void linkPlan(UUID id, UUID planId) {
    jdbc.sql("update cleanup_runs set plan_id = :planId where id = :id")
        .param("id", id)
        .param("planId", planId)
        .update();
  }

  /** The plan figures of a plan (items it would delete) or of an apply run. */
  void planFigures(UUID id, long planned, long skipped) {
    jdbc.sql(
            """
            update cleanup_runs set planned_items = :planned, skipped_items = :skipped
             where id = :id
            """)
        .param("id", id)
        .param("planned", planned)
        .param("skipped", skipped)
        .update();
  }

  /** How many of a run's items ended with {@code result}. */
  long countItems(UUID runId, CleanupItem.Result result) {
    return jdbc.sql("select count(*) from cleanup_items where run_id = :runId and result = :result")
        .param("runId", runId)
        .param("result", result.value())
        .query(Long.class)
        .single();
  }

  /** A plan's items (what its dry run would delete) after {@code afterSeq}, in order. */
  List<CleanupItem> plannedItems(UUID planId, long afterSeq, int limit) {
    return jdbc.sql(
            """
            select seq, category, job_id, path, age_seconds, bytes, metrics, reason, result, error
              from cleanup_items
             where run_id = :runId and seq > :after and result = 'would_delete'
             order by seq fetch first :limit rows only
            """)
        .param("runId", planId)
        .param("after", afterSeq)
        .param("limit", limit)
        .query(CleanupRunRepository::mapItem)
        .list();
  }

  /** A plan's items by category: how many and how many bytes. */
  List<CategoryTotal> plannedTotals(UUID planId) {
    return jdbc.sql(
            """
            select category, count(*) as items, coalesce(sum(bytes), 0) as bytes
              from cleanup_items where run_id = :runId and result = 'would_delete'
             group by category order by category
            """)
        .param("runId", planId)
        .query(
            (rs, n) ->
                new CategoryTotal(
                    Category.of(rs.getString("category")),
                    rs.getLong("items"),
                    rs.getLong("bytes")))
        .list();
  }

  record CategoryTotal(Category category, long items, long bytes) {}

  /** The apply run of a plan that finished (succeeded or partial), if any. */
  Optional<CleanupRun> finishedApply(UUID planId) {
    return jdbc.sql(
            """
            select * from cleanup_runs
             where plan_id = :planId and outcome in ('succeeded', 'partial')
             order by started_at fetch first 1 rows only
            """)
        .param("planId", planId)
        .query(CleanupRunRepository::map)
        .optional();
  }

  /** Stores the running figures so that progress can be followed from another process. */
  void progress(UUID id, CleanupCounts counts, long itemsExpected, Instant now) {
    jdbc.sql(
            """
            update cleanup_runs set completed_jobs = :completed, failed_jobs = :failed,
                   cancelled_jobs = :cancelled, resumed_jobs = :resumed,
                   metrics_deleted = :metrics, upload_files_deleted = :uploads,
                   output_dirs_deleted = :outputs, orphaned_uploads = :orphanUploads,
                   orphaned_outputs = :orphanOutputs, orphan_bytes = :orphanBytes,
                   unrecognized_found = :unrecognized, unrecognized_bytes = :unrecognizedBytes,
                   unrecognized_deleted = :unrecognizedDeleted, bytes_freed = :bytes,
                   error_count = :errors, items_recorded = :items,
                   held_jobs = :held, kept_last_jobs = :keptLast,
                   items_expected = :expected, heartbeat_at = :now
             where id = :id
            """)
        .param("id", id)
        .param("completed", counts.completedJobs())
        .param("failed", counts.failedJobs())
        .param("cancelled", counts.cancelledJobs())
        .param("resumed", counts.resumedJobs())
        .param("metrics", counts.metricsDeleted())
        .param("uploads", counts.uploadFilesDeleted())
        .param("outputs", counts.outputDirsDeleted())
        .param("orphanUploads", counts.orphanedUploads())
        .param("orphanOutputs", counts.orphanedOutputs())
        .param("orphanBytes", counts.orphanBytes())
        .param("unrecognized", counts.unrecognizedFound())
        .param("unrecognizedBytes", counts.unrecognizedBytes())
        .param("unrecognizedDeleted", counts.unrecognizedDeleted())
        .param("bytes", counts.bytesFreed())
        .param("errors", counts.errorCount())
        .param("items", counts.itemsRecorded())
        .param("held", counts.heldJobs())
        .param("keptLast", counts.keptLastJobs())
        .param("expected", itemsExpected)
        .param("now", ts(now))
        .update();
  }

  void finish(UUID id, Outcome outcome, List<String> errors, Instant now) {
    String text = String.join("\n", errors);
    jdbc.sql(
            """
            update cleanup_runs set outcome = :outcome, finished_at = :now, errors = :errors
             where id = :id
            """)
        .param("id", id)
        .param("outcome", outcome.value())
        .param("now", ts(now))
        .param(
            "errors", text.length() > MAX_ERRORS_TEXT ? text.substring(0, MAX_ERRORS_TEXT) : text)
        .update();
  }

  /**
   * Runs still marked running that stopped heartbeating before {@code staleBefore} and do not hold
   * the lock died (killed or crashed): record that, so the ledger never shows them running.
   */
  int markAbandoned(Instant staleBefore, Instant now) {
    return jdbc.sql(
            """
            update cleanup_runs
               set outcome = 'failed', finished_at = :now,
                   errors = 'abandoned: the process running it stopped before it finished'
             where outcome = 'running' and heartbeat_at < :staleBefore
               and id not in (select run_id from cleanup_lock where run_id is not null)
            """)
        .param("staleBefore", ts(staleBefore))
        .param("now", ts(now))
        .update();
  }

  /** Which of these jobs the run has deleted, rows and all (its job items, not its orphans). */
  Set<UUID> jobsDeletedBy(UUID runId, Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                select distinct job_id from cleanup_items
                where run_id = :runId and job_id in (:ids) and result = :deleted
                  and category in (:categories)
                """)
            .param("runId", runId)
            .param("ids", ids)
            .param("deleted", CleanupItem.Result.DELETED.value())
            .param(
                "categories",
                List.of(
                    Category.COMPLETED_JOB.value(),
                    Category.FAILED_JOB.value(),
                    Category.CANCELLED_JOB.value(),
                    Category.RESUMED_JOB.value()))
            .query(UUID.class)
            .list());
  }

  void insertItems(UUID runId, List<CleanupItem> items) {
    if (items.isEmpty()) {
      return;
    }
    template.batchUpdate(
        """
        insert into cleanup_items (run_id, seq, category, job_id, path, age_seconds, bytes,
                                   metrics, reason, result, error)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        items,
        items.size(),
        (ps, item) -> {
          ps.setObject(1, runId);
          ps.setLong(2, item.seq());
          ps.setString(3, item.category().value());
          ps.setObject(4, item.jobId());
          ps.setString(5, clip(item.path(), 8192));
          if (item.ageSeconds() == null) {
            ps.setNull(6, Types.BIGINT);
          } else {
            ps.setLong(6, item.ageSeconds());
          }
          ps.setLong(7, item.bytes());
          ps.setLong(8, item.metrics());
          ps.setString(9, clip(item.reason(), 512));
          ps.setString(10, item.result().value());
          ps.setString(11, clip(item.error(), 2048));
        });
  }

  private static String clip(String text, int max) {
    if (text == null) {
      return null;
    }
    // invalid UTF-16 (from non-UTF-8 file names) must not break the insert
    String clean = text.replace('\0', '?');
    return clean.length() <= max ? clean : clean.substring(0, max);
  }

  List<CleanupItem> items(UUID runId, long afterSeq, int limit) {
    return jdbc.sql(
            """
            select seq, category, job_id, path, age_seconds, bytes, metrics, reason, result, error
              from cleanup_items where run_id = :runId and seq > :after
             order by seq fetch first :limit rows only
            """)
        .param("runId", runId)
        .param("after", afterSeq)
        .param("limit", limit)
        .query(CleanupRunRepository::mapItem)
        .list();
  }

  private static CleanupItem mapItem(ResultSet rs, int row) throws SQLException {
    return new CleanupItem(
        rs.getLong("seq"),
        Category.of(rs.getString("category")),
        rs.getObject("job_id", UUID.class),
        rs.getString("path"),
        rs.getObject("age_seconds") == null ? null : rs.getLong("age_seconds"),
        rs.getLong("bytes"),
        rs.getLong("metrics"),
        rs.getString("reason"),
        CleanupItem.Result.valueOf(rs.getString("result").toUpperCase()),
        rs.getString("error"));
  }

  Optional<CleanupRun> find(UUID id) {
    return jdbc.sql("select * from cleanup_runs where id = :id")
        .param("id", id)
        .query(CleanupRunRepository::map)
        .optional();
  }

  List<CleanupRun> list(int offset, int limit) {
    return jdbc.sql(
            """
            select * from cleanup_runs order by started_at desc, id desc
            offset :offset rows fetch next :limit rows only
            """)
        .param("offset", offset)
        .param("limit", limit)
        .query(CleanupRunRepository::map)
        .list();
  }

  /** Runs that were not dry runs, started at or after {@code from}, newest first. */
  List<CleanupRun> realRunsSince(Instant from, int limit) {
    return jdbc.sql(
            """
            select * from cleanup_runs where dry_run = false and started_at >= :from
             order by started_at desc, id desc fetch first :limit rows only
            """)
        .param("from", ts(from))
        .param("limit", limit)
        .query(CleanupRunRepository::map)
        .list();
  }

  long count() {
    return jdbc.sql("select count(*) from cleanup_runs").query(Long.class).single();
  }

  /** The newest finished run, optionally only real (not dry) runs that succeeded. */
  Optional<CleanupRun> lastFinished(boolean succeededOnly) {
    return jdbc.sql(
            """
            select * from cleanup_runs
             where outcome <> 'running'
               and (:succeededOnly = false or (outcome = 'succeeded' and dry_run = false))
             order by started_at desc, id desc fetch first 1 rows only
            """)
        .param("succeededOnly", succeededOnly)
        .query(CleanupRunRepository::map)
        .optional();
  }

  /** The newest finished run that scanned for orphans (its figures are the last scan's). */
  Optional<CleanupRun> lastOrphanScan() {
    return jdbc.sql(
            """
            select * from cleanup_runs
             where outcome <> 'running' and parameters like '%"orphans":true%'
             order by started_at desc, id desc fetch first 1 rows only
            """)
        .query(CleanupRunRepository::map)
        .optional();
  }

  /** When db-scheduler will next run a recurring task (its execution row), if it is scheduled. */
  Optional<Instant> nextScheduledRun(String taskName) {
    return jdbc.sql("select execution_time from scheduled_tasks where task_name = :name")
        .param("name", taskName)
        .query((rs, n) -> instant(rs, "execution_time"))
        .optional();
  }

  /**
   * The earliest moment the schedule has been known to exist: its last success or, before any, one
   * interval before its next execution. Used to judge "overdue" before the first success.
   */
  Optional<Instant> firstScheduledAt(String taskName) {
    return jdbc.sql(
            "select coalesce(last_success, execution_time) as since from scheduled_tasks where task_name = :name")
        .param("name", taskName)
        .query((rs, n) -> instant(rs, "since"))
        .optional();
  }

  /** Keeps the ledger bounded: finished runs older than the horizon go, with their items. */
  int purgeFinishedBefore(Instant horizon) {
    jdbc.sql(
            """
            delete from cleanup_items where run_id in
              (select id from cleanup_runs where outcome <> 'running' and started_at < :horizon)
            """)
        .param("horizon", ts(horizon))
        .update();
    return jdbc.sql("delete from cleanup_runs where outcome <> 'running' and started_at < :horizon")
        .param("horizon", ts(horizon))
        .update();
  }

  private static CleanupRun map(ResultSet rs, int row) throws SQLException {
    String errors = rs.getString("errors");
    return new CleanupRun(
        rs.getObject("id", UUID.class),
        Trigger.valueOf(rs.getString("trigger").toUpperCase()),
        rs.getString("parameters"),
        rs.getBoolean("dry_run"),
        rs.getString("node"),
        instant(rs, "started_at"),
        instant(rs, "finished_at"),
        Outcome.of(rs.getString("outcome")),
        new CleanupCounts(
            rs.getLong("completed_jobs"),
            rs.getLong("failed_jobs"),
            rs.getLong("cancelled_jobs"),
            rs.getLong("resumed_jobs"),
            rs.getLong("metrics_deleted"),
            rs.getLong("upload_files_deleted"),
            rs.getLong("output_dirs_deleted"),
            rs.getLong("orphaned_uploads"),
            rs.getLong("orphaned_outputs"),
            rs.getLong("orphan_bytes"),
            rs.getLong("unrecognized_found"),
            rs.getLong("unrecognized_bytes"),
            rs.getLong("unrecognized_deleted"),
            rs.getLong("bytes_freed"),
            rs.getLong("error_count"),
            rs.getLong("items_recorded"),
            rs.getLong("held_jobs"),
            rs.getLong("kept_last_jobs")),
        rs.getLong("items_expected"),
        errors == null || errors.isEmpty() ? List.of() : Arrays.asList(errors.split("\n")),
        rs.getBoolean("is_plan"),
        rs.getObject("plan_id", UUID.class),
        rs.getLong("planned_items"),
        rs.getLong("skipped_items"));
  }
}
