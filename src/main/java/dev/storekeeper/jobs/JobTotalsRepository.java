package dev.storekeeper.jobs;

import static dev.storekeeper.jobs.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for the running totals of {@code jobs} (V11): {@code job_totals}, jobs and bytes per status
 * (and {@code held}) in stripes, and {@code job_completions}, finished jobs per status and hour of
 * completion. Triggers keep both in the transaction of every change to {@code jobs}; this class
 * reads them, recomputes them from {@code jobs} for {@code stats --verify}, and corrects them.
 */
@Repository
public class JobTotalsRepository {

  /** The statuses whose jobs retention deletes, counted per hour of completion. */
  static final List<JobStatus> FINISHED =
      List.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED);

  /** The name of the held jobs' totals, beside the statuses'. */
  public static final String HELD = "held";

  private static final long HOUR_SECONDS = 3600;

  private final JdbcClient jdbc;
  private final JdbcTemplate template;

  public JobTotalsRepository(JdbcClient jdbc, JdbcTemplate template) {
    this.jdbc = jdbc;
    this.template = template;
  }

  boolean isH2() {
    return Boolean.TRUE.equals(
        template.execute(
            (ConnectionCallback<Boolean>)
                connection -> "H2".equals(connection.getMetaData().getDatabaseProductName())));
  }

  /** The stripe of {@code job_totals} a job counts in: its id's last 4 bits, as in V11's SQL. */
  static long stripe(UUID id) {
    return id.getLeastSignificantBits() & 15;
  }

  /** The row of {@code job_completions} a completion time counts in: hours since the epoch. */
  static long hour(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), HOUR_SECONDS);
  }

  static Instant startOf(long hour) {
    return Instant.ofEpochSecond(hour * HOUR_SECONDS);
  }

  /** Jobs, upload bytes and output bytes of one total. */
  public record Figures(long jobs, long uploadBytes, long outputBytes) {
    public static final Figures NONE = new Figures(0, 0, 0);

    Figures plus(Figures other) {
      return new Figures(
          jobs + other.jobs, uploadBytes + other.uploadBytes, outputBytes + other.outputBytes);
    }

    Figures minus(Figures other) {
      return new Figures(
          jobs - other.jobs, uploadBytes - other.uploadBytes, outputBytes - other.outputBytes);
    }

    boolean isZero() {
      return jobs == 0 && uploadBytes == 0 && outputBytes == 0;
    }

    static Figures of(ResultSet rs) throws SQLException {
      return new Figures(
          rs.getLong("jobs"), rs.getLong("upload_bytes"), rs.getLong("output_bytes"));
    }
  }

  /** A row of {@code job_completions}. */
  public record StatusHour(String status, long hour) {}

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

  /** The figures of the statistics: every status's usage, and the held jobs'. */
  public record Usage(Map<JobStatus, StatusUsage> statuses, Figures held) {}

  /**
   * The statistics' figures in one statement, so in one snapshot, in a time that does not depend on
   * the number of jobs: the totals' 128 rows; for what each finished status would reclaim, the
   * hours before its cutoff's hour from {@code job_completions} (the hours the cleanup has not
   * emptied), plus the jobs that finished in the cutoff's own hour before the cutoff, an index-only
   * range of {@code jobs_status_completed_idx} bounded by one hour's completions.
   */
  public Usage usage(Instant completedCutoff, Instant failedCutoff, Instant cancelledCutoff) {
    Map<String, Figures> totals = new HashMap<>();
    Map<String, Figures> expired = new HashMap<>();
    jdbc.sql(
            """
            select 'total' as part, name, sum(jobs) as jobs, sum(upload_bytes) as upload_bytes,
                   sum(output_bytes) as output_bytes
              from job_totals group by name
            union all
            select 'expired', status, sum(jobs), sum(upload_bytes), sum(output_bytes)
              from job_completions
             where (status = 'completed' and completed_hour < :completedHour)
                or (status = 'failed' and completed_hour < :failedHour)
                or (status = 'cancelled' and completed_hour < :cancelledHour)
             group by status
            union all
            select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
             where status = 'completed' and completed_at >= :completedFrom
               and completed_at < :completed
             group by status
            union all
            select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
             where status = 'failed' and completed_at >= :failedFrom and completed_at < :failed
             group by status
            union all
            select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
             where status = 'cancelled' and completed_at >= :cancelledFrom
               and completed_at < :cancelled
             group by status
            """)
        .param("completedHour", hour(completedCutoff))
        .param("failedHour", hour(failedCutoff))
        .param("cancelledHour", hour(cancelledCutoff))
        .param("completedFrom", ts(startOf(hour(completedCutoff))))
        .param("failedFrom", ts(startOf(hour(failedCutoff))))
        .param("cancelledFrom", ts(startOf(hour(cancelledCutoff))))
        .param("completed", ts(completedCutoff))
        .param("failed", ts(failedCutoff))
        .param("cancelled", ts(cancelledCutoff))
        .query(
            (ResultSet rs) -> {
              Map<String, Figures> part = "total".equals(rs.getString("part")) ? totals : expired;
              part.merge(rs.getString("name"), Figures.of(rs), Figures::plus);
            });
    Map<JobStatus, StatusUsage> statuses = new java.util.EnumMap<>(JobStatus.class);
    for (JobStatus status : JobStatus.values()) {
      Figures all = totals.getOrDefault(status.value(), Figures.NONE);
      Figures old = expired.getOrDefault(status.value(), Figures.NONE);
      statuses.put(
          status,
          new StatusUsage(
              status,
              all.jobs(),
              all.uploadBytes(),
              all.outputBytes(),
              old.jobs(),
              old.uploadBytes() + old.outputBytes()));
    }
    return new Usage(statuses, totals.getOrDefault(HELD, Figures.NONE));
  }

  // ---- the check -------------------------------------------------------------------------------

  /** The totals as kept, by status (and {@link #HELD}), summed over the stripes. */
  Map<String, Figures> storedTotals() {
    return figures(
        """
        select name as k, sum(jobs) as jobs, sum(upload_bytes) as upload_bytes,
               sum(output_bytes) as output_bytes
          from job_totals group by name
        """);
  }

  /** The totals recomputed from {@code jobs}: reads every job. */
  Map<String, Figures> actualTotals() {
    return figures(
        """
        select status as k, count(*) as jobs, sum(upload_bytes) as upload_bytes,
               sum(output_bytes) as output_bytes
          from jobs group by status
        union all
        select 'held', count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0)
          from jobs where held_at is not null
        """);
  }

  /** The rows of {@code job_completions} as kept. */
  Map<StatusHour, Figures> storedHours() {
    return hours(
        """
        select status as k, completed_hour as slot, jobs, upload_bytes, output_bytes from job_completions
        """);
  }

  /** The rows of {@code job_completions} recomputed from {@code jobs}: reads every finished job. */
  Map<StatusHour, Figures> actualHours() {
    return hours(
        """
        select status as k, floor(extract(epoch from completed_at) / 3600) as slot,
               count(*) as jobs, sum(upload_bytes) as upload_bytes,
               sum(output_bytes) as output_bytes
          from jobs
         where status in ('completed', 'failed', 'cancelled') and completed_at is not null
         group by status, floor(extract(epoch from completed_at) / 3600)
        """);
  }

  private Map<String, Figures> figures(String sql) {
    Map<String, Figures> result = new HashMap<>();
    jdbc.sql(sql)
        .query(
            (ResultSet rs) -> {
              result.merge(rs.getString("k"), Figures.of(rs), Figures::plus);
            });
    return result;
  }

  private Map<StatusHour, Figures> hours(String sql) {
    Map<StatusHour, Figures> result = new HashMap<>();
    jdbc.sql(sql)
        .query(
            (ResultSet rs) -> {
              result.merge(
                  new StatusHour(rs.getString("k"), rs.getLong("slot")),
                  Figures.of(rs),
                  Figures::plus);
            });
    return result;
  }

  /**
   * Adds a correction to a status's (or {@link #HELD}'s) totals, in stripe 0: an addition, so it
   * commutes with the triggers' own additions by concurrent writers.
   */
  void correctTotal(String name, Figures delta) {
    int updated =
        jdbc.sql(
                """
                update job_totals set jobs = jobs + :jobs, upload_bytes = upload_bytes + :up,
                                      output_bytes = output_bytes + :out
                 where name = :name and stripe = 0
                """)
            .params(correction(delta))
            .param("name", name)
            .update();
    if (updated == 0) {
      jdbc.sql(
              """
              insert into job_totals (name, stripe, jobs, upload_bytes, output_bytes)
              values (:name, 0, :jobs, :up, :out)
              """)
          .params(correction(delta))
          .param("name", name)
          .update();
    }
  }

  /** Adds a correction to one hour's row of {@code job_completions}; an emptied row goes. */
  void correctHour(StatusHour key, Figures delta) {
    int updated =
        jdbc.sql(
                """
                update job_completions set jobs = jobs + :jobs, upload_bytes = upload_bytes + :up,
                                           output_bytes = output_bytes + :out
                 where status = :status and completed_hour = :hour
                """)
            .params(correction(delta))
            .param("status", key.status())
            .param("hour", key.hour())
            .update();
    if (updated == 0) {
      jdbc.sql(
              """
              insert into job_completions (status, completed_hour, jobs, upload_bytes, output_bytes)
              values (:status, :hour, :jobs, :up, :out)
              """)
          .params(correction(delta))
          .param("status", key.status())
          .param("hour", key.hour())
          .update();
    }
    jdbc.sql(
            """
            delete from job_completions
             where status = :status and completed_hour = :hour
               and jobs = 0 and upload_bytes = 0 and output_bytes = 0
            """)
        .param("status", key.status())
        .param("hour", key.hour())
        .update();
  }

  private static Map<String, Object> correction(Figures delta) {
    return Map.of("jobs", delta.jobs(), "up", delta.uploadBytes(), "out", delta.outputBytes());
  }
}
