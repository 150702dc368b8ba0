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

  /** Samples taken at or after {@code from}, oldest first; bounded by the retention of samples. */
  List<Sample> since(Instant from) {
    return jdbc.sql(
            """
            select node, sampled_at, upload_bytes, output_bytes, jobs, free_bytes, total_bytes
              from usage_samples where sampled_at >= :from order by sampled_at, node
            """)
        .param("from", ts(from))
        .query(
            (rs, n) ->
                new Sample(
                    rs.getString("node"),
                    instant(rs, "sampled_at"),
                    rs.getLong("upload_bytes"),
                    rs.getLong("output_bytes"),
                    rs.getLong("jobs"),
                    rs.getLong("free_bytes"),
                    rs.getLong("total_bytes")))
        .list();
  }

  /** Forgets samples older than {@code before}; answers how many. */
  int deleteBefore(Instant before) {
    return jdbc.sql("delete from usage_samples where sampled_at < :before")
        .param("before", ts(before))
        .update();
  }
}
