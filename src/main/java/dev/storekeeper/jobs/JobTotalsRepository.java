package dev.storekeeper.jobs;

import static dev.storekeeper.jobs.Sql.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * SQL for the running totals of {@code jobs} (V11): {@code job_totals}, jobs and bytes per status
 * (and {@code held}) in stripes, and {@code job_completions}, finished jobs per status and day, and
 * per status and hour, of completion. Triggers keep both in the transaction of every change to
 * {@code jobs}; this class reads them, recomputes them from {@code jobs} for {@code stats
 * --verify}, and corrects them.
 */
@Repository
public class JobTotalsRepository {

  /** The name of the held jobs' totals, beside the statuses'. */
  public static final String HELD = "held";

  /** The spans of {@code job_completions}. */
  static final String DAY = "day";

  static final String HOUR = "hour";

  private static final long HOUR_SECONDS = 3600;
  private static final long DAY_SECONDS = 86400;

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

  /**
   * The day row of {@code job_completions} a completion time counts in: UTC days since the epoch.
   */
  static long day(Instant instant) {
    return Math.floorDiv(instant.getEpochSecond(), DAY_SECONDS);
  }

  static Instant startOf(String span, long slot) {
    return Instant.ofEpochSecond(slot * (DAY.equals(span) ? DAY_SECONDS : HOUR_SECONDS));
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

    static Figures of(ResultSet rs) throws SQLException {
      return new Figures(
          rs.getLong("jobs"), rs.getLong("upload_bytes"), rs.getLong("output_bytes"));
    }
  }

  /** A row of {@code job_completions}: a status's day or hour, counted from the epoch. */
  public record Slot(String status, String span, long slot) {}

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
   * the number of jobs: the totals' 128 rows; for what each finished status would reclaim, from
   * {@code job_completions} the days before its cutoff's day (the days the cleanup has not emptied)
   * and that day's hours before the cutoff's hour (at most 23), plus the jobs that finished in the
   * cutoff's own hour before the cutoff, an index-only range of {@code jobs_status_completed_idx}
   * bounded by one hour's completions.
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
             where (status = 'completed'
                    and (span = 'day' and slot < :completedDay
                         or span = 'hour' and slot >= :completedDayHour
                            and slot < :completedHour))
                or (status = 'failed'
                    and (span = 'day' and slot < :failedDay
                         or span = 'hour' and slot >= :failedDayHour and slot < :failedHour))
                or (status = 'cancelled'
                    and (span = 'day' and slot < :cancelledDay
                         or span = 'hour' and slot >= :cancelledDayHour
                            and slot < :cancelledHour))
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
        .params(spans("completed", completedCutoff))
        .params(spans("failed", failedCutoff))
        .params(spans("cancelled", cancelledCutoff))
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

  /** A cutoff's day, the first hour of that day, its own hour and the start of that hour. */
  private static Map<String, Object> spans(String status, Instant cutoff) {
    long day = day(cutoff);
    long hour = hour(cutoff);
    return Map.of(
        status + "Day",
        day,
        status + "DayHour",
        day * 24,
        status + "Hour",
        hour,
        status + "From",
        ts(startOf(HOUR, hour)));
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
  Map<Slot, Figures> storedCompletions() {
    Map<Slot, Figures> result = new HashMap<>();
    jdbc.sql("select status, span, slot, jobs, upload_bytes, output_bytes from job_completions")
        .query(
            (ResultSet rs) -> {
              result.put(
                  new Slot(rs.getString("status"), rs.getString("span"), rs.getLong("slot")),
                  Figures.of(rs));
            });
    return result;
  }

  /**
   * The rows of {@code job_completions} recomputed from {@code jobs}: reads every finished job,
   * grouped by hour; a day is the sum of its 24 hours.
   */
  Map<Slot, Figures> actualCompletions() {
    Map<Slot, Figures> result = new HashMap<>();
    jdbc.sql(
            """
            select status, floor(extract(epoch from completed_at) / 3600) as slot,
                   count(*) as jobs, sum(upload_bytes) as upload_bytes,
                   sum(output_bytes) as output_bytes
              from jobs
             where status in ('completed', 'failed', 'cancelled') and completed_at is not null
             group by status, floor(extract(epoch from completed_at) / 3600)
            """)
        .query(
            (ResultSet rs) -> {
              String status = rs.getString("status");
              long hour = rs.getLong("slot");
              Figures figures = Figures.of(rs);
              result.merge(new Slot(status, HOUR, hour), figures, Figures::plus);
              result.merge(new Slot(status, DAY, Math.floorDiv(hour, 24)), figures, Figures::plus);
            });
    return result;
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

  /** Adds a correction to one row of {@code job_completions}; an emptied row goes. */
  void correctCompletions(Slot key, Figures delta) {
    int updated =
        jdbc.sql(
                """
                update job_completions set jobs = jobs + :jobs, upload_bytes = upload_bytes + :up,
                                           output_bytes = output_bytes + :out
                 where status = :status and span = :span and slot = :slot
                """)
            .params(correction(delta))
            .params(slot(key))
            .update();
    if (updated == 0) {
      jdbc.sql(
              """
              insert into job_completions (status, span, slot, jobs, upload_bytes, output_bytes)
              values (:status, :span, :slot, :jobs, :up, :out)
              """)
          .params(correction(delta))
          .params(slot(key))
          .update();
    }
    jdbc.sql(
            """
            delete from job_completions
             where status = :status and span = :span and slot = :slot
               and jobs = 0 and upload_bytes = 0 and output_bytes = 0
            """)
        .params(slot(key))
        .update();
  }

  private static Map<String, Object> slot(Slot key) {
    return Map.of("status", key.status(), "span", key.span(), "slot", key.slot());
  }

  private static Map<String, Object> correction(Figures delta) {
    return Map.of("jobs", delta.jobs(), "up", delta.uploadBytes(), "out", delta.outputBytes());
  }
}
