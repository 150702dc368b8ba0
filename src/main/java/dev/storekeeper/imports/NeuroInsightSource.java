package dev.storekeeper.imports;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The reference application's database, read only: its {@code jobs} and {@code metrics} tables as
 * it creates them (status as the enum {@code jobstatus}, stored by name; timestamps without time
 * zone, in UTC). The schema is checked on opening, so a wrong database is refused before anything
 * is read, with a message that names the table and column at fault.
 */
public final class NeuroInsightSource implements AutoCloseable {

  private static final Set<String> TEXT = Set.of("text", "character varying");
  private static final Set<String> LOCAL_TIME = Set.of("timestamp without time zone");
  private static final Set<String> FLOAT = Set.of("double precision", "real");

  /** Accepted types per column: {@code data_type} of information_schema, or the enum's name. */
  private static final Map<String, Map<String, Set<String>>> SCHEMA = schema();

  private static Map<String, Map<String, Set<String>>> schema() {
    Map<String, Set<String>> jobs = new LinkedHashMap<>();
    jobs.put("id", Set.of("uuid"));
    jobs.put("filename", TEXT);
    jobs.put("file_path", TEXT);
    jobs.put("status", Set.of("jobstatus"));
    jobs.put("progress", Set.of("integer"));
    jobs.put("current_step", TEXT);
    jobs.put("error_message", TEXT);
    jobs.put("created_at", LOCAL_TIME);
    jobs.put("started_at", LOCAL_TIME);
    jobs.put("completed_at", LOCAL_TIME);
    jobs.put("result_path", TEXT);
    Map<String, Set<String>> metrics = new LinkedHashMap<>();
    metrics.put("id", Set.of("uuid"));
    metrics.put("job_id", Set.of("uuid"));
    metrics.put("region", TEXT);
    metrics.put("left_volume", FLOAT);
    metrics.put("right_volume", FLOAT);
    metrics.put("asymmetry_index", FLOAT);
    metrics.put("created_at", LOCAL_TIME);
    Map<String, Map<String, Set<String>>> tables = new LinkedHashMap<>();
    tables.put("jobs", jobs);
    tables.put("metrics", metrics);
    return tables;
  }

  private final Connection connection;

  private NeuroInsightSource(Connection connection) {
    this.connection = connection;
  }

  /**
   * Connects (read only) and checks the schema.
   *
   * @throws SourceUnreachableException the database cannot be reached or logged into
   * @throws SourceSchemaException it is reachable but not in the reference's schema
   */
  public static NeuroInsightSource open(String url, String user, String password) {
    Connection connection;
    try {
      connection = DriverManager.getConnection(url, user == null ? "" : user, password);
    } catch (SQLException e) {
      throw new SourceUnreachableException(
          "Cannot reach the source database (--source-url): " + describe(e), e);
    }
    NeuroInsightSource source = new NeuroInsightSource(connection);
    try {
      connection.setReadOnly(true);
      source.checkSchema();
      return source;
    } catch (SQLException e) {
      source.close();
      throw new SourceUnreachableException(
          "Cannot read the source database (--source-url): " + describe(e), e);
    } catch (RuntimeException e) {
      source.close();
      throw e;
    }
  }

  private static String describe(SQLException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
  }

  private void checkSchema() throws SQLException {
    Map<String, Map<String, String>> found = new LinkedHashMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            select table_name, column_name,
                   case when data_type = 'USER-DEFINED' then udt_name else data_type end as type
              from information_schema.columns
             where table_schema = current_schema() and table_name in ('jobs', 'metrics')
            """)) {
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          found
              .computeIfAbsent(rs.getString("table_name"), t -> new LinkedHashMap<>())
              .put(rs.getString("column_name"), rs.getString("type"));
        }
      }
    }
    List<String> problems = new ArrayList<>();
    SCHEMA.forEach(
        (table, columns) -> {
          Map<String, String> present = found.get(table);
          if (present == null) {
            problems.add("it has no table " + table);
            return;
          }
          columns.forEach(
              (column, types) -> {
                String type = present.get(column);
                if (type == null) {
                  problems.add("table " + table + " has no column " + column);
                } else if (!types.contains(type)) {
                  problems.add(
                      "column %s.%s is %s, expected %s"
                          .formatted(table, column, type, String.join(" or ", types)));
                }
              });
        });
    if (!problems.isEmpty()) {
      throw new SourceSchemaException(
          "The source database (--source-url) is not in NeuroInsight's schema: "
              + String.join("; ", problems));
    }
  }

  /** One page of jobs by id, strictly after {@code after} (null: from the first). */
  List<SourceJob> jobs(UUID after, int limit) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            select id, filename, file_path, cast(status as text) as status, progress,
                   current_step, error_message, created_at, started_at, completed_at, result_path
              from jobs where id > ? order by id limit ?
            """)) {
      statement.setObject(1, after == null ? new UUID(0, 0) : after);
      statement.setInt(2, limit);
      List<SourceJob> page = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          page.add(
              new SourceJob(
                  rs.getObject("id", UUID.class),
                  rs.getString("filename"),
                  rs.getString("file_path"),
                  rs.getString("status"),
                  rs.getInt("progress"),
                  rs.getString("current_step"),
                  rs.getString("error_message"),
                  utc(rs, "created_at"),
                  utc(rs, "started_at"),
                  utc(rs, "completed_at"),
                  rs.getString("result_path")));
        }
      }
      return page;
    }
  }

  /** The metric rows of these jobs, by job, each job's in the order they were written. */
  Map<UUID, List<SourceMetric>> metrics(List<UUID> jobIds) throws SQLException {
    Map<UUID, List<SourceMetric>> byJob = new LinkedHashMap<>();
    if (jobIds.isEmpty()) {
      return byJob;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            """
            select job_id, region, left_volume, right_volume, asymmetry_index, created_at
              from metrics where job_id = any(?) order by job_id, created_at, id
            """)) {
      statement.setArray(1, connection.createArrayOf("uuid", jobIds.toArray()));
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          UUID job = rs.getObject("job_id", UUID.class);
          byJob
              .computeIfAbsent(job, j -> new ArrayList<>())
              .add(
                  new SourceMetric(
                      job,
                      rs.getString("region"),
                      rs.getDouble("left_volume"),
                      rs.getDouble("right_volume"),
                      rs.getDouble("asymmetry_index"),
                      utc(rs, "created_at")));
        }
      }
    }
    return byJob;
  }

  /** A timestamp without time zone that the reference wrote in UTC. */
  private static Instant utc(ResultSet rs, String column) throws SQLException {
    LocalDateTime value = rs.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // read only: nothing of ours is lost with the connection
    }
  }
}
