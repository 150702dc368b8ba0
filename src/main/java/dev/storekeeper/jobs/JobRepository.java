package dev.storekeeper.jobs;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Repository;

/** SQL for the {@code jobs} table, including the claim and delete steps of the cleanup protocol. */
@Repository
public class JobRepository {

  private static final String COLUMNS =
      """
      id, filename, file_path, status, progress, current_step, error_message, created_at,
      started_at, completed_at, result_path, upload_bytes, output_bytes, attempts,
      deleting_run_id, cleanup_error\
      """;

  /** Earlier than any completion time: the keyset position before the first page. */
  private static final Instant BEFORE_ALL = Instant.parse("0001-01-01T00:00:00Z");

  private final JdbcClient jdbc;
  private final JdbcTemplate template;
  private volatile Boolean returning;

  public JobRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  public void insert(Job job) {
    jdbc.sql(
            """
            insert into jobs (id, filename, file_path, status, progress, current_step,
                              created_at, upload_bytes)
            values (:id, :filename, :filePath, :status, :progress, :step, :createdAt, :bytes)
            """)
        .param("id", job.id())
        .param("filename", job.filename())
        .param("filePath", job.filePath())
        .param("status", job.status().value())
        .param("progress", job.progress())
        .param("step", job.currentStep())
        .param("createdAt", ts(job.createdAt()))
        .param("bytes", job.uploadBytes())
        .update();
  }

  public Optional<Job> findById(UUID id) {
    return jdbc.sql("select " + COLUMNS + " from jobs where id = :id")
        .param("id", id)
        .query(JobRepository::map)
        .optional();
  }

