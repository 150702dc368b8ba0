package dev.storekeeper.jobs;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import dev.storekeeper.jobs.JobTotalsRepository.StatusUsage;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
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
      deleting_run_id, cleanup_error, cleanup_attempts, held_at, held_by, hold_reason\
      """;

  /** Earlier than any completion time: the keyset position before the first page. */
  private static final Instant BEFORE_ALL = Instant.parse("0001-01-01T00:00:00Z");

  /** Later than any completion time. */
  private static final Instant AFTER_ALL = Instant.parse("9999-01-01T00:00:00Z");

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

  /** The rows of these ids that exist, in any state. */
  public List<Job> findByIds(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    return jdbc.sql("select " + COLUMNS + " from jobs where id in (:ids)")
        .param("ids", ids)
        .query(JobRepository::map)
        .list();
  }

  /** Newest first; jobs being deleted are not listed. */
  public List<Job> list(JobStatus status, int skip, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
                 from jobs
                where status not in ('deleting', 'stuck')
                  and (cast(:status as varchar(16)) is null or status = :status)
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
   * Records the objects of a job's outputs on the s3 backend ({@code job_output_objects}, V16), so
   * that cleanup deletes exactly those keys without listing the job's prefix.
   */
  public void setOutputObjects(UUID id, String objects) {
    jdbc.sql("delete from job_output_objects where job_id = :id").param("id", id).update();
    jdbc.sql("insert into job_output_objects (job_id, objects) values (:id, :objects)")
        .param("id", id)
        .param("objects", objects)
        .update();
  }

  /** The recorded output objects of these jobs (ids without a record are absent). */
  public Map<UUID, String> outputObjects(Collection<UUID> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Map<UUID, String> found = new HashMap<>();
    jdbc.sql("select job_id, objects from job_output_objects where job_id in (:ids)")
        .param("ids", ids)
        .query(
            (rs, row) -> {
              found.put(rs.getObject("job_id", UUID.class), rs.getString("objects"));
              return null;
            })
        .list();
    return found;
  }

  /** How many instants {@link #ageCounts} takes: the dashboard's age bounds and cut-offs fit. */
  public static final int AGE_BOUNDS = 12;

  /**
   * Finished jobs of one status, and how many of them finished before each bound given to {@link
   * #ageCounts} (same order).
   */
  public record AgeCounts(JobStatus status, long jobs, long[] finishedBefore) {}

  /**
   * The age profile of finished jobs: per finished status, how many finished before each of exactly
   * {@link #AGE_BOUNDS} instants. One pass over {@code jobs_status_completed_idx}, like {@link
   * #usage}.
   */
  public List<AgeCounts> ageCounts(List<Instant> bounds) {
    if (bounds.size() != AGE_BOUNDS) {
      throw new IllegalArgumentException(
          "Expected " + AGE_BOUNDS + " age bounds, got " + bounds.size());
    }
    var statement =
        jdbc.sql(
            """
            select status, count(*) as jobs,
                   count(*) filter (where completed_at < :b0) as b0,
                   count(*) filter (where completed_at < :b1) as b1,
                   count(*) filter (where completed_at < :b2) as b2,
                   count(*) filter (where completed_at < :b3) as b3,
                   count(*) filter (where completed_at < :b4) as b4,
                   count(*) filter (where completed_at < :b5) as b5,
                   count(*) filter (where completed_at < :b6) as b6,
                   count(*) filter (where completed_at < :b7) as b7,
                   count(*) filter (where completed_at < :b8) as b8,
                   count(*) filter (where completed_at < :b9) as b9,
                   count(*) filter (where completed_at < :b10) as b10,
                   count(*) filter (where completed_at < :b11) as b11
              from jobs where status in ('completed', 'failed', 'cancelled') group by status
            """);
    for (int i = 0; i < AGE_BOUNDS; i++) {
      statement = statement.param("b" + i, ts(bounds.get(i)));
    }
    return statement
        .query(
            (rs, n) -> {
              long[] before = new long[AGE_BOUNDS];
              for (int i = 0; i < AGE_BOUNDS; i++) {
                before[i] = rs.getLong("b" + i);
              }
              return new AgeCounts(
                  JobStatus.of(rs.getString("status")), rs.getLong("jobs"), before);
            })
        .list();
  }

  // ---- the cleanup protocol ------------------------------------------------------------------

  /**
   * A place in the order of finished jobs, {@code (completed_at, id)}: every job before it finished
   * earlier (or at the same instant with a smaller id).
   */
  public record Position(Instant completedAt, UUID id) {
    /** Before every job. */
    public static final Position START = new Position(BEFORE_ALL, new UUID(0, 0));

    /** After every job. */
    public static final Position END = new Position(AFTER_ALL, new UUID(-1, -1));
  }

  /**
   * Where the {@code keep} most recently completed jobs begin: the keep-th newest completed job's
   * position. Jobs at or after it are kept by keep-last; {@link Position#END} when nothing is kept
   * that way, {@link Position#START} when there are no more than {@code keep} completed jobs.
   */
  public Position keepLastBoundary(int keep) {
    if (keep <= 0) {
      return Position.END;
    }
    return jdbc.sql(
            """
            select completed_at, id from jobs
             where status = 'completed' and completed_at is not null
             order by completed_at desc, id desc
             offset :skip rows fetch next 1 rows only
            """)
        .param("skip", keep - 1)
        .query((rs, n) -> new Position(instant(rs, "completed_at"), rs.getObject("id", UUID.class)))
        .optional()
        .orElse(Position.START);
  }

  /**
   * One keyset page of the jobs in {@code status} that retention may delete: finished before {@code
   * cutoff}, before {@code keepBefore} (keep-last), and not held; oldest first, strictly after
   * {@code after}. The positions are row comparisons, so that they are index conditions on {@code
   * (status, completed_at, id)}: each page starts where the last one ended instead of re-reading
   * every earlier row.
   */
  public List<Job> findExpired(
      JobStatus status, Instant cutoff, Position keepBefore, Position after, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
             from jobs
            where status = :status and completed_at is not null and completed_at < :cutoff
              and (completed_at, id) < (:keepAt, :keepId)
              and (completed_at, id) > (:afterAt, :afterId)
              and held_at is null
            order by completed_at, id
            fetch first :limit rows only
            """)
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("keepAt", ts(keepBefore.completedAt()))
        .param("keepId", keepBefore.id())
        .param("afterAt", ts(after.completedAt()))
        .param("afterId", after.id())
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /** How many jobs {@link #findExpired} pages through. */
  public long countExpired(JobStatus status, Instant cutoff, Position keepBefore) {
    return jdbc.sql(
            """
            select count(*) from jobs
             where status = :status and completed_at is not null and completed_at < :cutoff
               and (completed_at, id) < (:keepAt, :keepId)
               and held_at is null
            """)
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("keepAt", ts(keepBefore.completedAt()))
        .param("keepId", keepBefore.id())
        .query(Long.class)
        .single();
  }

  /**
   * One keyset page of the held jobs in {@code status} that finished before {@code cutoff}: what
   * retention would delete but for the hold.
   */
  public List<Job> findHeldExpired(JobStatus status, Instant cutoff, Position after, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
             from jobs
            where status = :status and completed_at is not null and completed_at < :cutoff
              and (completed_at, id) > (:afterAt, :afterId)
              and held_at is not null
            order by completed_at, id
            fetch first :limit rows only
            """)
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("afterAt", ts(after.completedAt()))
        .param("afterId", after.id())
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /** Completed jobs past their retention that keep-last keeps (held ones are counted as held). */
  public long countKeptLast(Instant cutoff, Position keepBefore) {
    return jdbc.sql(
            """
            select count(*) from jobs
             where status = 'completed' and completed_at is not null and completed_at < :cutoff
               and (completed_at, id) >= (:keepAt, :keepId)
               and held_at is null
            """)
        .param("cutoff", ts(cutoff))
        .param("keepAt", ts(keepBefore.completedAt()))
        .param("keepId", keepBefore.id())
        .query(Long.class)
        .single();
  }

  public long countStuck() {
    return jdbc.sql("select count(*) from jobs where status = 'stuck'").query(Long.class).single();
  }

  public long countDeleting() {
    return jdbc.sql("select count(*) from jobs where status = 'deleting'")
        .query(Long.class)
        .single();
  }

  /**
   * Claims jobs for deletion in one statement that re-checks eligibility — status, cutoff,
   * keep-last position and hold — so a job that changed since it was read (finished again, put on
   * hold) is not claimed. Returns the ids actually claimed.
   */
  public Set<UUID> claim(
      Collection<UUID> ids, JobStatus status, Instant cutoff, Position keepBefore, UUID runId) {
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
           and (completed_at, id) < (:keepAt, :keepId)
           and held_at is null
        """;
    if (returning()) {
      // one statement: the rows it changed are the rows claimed
      return new HashSet<>(
          jdbc.sql(update + " returning id")
              .param("ids", uuidArray(ids))
              .param("status", status.value())
              .param("cutoff", ts(cutoff))
              .param("keepAt", ts(keepBefore.completedAt()))
              .param("keepId", keepBefore.id())
              .param("runId", runId)
              .query(UUID.class)
              .list());
    }
    jdbc.sql(update)
        .param("ids", uuidArray(ids))
        .param("status", status.value())
        .param("cutoff", ts(cutoff))
        .param("keepAt", ts(keepBefore.completedAt()))
        .param("keepId", keepBefore.id())
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
    return findInStatus(JobStatus.DELETING, afterId, limit);
  }

  /** One keyset page, by id, of the jobs in one status. */
  private List<Job> findInStatus(JobStatus status, UUID afterId, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
                 from jobs where status = :status and id > :afterId
                order by id fetch first :limit rows only
                """)
        .param("status", status.value())
        .param("afterId", afterId == null ? new UUID(0, 0) : afterId)
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /**
   * Claims an orphan's job id by inserting a placeholder row already in {@code deleting}, in one
   * statement that also re-checks that no job refers to the entry (by {@code file_path} for an
   * upload, {@code result_path} for an output), whatever its name. If an upload inserted (or is
   * inserting) a row with this id, the primary key makes this fail, so a file whose row is being
   * committed is never taken for an orphan. Returns false when the entry is not claimed.
   */
  public boolean claimOrphan(UUID id, String entryPath, boolean upload, Instant now, UUID runId) {
    try {
      return template.update(
              upload ? CLAIM_ORPHAN_UPLOAD : claimOrphanOutput(),
              ps -> bindOrphanClaim(ps, id, entryPath, upload, now, runId))
          == 1;
    } catch (org.springframework.dao.DataAccessException taken) {
      return false;
    }
  }

  /**
   * Claims many orphans' job ids at once, as {@link #claimOrphan} does one, in one JDBC batch;
   * returns the ids claimed (an entry a job refers to is not). If any id already has a row the
   * batch fails (the primary key) and the caller's transaction must be rolled back, then the ids
   * claimed one by one.
   *
   * @param entryPaths job id to the path of its (first) orphaned entry
   */
  public Set<UUID> claimOrphans(
      Map<UUID, String> entryPaths, boolean upload, Instant now, UUID runId) {
    if (entryPaths.isEmpty()) {
      return Set.of();
    }
    template.batchUpdate(
        upload ? CLAIM_ORPHAN_UPLOAD : claimOrphanOutput(),
        List.copyOf(entryPaths.entrySet()),
        entryPaths.size(),
        (ps, entry) -> bindOrphanClaim(ps, entry.getKey(), entry.getValue(), upload, now, runId));
    // the rows this run inserted, rather than the batch's update counts, which drivers may omit
    return new HashSet<>(
        jdbc.sql("select id from jobs where id in (:ids) and deleting_run_id = :runId")
            .param("ids", entryPaths.keySet())
            .param("runId", runId)
            .query(UUID.class)
            .list());
  }

  private static final String CLAIM_ORPHAN =
      """
      insert into jobs (id, filename, file_path, status, created_at, deleting_run_id, current_step)
      select ?, '(orphan)', ?, 'deleting', ?, ?, 'orphan' from (values (1)) as one (x)
      """;

  private static final String CLAIM_ORPHAN_UPLOAD =
      CLAIM_ORPHAN + " where not exists (select 1 from jobs where upload_name = ?)";

  /**
   * An output entry is referenced by a {@code result_path} equal to it or below it. The range
   * {@code [path, path + "0")} ('0' follows '/') holds both and lets the index (V14) answer with a
   * parameter, where {@code like ?} alone is a full scan for every orphan; PostgreSQL compares with
   * the byte-wise pattern operators, whatever the database's collation.
   */
  private static String referencedOutput(boolean postgres) {
    return postgres
        ? "result_path ~>=~ ? and result_path ~<~ ? and (result_path = ? or result_path like ?"
            + " escape '!')"
        : "result_path >= ? and result_path < ? and (result_path = ? or result_path like ?"
            + " escape '!')";
  }

  private String claimOrphanOutput() {
    return CLAIM_ORPHAN
        + " where not exists (select 1 from jobs where "
        + referencedOutput(returning())
        + ")";
  }

  /** Binds {@link #referencedOutput} for an entry, from parameter {@code first} on. */
  private static void bindReferencedOutput(java.sql.PreparedStatement ps, int first, String path)
      throws SQLException {
    ps.setString(first, path);
    ps.setString(first + 1, path + "0");
    ps.setString(first + 2, path);
    ps.setString(first + 3, likeEscape(path) + "/%");
  }

  private static void bindOrphanClaim(
      java.sql.PreparedStatement ps,
      UUID id,
      String entryPath,
      boolean upload,
      Instant now,
      UUID runId)
      throws SQLException {
    ps.setObject(1, id);
    ps.setString(2, entryPath);
    ps.setObject(3, ts(now));
    ps.setObject(4, runId);
    if (upload) {
      ps.setString(5, uploadName(entryPath));
    } else {
      bindReferencedOutput(ps, 5, entryPath);
    }
  }

  /** What the generated column {@code upload_name} holds for a path (V7). */
  static String uploadName(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.length() <= 255 ? name : name.substring(0, 255);
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

  // ---- holds -----------------------------------------------------------------------------------

  /**
   * Puts a job on hold, or replaces its hold's reason. Refused (false) when the job does not exist
   * or is being deleted: a hold can only protect what is still there.
   */
  public boolean hold(UUID id, String reason, String by, Instant now) {
    return jdbc.sql(
                """
                update jobs set held_at = coalesce(held_at, :now), held_by = :by,
                                hold_reason = :reason
                 where id = :id and status not in ('deleting', 'stuck')
                """)
            .param("id", id)
            .param("now", ts(now))
            .param("by", truncate(by, 64))
            .param("reason", truncate(reason, 1024))
            .update()
        == 1;
  }

  /** Releases a job's hold; false when it had none. */
  public boolean release(UUID id) {
    return jdbc.sql(
                """
                update jobs set held_at = null, held_by = null, hold_reason = null
                 where id = :id and held_at is not null
                """)
            .param("id", id)
            .update()
        == 1;
  }

  /** Held jobs, oldest hold first. */
  public List<Job> findHeld(int offset, int limit) {
    return jdbc.sql(
            "select "
                + COLUMNS
                + """
                 from jobs where held_at is not null
                order by held_at, id
                offset :offset rows fetch next :limit rows only
                """)
        .param("offset", offset)
        .param("limit", limit)
        .query(JobRepository::map)
        .list();
  }

  /** How many jobs are held (jobs_held_idx). */
  public long countHeld() {
    return jdbc.sql("select count(*) from jobs where held_at is not null")
        .query(Long.class)
        .single();
  }

  /**
   * Upload and output bytes of every job, as accounted in its row: what the quota measures. Read
   * from the running totals (V11), so a capacity check costs the same at any number of jobs; the
   * 'held' name counts jobs already counted under their status.
   */
  public long accountedBytes() {
    return jdbc.sql(
            "select coalesce(sum(upload_bytes + output_bytes), 0) from job_totals"
                + " where name <> 'held'")
        .query(Long.class)
        .single();
  }

  /**
   * Jobs of one status that pass their retention day by day: {@code day} counts whole days from
   * {@code base} (today's start minus the status's retention; day 0 includes every job already past
   * it), up to {@code end} (excluded). {@code kind} says whether retention will delete them ({@code
   * expiring}) or what keeps them ({@code held}; {@code kept_last}: at or after {@code
   * keepBefore}). One grouped scan of the status's range of the completion index.
   */
  public List<ExpiryBucket> expiryByDay(
      JobStatus status, Instant base, Instant end, Position keepBefore) {
    return jdbc.sql(
            """
            select day_number, kind, count(*) as jobs, coalesce(sum(bytes), 0) as bytes from (
              select greatest(0, floor((extract(epoch from completed_at) - :base) / 86400))
                       as day_number,
                     case when held_at is not null then 'held'
                          when completed_at > :keepAt or (completed_at = :keepAt and id >= :keepId)
                            then 'kept_last'
                          else 'expiring' end as kind,
                     upload_bytes + output_bytes as bytes
                from jobs
               where status = :status and completed_at is not null and completed_at < :end
            ) passing
            group by day_number, kind
            order by day_number, kind
            """)
        .param("status", status.value())
        .param("base", base.getEpochSecond())
        .param("end", ts(end))
        .param("keepAt", ts(keepBefore.completedAt()))
        .param("keepId", keepBefore.id())
        .query(
            (rs, n) ->
                new ExpiryBucket(
                    rs.getInt("day_number"),
                    rs.getString("kind"),
                    rs.getLong("jobs"),
                    rs.getLong("bytes")))
        .list();
  }

  /** Jobs passing their retention on one day; see {@link #expiryByDay}. */
  public record ExpiryBucket(int day, String kind, long jobs, long bytes) {}

  /** Jobs created in {@code [from, to)} and the upload and output bytes they account. */
  public StatusUsage createdBetween(Instant from, Instant to) {
    return jdbc.sql(
            """
            select count(*) as jobs, coalesce(sum(upload_bytes), 0) as upload_bytes,
                   coalesce(sum(output_bytes), 0) as output_bytes
              from jobs where created_at >= :from and created_at < :to
            """)
        .param("from", ts(from))
        .param("to", ts(to))
        .query(JobRepository::totals)
        .single();
  }

  /** A count of jobs and their bytes, for no status in particular. */
  private static StatusUsage totals(ResultSet rs, int row) throws SQLException {
    return new StatusUsage(
        null, rs.getLong("jobs"), rs.getLong("upload_bytes"), rs.getLong("output_bytes"), 0, 0);
  }

  /**
   * Records why a claimed job's (or orphan's) files could not all be removed, and counts the
   * attempt; the attempt that reaches {@code maxAttempts} parks the row as {@code stuck}, out of
   * every later run's way. Returns whether it was parked.
   */
  public boolean recordCleanupFailure(UUID id, String error, int maxAttempts) {
    jdbc.sql(
            """
            update jobs set cleanup_error = :error, cleanup_attempts = cleanup_attempts + 1,
                            status = case when cleanup_attempts + 1 >= :max then 'stuck'
                                          else status end
             where id = :id and status = 'deleting'
            """)
        .param("id", id)
        .param("error", truncate(error, 8192))
        .param("max", maxAttempts)
        .update();
    return jdbc.sql("select count(*) from jobs where id = :id and status = 'stuck'")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  /** Puts every parked deletion back in line for the next run, with a fresh count of attempts. */
  public int retryStuck() {
    return jdbc.sql(
            "update jobs set status = 'deleting', cleanup_attempts = 0 where status = 'stuck'")
        .update();
  }

  /** One keyset page of parked deletions, by id. */
  public List<Job> findStuck(UUID afterId, int limit) {
    return findInStatus(JobStatus.STUCK, afterId, limit);
  }

  /**
   * Which of these upload entry names a job's {@code file_path} points at (the generated column
   * {@code upload_name}, indexed), leaving out the rows of {@code exceptJobs}: a referenced entry
   * is live whatever its name says.
   */
  public Set<String> referencedUploads(Collection<String> names, Collection<UUID> exceptJobs) {
    if (names.isEmpty()) {
      return Set.of();
    }
    return new HashSet<>(
        jdbc.sql(
                """
                select upload_name from jobs
                 where upload_name in (:names) and not (id = any(:except))
                """)
            .param("names", names)
            .param("except", uuidArray(exceptJobs))
            .query(String.class)
            .list());
  }

  /**
   * Whether any job but {@code exceptJob} has a {@code result_path} that is {@code entryPath} or
   * lies below it (an index range, V14).
   */
  public boolean outputReferenced(String entryPath, UUID exceptJob) {
    return template.query(
        "select 1 from jobs where " + referencedOutput(returning()) + " and id <> ? limit 1",
        ps -> {
          bindReferencedOutput(ps, 1, entryPath);
          ps.setObject(5, exceptJob == null ? new UUID(0, 0) : exceptJob);
        },
        (ResultSetExtractor<Boolean>) ResultSet::next);
  }

  /**
   * The {@code result_path}s below {@code root} that do not contain their own job's id: the service
   * writes every result into {@code outputs/{id}}, so only imported or hand-made rows can refer to
   * another output entry. A full scan, asked only when output entries that no job id claims were
   * found.
   */
  public List<String> foreignResultPaths(String root) {
    return jdbc.sql(
            """
            select result_path from jobs
             where result_path like :below escape '!'
               and position(cast(id as varchar(36)) in result_path) = 0
            """)
        .param("below", likeEscape(root) + "/%")
        .query(String.class)
        .list();
  }

  private static String likeEscape(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
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
        rs.getString("cleanup_error"),
        rs.getInt("cleanup_attempts"),
        instant(rs, "held_at"),
        rs.getString("held_by"),
        rs.getString("hold_reason"));
  }
}
