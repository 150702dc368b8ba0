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
 * Test data written straight to the database and the storage, the way the service leaves them:
 * {@code aJob(COMPLETED).finishedAt(t).create()} makes a row, 2 metric rows, an upload and an
 * output directory. Where the files go is a {@link Storage}: the data directories ({@link
 * FilesystemStorage}), or the bucket of the s3 backend ({@code storage.s3.BucketStorage}), so one
 * suite runs on both; {@link StorekeeperIT#backendFixtures()} picks the one the context runs with.
 */
public final class Fixtures {

  private final JdbcClient jdbc;
  private final Storage storage;

  /** On the data directories. */
  public Fixtures(JdbcClient jdbc, StorageLayout layout) {
    this(jdbc, new FilesystemStorage(layout));
  }

  public Fixtures(JdbcClient jdbc, Storage storage) {
    this.jdbc = jdbc;
    this.storage = storage;
  }

  public Storage storage() {
    return storage;
  }

  /**
   * Where a test's files live. A location is named relative to the storage: {@code uploads/...} and
   * {@code outputs/...} are the service's two areas; a name starting with {@code /} lies outside
   * both (beside the data directories, or in the bucket outside {@code S3_PREFIX}).
   */
  public interface Storage {

    void write(String relative, String content);

    /** A file or object, or a directory or prefix with anything below it. */
    boolean exists(String relative);

    /**
     * Ages an entry as the orphan sweep sees it: a file's or directory's own time, or every object
     * at or below a key (a prefix's age is its newest object's).
     */
    void touch(String relative, Instant modified);

    /** Removes a file, a tree, an object or everything below a prefix. */
    void delete(String relative);

    /** How a job row names it ({@code file_path}, {@code result_path}). */
    String stored(String relative);

    /** Its content, to move it. */
    String read(String relative);

    /** The file itself: only the filesystem has one. */
    Path path(String relative);

    /** Records a job's output objects as the s3 worker does (nothing on the filesystem). */
    default void recordOutputs(UUID id, java.util.Map<String, Long> objects) {}
  }

  /** A file, directory, object or prefix of a {@link Storage}. */
  public static final class Entry {
    private final Storage storage;
    private final String relative;

    public Entry(Storage storage, String relative) {
      this.storage = storage;
      this.relative = relative;
    }

    public Entry resolve(String child) {
      return new Entry(storage, relative + "/" + child);
    }

    /** The entry beside this one named {@code name}. */
    public Entry sibling(String name) {
      return new Entry(storage, relative.substring(0, relative.lastIndexOf('/') + 1) + name);
    }

    public String name() {
      return relative.substring(relative.lastIndexOf('/') + 1);
    }

    public String relative() {
      return relative;
    }

    public boolean exists() {
      return storage.exists(relative);
    }

    public Entry write(String content) {
      storage.write(relative, content);
      return this;
    }

    public Entry touch(Instant modified) {
      storage.touch(relative, modified);
      return this;
    }

    public void delete() {
      storage.delete(relative);
    }

    public String content() {
      return storage.read(relative);
    }

    /** Moves a file or object to {@code to}, returning {@code to}. */
    public Entry moveTo(Entry to) {
      to.write(content());
      delete();
      return to;
    }

    public String stored() {
      return storage.stored(relative);
    }

    /** The file itself, for tests about the filesystem only (links, permissions, deep trees). */
    public Path path() {
      return storage.path(relative);
    }

    @Override
    public String toString() {
      return stored();
    }
  }

  /** An entry in {@code uploads/}. */
  public Entry upload(String name) {
    return new Entry(storage, "uploads/" + name);
  }

  /** An entry in {@code outputs/}. */
  public Entry output(String name) {
    return new Entry(storage, "outputs/" + name);
  }

  /** A place outside both areas (a key outside the prefix on s3). */
  public Entry outside(String name) {
    return new Entry(storage, "/elsewhere-" + UUID.randomUUID() + "/" + name);
  }

  /** The data directories of {@code layout}. */
  public static final class FilesystemStorage implements Storage {
    private final StorageLayout layout;

    public FilesystemStorage(StorageLayout layout) {
      this.layout = layout;
    }

    @Override
    public Path path(String relative) {
      if (relative.startsWith("uploads/")) {
        return layout.uploadsRoot().resolve(relative.substring("uploads/".length()));
      }
      if (relative.startsWith("outputs/")) {
        return layout.outputsRoot().resolve(relative.substring("outputs/".length()));
      }
      return layout.dataDir().resolve(relative.substring(1));
    }

    @Override
    public void write(String relative, String content) {
      Fixtures.write(path(relative), content);
    }

    @Override
    public boolean exists(String relative) {
      return Files.exists(path(relative));
    }

    @Override
    public void touch(String relative, Instant modified) {
      Fixtures.touch(path(relative), modified);
    }

    @Override
    public void delete(String relative) {
      Path path = path(relative);
      try (java.util.stream.Stream<Path> walk = Files.walk(path)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String stored(String relative) {
      return path(relative).toString();
    }

    @Override
    public String read(String relative) {
      try {
        return Files.readString(path(relative));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public JobBuilder aJob(JobStatus status) {
    return new JobBuilder(status);
  }

  /** What a created job consists of, to check what survived. */
  public record CreatedJob(UUID id, Entry uploadEntry, Entry outputEntry) {

    /** The upload file (filesystem only). */
    public Path upload() {
      return uploadEntry.path();
    }

    /** The output directory (filesystem only). */
    public Path outputDir() {
      return outputEntry.path();
    }
  }

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
      Entry upload = upload(StorageLayout.uploadName(id, name));
      Entry output = output(id.toString());
      if (files) {
        upload.write("a,b\n1,2\n");
        output.resolve("results.json").write("{\"ok\":true}");
        output.resolve("visualizations/overlays/slice_00.png").write("png-bytes");
      }
      jdbc.sql(
              """
              insert into jobs (id, filename, file_path, status, progress, created_at,
                                completed_at, upload_bytes, output_bytes)
              values (:id, :name, :path, :status, 100, :created, :completed, 8, 20)
              """)
          .param("id", id)
          .param("name", name)
          .param("path", upload.stored())
          .param("status", status.value())
          .param("created", Sql.ts(createdAt))
          .param("completed", Sql.ts(completedAt))
          .update();
      if (files) {
        // after the row: the record of output objects references it
        java.util.Map<String, Long> objects = new java.util.LinkedHashMap<>();
        objects.put("results.json", 11L);
        objects.put("visualizations/overlays/slice_00.png", 9L);
        storage.recordOutputs(id, objects);
      }
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

  /** An upload with a job-id name and no row, last modified at {@code modified}. */
  public Entry anOrphanUpload(Instant modified) {
    return upload(StorageLayout.uploadName(UUID.randomUUID(), "lost.csv"))
        .write("orphan")
        .touch(modified);
  }

  /**
   * An output directory (prefix) with a job-id name and no row, last modified at {@code modified}.
   */
  public Entry anOrphanOutput(Instant modified) {
    Entry dir = output(UUID.randomUUID().toString());
    dir.resolve("results.json").write("{}").touch(modified);
    dir.touch(modified);
    return dir;
  }

  /** {@link #anOrphanUpload} on the filesystem, as a file. */
  public Path orphanUpload(Instant modified) {
    return anOrphanUpload(modified).path();
  }

  /** {@link #anOrphanOutput} on the filesystem, as a directory. */
  public Path orphanOutput(Instant modified) {
    return anOrphanOutput(modified).path();
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
        && job.uploadEntry().exists()
        && job.outputEntry().resolve("results.json").exists();
  }

  /** Row, metrics, upload and outputs all gone. */
  public boolean gone(CreatedJob job) {
    return !rowExists(job.id())
        && metricRows(job.id()) == 0
        && !job.uploadEntry().exists()
        && !job.outputEntry().exists();
  }
}
