package dev.storekeeper.jobs;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** SQL for the {@code metrics} table. */
@Repository
public class MetricRepository {

  private final JdbcClient jdbc;

  public MetricRepository(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insertAll(UUID jobId, List<MetricValue> values, Instant now) {
    for (MetricValue value : values) {
      jdbc.sql(
              """
              insert into metrics (job_id, name, "value", unit, created_at)
              values (:jobId, :name, :value, :unit, :now)
              """)
          .param("jobId", jobId)
          .param("name", JobRepository.truncate(value.name(), 255))
          .param("value", value.value())
          .param("unit", JobRepository.truncate(value.unit(), 64))
          .param("now", ts(now))
          .update();
    }
  }

  public List<Metric> findByJob(UUID jobId) {
    return jdbc.sql(
            """
            select id, job_id, name, "value", unit, created_at from metrics
             where job_id = :jobId order by id
            """)
        .param("jobId", jobId)
        .query(
            (rs, n) ->
                new Metric(
                    rs.getLong("id"),
                    rs.getObject("job_id", UUID.class),
                    rs.getString("name"),
                    rs.getDouble("value"),
                    rs.getString("unit"),
                    instant(rs, "created_at")))
        .list();
  }

  /** Metric rows per job, for the jobs given (jobs without metrics are absent). */
  public Map<UUID, Long> countByJobs(Collection<UUID> jobIds) {
    Map<UUID, Long> counts = new HashMap<>();
    if (jobIds.isEmpty()) {
      return counts;
    }
    jdbc.sql("select job_id, count(*) as n from metrics where job_id in (:ids) group by job_id")
        .param("ids", jobIds)
        .query(
            rs -> {
              counts.put(rs.getObject("job_id", UUID.class), rs.getLong("n"));
            });
    return counts;
  }

  public int deleteByJobs(Collection<UUID> jobIds) {
    if (jobIds.isEmpty()) {
      return 0;
    }
    return jdbc.sql("delete from metrics where job_id in (:ids)").param("ids", jobIds).update();
  }

  public long count() {
    return jdbc.sql("select count(*) from metrics").query(Long.class).single();
  }
}
