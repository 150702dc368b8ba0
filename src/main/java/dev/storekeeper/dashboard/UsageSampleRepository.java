package dev.storekeeper.dashboard;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL of {@code usage_samples}: the dashboard's record of storage usage over time. */
@Repository
class UsageSampleRepository {

  /** One sample: the accounting's figures and the sampling node's data volume at one instant. */
  record Sample(
      String node,
      Instant sampledAt,
      long uploadBytes,
      long outputBytes,
      long jobs,
      long freeBytes,
      long totalBytes) {

    long usedBytes() {
      return uploadBytes + outputBytes;
    }
  }

  private final JdbcClient jdbc;

  UsageSampleRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  void insert(Sample sample) {
    int rows =
        jdbc.sql(
                """
                insert into usage_samples (node, sampled_at, upload_bytes, output_bytes, jobs,
                                           free_bytes, total_bytes)
                values (:node, :at, :uploads, :outputs, :jobs, :free, :total)
                """)
            .param("node", sample.node())
            .param("at", ts(sample.sampledAt()))
            .param("uploads", sample.uploadBytes())
            .param("outputs", sample.outputBytes())
            .param("jobs", sample.jobs())
            .param("free", sample.freeBytes())
            .param("total", sample.totalBytes())
            .update();
    if (rows != 1) {
      throw new IllegalStateException(
          "Expected one usage sample to be inserted, but inserted " + rows);
    }
  }

  /**
   * Samples since {@code from} reduced to one row per hour in the database, so the page reads at
   * most one row per hour whatever the number of nodes: the highest usage and job count of the
   * hour, the lowest free space of any node in it.
   */
  List<UsageHistory.Point> hourly(Instant from) {
    return jdbc.sql(
            """
            select date_trunc('hour', sampled_at) as sampled_hour,
                   max(upload_bytes + output_bytes) as used, max(jobs) as jobs,
                   min(free_bytes) as free
              from usage_samples where sampled_at >= :from
             group by date_trunc('hour', sampled_at) order by sampled_hour
            """)
        .param("from", ts(from))
        .query(
            (rs, n) ->
                new UsageHistory.Point(
                    instant(rs, "sampled_hour"),
                    rs.getLong("used"),
                    rs.getLong("jobs"),
                    rs.getLong("free")))
        .list();
  }

  /** Forgets samples older than {@code before}; answers how many. */
  int deleteBefore(Instant before) {
    return jdbc.sql("delete from usage_samples where sampled_at < :before")
        .param("before", ts(before))
        .update();
  }
}