  /** Newest first; jobs being deleted are not listed. */
  public List<Job> list(JobStatus status, int skip, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
                 from jobs
                where status <> 'deleting' and (cast(:status as varchar(16)) is null or status = :status)
                order by created_at desc, id desc
                offset :skip rows fetch next :limit rows only
                """)
        .param("status", status == null ? null : status.value())
        .param("skip", skip)
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /**
   * Moves a job from one state to another only if it is still in {@code from}; the transition is
   * checked against {@link JobStatus} first. Returns false when the job changed meanwhile.
   */
  public boolean transition(UUID id, JobStatus from, JobStatus to) {
    from.requireCanBecome(to);
    return jdbc.sql("update jobs set status = :to where id = :id and status = :from")
            .param("id", id)
            .param("from", from.value())
            .param("to", to.value())
            .update()
        == 1;
  }

  /** pending (or running, for a retry after a node died) -> running; counts the attempt. */
  public boolean markStarted(UUID id, JobStatus from, Instant now) {
    from.requireCanBecome(JobStatus.RUNNING);
    return jdbc.sql(
                """
                update jobs set status = 'running', started_at = :now, attempts = attempts + 1,
                                progress = 0, current_step = 'starting'
                 where id = :id and status = :from
                """)
            .param("id", id)
            .param("from", from.value())
            .param("now", ts(now))
            .update()
        == 1;
  }

  public void updateProgress(UUID id, int progress, String step) {
    jdbc.sql(
            """
            update jobs set progress = :progress, current_step = :step
             where id = :id and status = 'running'
            """)
        .param("id", id)
        .param("progress", Math.max(0, Math.min(100, progress)))
        .param("step", truncate(step, 255))
        .update();
  }

  /** Ends a job: completed, failed or cancelled, always with its completion time. */
  public boolean finish(
      UUID id,
      Set<JobStatus> from,
      JobStatus to,
      Instant now,
      String error,
      String resultPath,
      long outputBytes) {
    from.forEach(status -> status.requireCanBecome(to));
    return jdbc.sql(
                """
                update jobs set status = :to, completed_at = :now, error_message = :error,
                                result_path = :resultPath, output_bytes = :outputBytes,
                                progress = case when :to = 'completed' then 100 else progress end,
                                current_step = :to
                 where id = :id and status in (:from)
                """)
            .param("id", id)
            .param("to", to.value())
            .param("now", ts(now))
            .param("error", truncate(error, 8192))
            .param("resultPath", resultPath)
            .param("outputBytes", outputBytes)
            .param("from", from.stream().map(JobStatus::value).toList())
            .update()
        == 1;
  }

  /**
   * Jobs and stored bytes per status and, for the finished statuses, how many of them finished
   * before that status's cutoff (what retention would reclaim now). One statement whose branches
   * each read one status's range of {@code jobs_status_completed_idx} (V5) without touching the
   * table, so every job is read once.
   */
  public List<StatusUsage> usage(
      Instant completedCutoff, Instant failedCutoff, Instant cancelledCutoff) {
    return jdbc.sql(
            """
            select 'completed' as status, count(*) as jobs,
                   coalesce(sum(upload_bytes), 0) as upload_bytes,
                   coalesce(sum(output_bytes), 0) as output_bytes,
                   count(*) filter (where completed_at < :completed) as expired_jobs,
                   coalesce(sum(upload_bytes + output_bytes)
                            filter (where completed_at < :completed), 0) as expired_bytes
              from jobs where status = 'completed'
            union all
            select 'failed', count(*), coalesce(sum(upload_bytes), 0),
                   coalesce(sum(output_bytes), 0),
                   count(*) filter (where completed_at < :failed),
                   coalesce(sum(upload_bytes + output_bytes) filter (where completed_at < :failed), 0)
              from jobs where status = 'failed'
            union all
            select 'cancelled', count(*), coalesce(sum(upload_bytes), 0),
                   coalesce(sum(output_bytes), 0),
                   count(*) filter (where completed_at < :cancelled),
                   coalesce(sum(upload_bytes + output_bytes)
                            filter (where completed_at < :cancelled), 0)
              from jobs where status = 'cancelled'
            union all
            select status, count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0),
                   0, 0
              from jobs where status in ('pending', 'running', 'deleting') group by status
            """)
        .param("completed", ts(completedCutoff))
        .param("failed", ts(failedCutoff))
        .param("cancelled", ts(cancelledCutoff))
        .query(
            (rs, n) ->
                new StatusUsage(
                    JobStatus.of(rs.getString("status")),
                    rs.getLong("jobs"),
                    rs.getLong("upload_bytes"),
                    rs.getLong("output_bytes"),
                    rs.getLong("expired_jobs"),
                    rs.getLong("expired_bytes")))
        .list();
  }

  // ---- the cleanup protocol ------------------------------------------------------------------

  /**
   * One keyset page of jobs in {@code status} that finished before {@code cutoff}, oldest first,
   * strictly after the position (afterCompletedAt, afterId), or from the start when it is null. The
   * position is a row comparison so that it is an index condition on {@code (status, completed_at,
   * id)}: each page starts where the last one ended instead of re-reading every earlier row.
   */
  public List<Job> findFinishedBefore(
      JobStatus status, Instant cutoff, Instant afterCompletedAt, UUID afterId, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
             from jobs
            where status = :status and completed_at is not null and completed_at < :cutoff
              and (completed_at, id) > (:afterAt, :afterId)
            order by completed_at, id
            fetch first :limit rows only
            """)
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("afterAt", ts(afterCompletedAt == null ? BEFORE_ALL : afterCompletedAt))
        .param("afterId", afterId == null ? new UUID(0, 0) : afterId)
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  public long countFinishedBefore(JobStatus status, Instant cutoff) {
    return jdbc.sql(
            """
            select count(*) from jobs
             where status = :status and completed_at is not null and completed_at < :cutoff
            """)
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .query(Long.class)
        .single();
  }

  public long countDeleting() {
    return jdbc.sql("select count(*) from jobs where status = 'deleting'")
        .query(Long.class)
        .single();
  }

  /**
   * Claims jobs for deletion in one statement that re-checks eligibility, so a job that changed
   * since it was read is not claimed. Returns the ids actually claimed.
   */
  public Set<UUID> claim(Collection<UUID> ids, JobStatus status, Instant cutoff, UUID runId) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    status.requireCanBecome(JobStatus.DELETING);
    // One array parameter, not an IN list: with the list, PostgreSQL's generic plan intersects
    // the primary key with the whole expired range of the status index, which the claims before
    // have filled with dead entries, so every batch re-read every earlier one.
    String update =
        """
        update jobs set status = 'deleting', deleting_run_id = :runId
         where id = any(:ids) and status = :status
           and completed_at is not null and completed_at < :cutoff
        """;
    if (returning()) {
      // one statement: the rows it changed are the rows claimed
      return new HashSet<>(
          jdbc.sql(update + " returning id")
              .param("ids", uuidArray(ids))
              .param("status", status.value())
              .param("cutoff", ts(cutoff))
              .param("runId", runId)
              .query(UUID.class)
              .list());
    }
    jdbc.sql(update)
        .param("ids", uuidArray(ids))
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("runId", runId)
        .update();
    return new HashSet<>(
        jdbc.sql(
                "select id from jobs where id in (:ids) and deleting_run_id = :runId and status ="
                    + " 'deleting'")
            .param("ids", ids)
            .param("runId", runId)
            .query(UUID.class)
            .list());
  }

  /** Whether the database takes {@code UPDATE ... RETURNING} (PostgreSQL; H2 does not). */
  private boolean returning() {
    Boolean known = returning;
    if (known == null) {
      known =
          template.execute(
              (ConnectionCallback<Boolean>)
                  connection ->
                      "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName()));
      returning = known;
    }
    return known;
  }

  /** One keyset page of jobs left in {@code deleting} by any run (including crashed ones). */
  public List<Job> findDeleting(UUID afterId, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
                 from jobs where status = 'deleting' and id > :afterId
                order by id fetch first :limit rows only
                """)
        .param("afterId", afterId == null ? new UUID(0, 0) : afterId)
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /**
   * Claims an orphan's job id by inserting a placeholder row already in {@code deleting}. If an
   * upload inserted (or is inserting) a row with this id, the primary key makes this fail, so a
   * file whose row is being committed is never taken for an orphan. Returns false in that case.
   */
  public boolean claimOrphan(UUID id, String entryPath, Instant now, UUID runId) {
    try {
      return jdbc.sql(
                  """
                  insert into jobs (id, filename, file_path, status, created_at, deleting_run_id,
                                    current_step)
                  values (:id, '(orphan)', :path, 'deleting', :now, :runId, 'orphan')
                  """)
              .param("id", id)
              .param("path", entryPath)
              .param("now", ts(now))
              .param("runId", runId)
              .update()
          == 1;
    } catch (org.springframework.dao.DataAccessException taken) {
      return false;
    }
  }

  /**
   * Claims many orphans' job ids at once, as {@link #claimOrphan} does one: placeholder rows, one
   * JDBC batch. If any id already has a row the batch fails (the primary key) and the caller's
   * transaction must be rolled back, then the ids claimed one by one.
   *
   * @param entryPaths job id to the path of its (first) orphaned entry
   */
  public void claimOrphans(Map<UUID, String> entryPaths, Instant now, UUID runId) {
    if (entryPaths.isEmpty()) {
      return;
    }
    template.batchUpdate(
        """
        insert into jobs (id, filename, file_path, status, created_at, deleting_run_id,
                          current_step)
        values (?, '(orphan)', ?, 'deleting', ?, ?, 'orphan')
        """,
        List.copyOf(entryPaths.entrySet()),
        entryPaths.size(),
        (ps, entry) -> {
          ps.setObject(1, entry.getKey());
          ps.setString(2, entry.getValue());
          ps.setObject(3, ts(now));
          ps.setObject(4, runId);
        });
  }

  /** Which of these ids have a row (in any state). */
  public Set<UUID> existing(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql("select id from jobs where id in (:ids)")
            .param("ids", ids)
            .query(UUID.class)
            .list());
  }

  public void recordCleanupError(UUID id, String error) {
    jdbc.sql("update jobs set cleanup_error = :error where id = :id")
        .param("id", id)
        .param("error", truncate(error, 8192))
        .update();
  }

  /** Deletes rows of claimed jobs; only rows still in {@code deleting} go. */
  public int deleteClaimed(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    // `status || ''`: the same test, but not one the planner can answer from the status index.
    // It believes `deleting` rare and would scan that range, which holds an entry for every job
    // this run has deleted so far, and test each against the ids.
    return jdbc.sql("delete from jobs where id = any(:ids) and status || '' = 'deleting'")
        .param("ids", uuidArray(ids))
        .update();
  }

  private static SqlArrayValue uuidArray(Collection<UUID> ids) {
    return new SqlArrayValue("uuid", ids.toArray());
  }

  static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max);
  }

  static Job map(ResultSet rs, int row) throws SQLException {
    return new Job(
        rs.getObject("id", UUID.class),
        rs.getString("filename"),
        rs.getString("file_path"),
        JobStatus.of(rs.getString("status")),
        rs.getInt("progress"),
        rs.getString("current_step"),
        rs.getString("error_message"),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "completed_at"),
        rs.getString("result_path"),
        rs.getLong("upload_bytes"),
        rs.getLong("output_bytes"),
        rs.getInt("attempts"),
        rs.getObject("deleting_run_id", UUID.class),
        rs.getString("cleanup_error"));
  }

  /**
   * Jobs and stored bytes in one status; {@code expired*}: those that finished before the status's
   * retention cutoff (always 0 for unfinished statuses).
   */
  public record StatusUsage(
      JobStatus status,
      long jobs,
      long uploadBytes,
      long outputBytes,
      long expiredJobs,
      long expiredBytes) {}
}
