package dev.storekeeper;

import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.Sql;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Test data written straight to the database and the data directories, the way the service leaves
 * them: {@code aJob(COMPLETED).finishedAt(t).create()} makes a row, 2 metric rows, an upload and an
 * output directory.
 */
public final class Fixtures {

  private final JdbcClient jdbc;
  private final StorageLayout layout;

  public Fixtures(JdbcClient jdbc, StorageLayout layout) {
    this.jdbc = jdbc;
    this.layout = layout;
  }

  public JobBuilder aJob(JobStatus status) {
    return new JobBuilder(status);
  }

  /** What a created job consists of, to check what survived. */
  public record CreatedJob(UUID id, Path upload, Path outputDir) {}

  public final class JobBuilder {
    private final JobStatus status;
    private Instant createdAt = Instant.parse("2026-01-01T00:00:00Z");
    private Instant completedAt;
    private int metrics = 2;
    private boolean files = true;
    private String name = "scan.csv";

    JobBuilder(JobStatus status) {
      this.status = status;
    }

    public JobBuilder finishedAt(Instant at) {
      this.completedAt = at;
      return this;
    }

    public JobBuilder createdAt(Instant at) {
      this.createdAt = at;
      return this;
    }

    public JobBuilder metrics(int count) {
      this.metrics = count;
      return this;
    }

    public JobBuilder withoutFiles() {
      this.files = false;
      return this;
    }

    public JobBuilder named(String name) {
      this.name = name;
      return this;
    }

    public CreatedJob create() {
      UUID id = UUID.randomUUID();
      Path upload = layout.uploadsRoot().resolve(StorageLayout.uploadName(id, name));
      Path output = layout.outputDir(id);
      if (files) {
        write(upload, "a,b\n1,2\n");
        write(output.resolve("results.json"), "{\"ok\":true}");
        write(output.resolve("visualizations/overlays/slice_00.png"), "png-bytes");
      }
      jdbc.sql(
              """
              insert into jobs (id, filename, file_path, status, progress, created_at,
                                completed_at, upload_bytes, output_bytes)
              values (:id, :name, :path, :status, 100, :created, :completed, 8, 20)
              """)
          .param("id", id)
          .param("name", name)
          .param("path", upload.toString())
          .param("status", status.value())
          .param("created", Sql.ts(createdAt))
          .param("completed", Sql.ts(completedAt))
          .update();
      for (int i = 0; i < metrics; i++) {
        jdbc.sql(
                """
                insert into metrics (job_id, name, "value", unit, created_at)
                values (:id, :name, 1.5, 'u', :created)
                """)
            .param("id", id)
            .param("name", "m" + i)
            .param("created", Sql.ts(createdAt))
            .update();
      }
      return new CreatedJob(id, upload, output);
    }
  }

  /** An upload file with a job-id name and no row, last modified at {@code modified}. */
  public Path orphanUpload(Instant modified) {
    Path file =
        layout.uploadsRoot().resolve(StorageLayout.uploadName(UUID.randomUUID(), "lost.csv"));
    write(file, "orphan");
    touch(file, modified);
    return file;
  }

  public Path orphanOutput(Instant modified) {
    Path dir = layout.outputDir(UUID.randomUUID());
    write(dir.resolve("results.json"), "{}");
    touch(dir.resolve("results.json"), modified);
    touch(dir, modified);
    return dir;
  }

  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void touch(Path path, Instant modified) {
    try {
      Files.setLastModifiedTime(path, FileTime.from(modified));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets the time of a symbolic link itself, not of its target. */
  public static void touchLink(Path link, Instant modified) {
    try {
      Files.getFileAttributeView(
              link,
              java.nio.file.attribute.BasicFileAttributeView.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS)
          .setTimes(FileTime.from(modified), null, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public boolean rowExists(UUID id) {
    return jdbc.sql("select count(*) from jobs where id = :id")
            .param("id", id)
            .query(Long.class)
            .single()
        > 0;
  }

  public long metricRows(UUID id) {
    return jdbc.sql("select count(*) from metrics where job_id = :id")
        .param("id", id)
        .query(Long.class)
        .single();
  }

  /** Row, metrics, upload and outputs all still there. */
  public boolean intact(CreatedJob job) {
    return rowExists(job.id())
        && metricRows(job.id()) > 0
        && Files.exists(job.upload())
        && Files.exists(job.outputDir().resolve("results.json"));
  }

  /** Row, metrics, upload and outputs all gone. */
  public boolean gone(CreatedJob job) {
    return !rowExists(job.id())
        && metricRows(job.id()) == 0
        && !Files.exists(job.upload())
        && !Files.exists(job.outputDir());
  }
}
