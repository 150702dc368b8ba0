package dev.storekeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The reference application (NeuroInsight) as an operator hands it over: its PostgreSQL database,
 * in exactly its schema, and its data/ directory ({@code uploads/{random uuid}_{name}}, {@code
 * outputs/{job_id}/}). The database is {@code <STOREKEEPER_TEST_PG_DB>_neuroinsight}, created when
 * missing; {@link #reset} recreates the schema and empties the data directory.
 */
public final class ReferenceApp {

  private final Path data;

  public ReferenceApp(Path data) {
    this.data = data;
  }

  public static String databaseName() {
    return PostgresTestDatabase.name() + "_neuroinsight";
  }

  public static String url() {
    return "jdbc:postgresql://127.0.0.1:5432/" + databaseName();
  }

  public Path data() {
    return data;
  }

  public Path uploads() {
    return data.resolve("uploads");
  }

  public Path outputs() {
    return data.resolve("outputs");
  }

  /** The reference's own DDL: enum names, timestamps without time zone, float columns. */
  public static final String SCHEMA = schema();

  private static String schema() {
    try (InputStream in = ReferenceApp.class.getResourceAsStream("/neuroinsight-schema.sql")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void reset() {
    createDatabase();
    sql("drop table if exists metrics; drop table if exists jobs; drop type if exists jobstatus;");
    sql(SCHEMA);
    try {
      if (Files.exists(data)) {
        StorekeeperIT.deleteTree(data);
      }
      Files.createDirectories(uploads());
      Files.createDirectories(outputs());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void createDatabase() {
    try (Connection admin =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        Statement statement = admin.createStatement()) {
      try (ResultSet exists =
          statement.executeQuery(
              "select 1 from pg_database where datname = '" + databaseName() + "'")) {
        if (exists.next()) {
          return;
        }
      }
      statement.execute("create database " + databaseName());
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public void sql(String statements) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(statements);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), "postgres", "");
  }

  public long count(String table) {
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public JobBuilder job(String status) {
    return new JobBuilder(status);
  }

  /** A job as the reference left it: where its upload and outputs are, under data/. */
  public record RefJob(UUID id, Path upload, Path outputDir, String uploadContent) {}

  public final class JobBuilder {
    private final String status;
    private final UUID id = UUID.randomUUID();
    private String filename = "scan.nii.gz";
    private String filePath;
    private String resultPath;
    private String uploadContent = "NIfTI-bytes";
    private boolean upload = true;
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final List<String> regions = new ArrayList<>();
    private String errorMessage;
    private String currentStep;
    private int progress = 100;
    private Instant createdAt = Instant.parse("2026-05-01T10:00:00Z");
    private Instant startedAt = Instant.parse("2026-05-01T10:00:05Z");
    private Instant completedAt;

    JobBuilder(String status) {
      this.status = status;
      if (status.equals("COMPLETED") || status.equals("FAILED")) {
        completedAt = Instant.parse("2026-05-01T10:30:00Z");
      }
      if (status.equals("COMPLETED")) {
        outputs.put("results.json", "{\"ok\":true}");
        outputs.put("visualizations/slice_00.png", "png-bytes-0");
        resultPath = "/app/data/outputs/" + id + "/results.json";
      }
    }

    public JobBuilder named(String name) {
      this.filename = name;
      return this;
    }

    public JobBuilder filePath(String path) {
      this.filePath = path;
      return this;
    }

    public JobBuilder resultPath(String path) {
      this.resultPath = path;
      return this;
    }

    public JobBuilder noUpload() {
      this.upload = false;
      return this;
    }

    public JobBuilder uploadContent(String content) {
      this.uploadContent = content;
      return this;
    }

    public JobBuilder output(String relative, String content) {
      outputs.put(relative, content);
      return this;
    }

    public JobBuilder noOutputs() {
      outputs.clear();
      resultPath = null;
      return this;
    }

    public JobBuilder region(String region) {
      regions.add(region);
      return this;
    }

    public JobBuilder error(String message) {
      this.errorMessage = message;
      return this;
    }

    public JobBuilder step(String step) {
      this.currentStep = step;
      return this;
    }

    public JobBuilder progress(int progress) {
      this.progress = progress;
      return this;
    }

    public JobBuilder created(Instant at) {
      this.createdAt = at;
      this.startedAt = at.plusSeconds(5);
      return this;
    }

    public JobBuilder completed(Instant at) {
      this.completedAt = at;
      return this;
    }

    public RefJob insert() {
      String entry = UUID.randomUUID() + "_" + filename.replace('/', '_');
      Path uploadFile = uploads().resolve(entry);
      Path outputDir = outputs().resolve(id.toString());
      try {
        if (upload) {
          Files.writeString(uploadFile, uploadContent);
        }
        for (Map.Entry<String, String> file : outputs.entrySet()) {
          Path path = outputDir.resolve(file.getKey());
          Files.createDirectories(path.getParent());
          Files.writeString(path, file.getValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try (Connection connection = connect()) {
        try (PreparedStatement job =
            connection.prepareStatement(
                """
                insert into jobs (id, filename, file_path, status, progress, current_step,
                                  error_message, created_at, started_at, completed_at, result_path)
                values (?, ?, ?, cast(? as jobstatus), ?, ?, ?, ?, ?, ?, ?)
                """)) {
          job.setObject(1, id);
          job.setString(2, filename);
          job.setString(3, filePath != null ? filePath : "/app/data/uploads/" + entry);
          job.setString(4, status);
          job.setInt(5, progress);
          job.setString(6, currentStep);
          job.setString(7, errorMessage);
          job.setObject(8, utc(createdAt));
          job.setObject(9, status.equals("PENDING") ? null : utc(startedAt));
          job.setObject(10, utc(completedAt));
          job.setString(11, resultPath);
          job.executeUpdate();
        }
        int n = 0;
        for (String region : regions) {
          try (PreparedStatement metric =
              connection.prepareStatement(
                  """
                  insert into metrics (id, job_id, region, left_volume, right_volume,
                                       asymmetry_index, created_at)
                  values (?, ?, ?, ?, ?, ?, ?)
                  """)) {
            metric.setObject(1, UUID.randomUUID());
            metric.setObject(2, id);
            metric.setString(3, region);
            metric.setDouble(4, 1000.5 + n);
            metric.setDouble(5, 990.25 + n);
            metric.setDouble(6, 0.01 * (n + 1));
            metric.setObject(7, utc(createdAt.plusSeconds(60 + n)));
            metric.executeUpdate();
          }
          n++;
        }
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      return new RefJob(id, uploadFile, outputDir, uploadContent);
    }
  }

  /** A timestamp without time zone holding the UTC wall time, as the reference writes it. */
  private static LocalDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC).toLocalDateTime();
  }
}
