import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The benchmark dataset (issue 6), deterministic for a seed: the same ids, statuses, ages, names
 * and contents on every run, relative to the moment of generation.
 *
 * <pre>
 * java -cp postgresql.jar bench/Generate.java N SEED DATA_DIR JDBC_URL LISTS_DIR
 * </pre>
 *
 * <p>Writes PostgreSQL (the schema must exist: Flyway creates it when the application starts) with
 * COPY, and the data directory directly. Every table the cleanup touches is emptied first, so the
 * database holds exactly this dataset. LISTS_DIR receives what a correct cleanup must delete:
 * {@code expected-items.tsv} (category, job id, path: what the ledger must record), {@code
 * floor-paths.0} (NUL-separated paths for {@code rm -rf}) and {@code floor.sql} (the floor's two
 * DELETEs, ids inline).
 *
 * <p>Ages keep two hours away from the retention cutoffs (30 days completed, 7 days failed) so that
 * the few seconds between generation and cleanup never change which jobs are expired.
 */
public class Generate {

  static final int COMPLETED_DAYS = 30;
  static final int FAILED_DAYS = 7;
  static final Duration GUARD = Duration.ofHours(2);
  static final int UPLOAD_BYTES = 2048;
  static final String[] METRICS = {"snr", "cnr", "fwhm_mm", "brain_volume_ml", "qi1"};
  static final String[] UNITS = {"", "", "mm", "ml", ""};

  record Job(
      int index,
      UUID id,
      String status,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt,
      boolean expired) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println("usage: Generate N SEED DATA_DIR JDBC_URL LISTS_DIR");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    long seed = Long.parseLong(args[1]);
    Path dataDir = Path.of(args[2]).toAbsolutePath().normalize();
    String url = args[3];
    Path lists = Path.of(args[4]);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long started = System.nanoTime();

    Random random = new Random(seed);
    List<Job> jobs = jobs(n, random, now);
    int orphans = n / 20;
    List<UUID> orphanUploads = new ArrayList<>();
    List<UUID> orphanOutputs = new ArrayList<>();
    for (int i = 0; i < orphans; i++) {
      orphanUploads.add(uuid(random));
    }
    for (int i = 0; i < orphans; i++) {
      orphanOutputs.add(uuid(random));
    }

    Path uploads = dataDir.resolve("uploads");
    Path outputs = dataDir.resolve("outputs");
    Files.createDirectories(uploads);
    Files.createDirectories(outputs);
    dataDir = dataDir.toRealPath();
    uploads = uploads.toRealPath();
    outputs = outputs.toRealPath();

    byte[] upload = content(UPLOAD_BYTES, seed);
    Output output = new Output(content(200, seed + 1), content(160, seed + 2), content(1024, seed + 3));
    FileTime orphanTime = FileTime.from(now.minus(Duration.ofHours(48)));
    writeFiles(jobs, orphanUploads, orphanOutputs, uploads, outputs, upload, output, orphanTime);
    long filesDone = System.nanoTime();

    writeDatabase(url, jobs, uploads, outputs, output.bytes());
    long dbDone = System.nanoTime();

    writeLists(lists, jobs, orphanUploads, orphanOutputs, uploads, outputs);
    long expired = jobs.stream().filter(Job::expired).count();
    System.out.printf(
        "generated N=%d seed=%d: %d expired jobs, %d orphan uploads, %d orphan outputs;"
            + " files %.1f s, database %.1f s%n",
        n,
        seed,
        expired,
        orphans,
        orphans,
        (filesDone - started) / 1e9,
        (dbDone - filesDone) / 1e9);
  }

  static List<Job> jobs(int n, Random random, Instant now) {
    String[] statuses = new String[n];
    int completed = n * 60 / 100;
    int failed = n * 20 / 100;
    int running = n * 10 / 100;
    for (int i = 0; i < n; i++) {
      statuses[i] =
          i < completed
              ? "completed"
              : i < completed + failed
                  ? "failed"
                  : i < completed + failed + running ? "running" : "pending";
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String swap = statuses[i];
      statuses[i] = statuses[j];
      statuses[j] = swap;
    }
    long window = Duration.ofDays(120).toMillis();
    List<Job> jobs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      UUID id = uuid(random);
      String status = statuses[i];
      boolean finished = status.equals("completed") || status.equals("failed");
      Instant completedAt = null;
      boolean expired = false;
      Instant createdAt;
      Instant startedAt = null;
      if (finished) {
        Duration retention = Duration.ofDays(status.equals("completed") ? COMPLETED_DAYS : FAILED_DAYS);
        long ageMs;
        do {
          ageMs = (long) (random.nextDouble() * window);
        } while (Math.abs(ageMs - retention.toMillis()) < GUARD.toMillis());
        completedAt = now.minusMillis(ageMs);
        expired = ageMs > retention.toMillis();
        startedAt = completedAt.minusSeconds(30 + random.nextInt(600));
        createdAt = startedAt.minusSeconds(random.nextInt(60));
      } else {
        createdAt = now.minusSeconds(1 + random.nextInt(3600));
        if (status.equals("running")) {
          startedAt = createdAt.plusMillis(500);
        }
      }
      jobs.add(new Job(i, id, status, createdAt, startedAt, completedAt, expired));
    }
    return jobs;
  }

  static UUID uuid(Random random) {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  static byte[] content(int size, long seed) {
    byte[] bytes = new byte[size];
    new SplittableRandom(seed).nextBytes(bytes);
    return bytes;
  }

  record Output(byte[] results, byte[] metrics, byte[] slice) {
    long bytes() {
      return results.length + metrics.length + slice.length;
    }
  }

  static String uploadName(int index, UUID id) {
    return id + "_" + String.format("sub-%06d_T1w.nii.gz", index);
  }

  static void writeFiles(
      List<Job> jobs,
      List<UUID> orphanUploads,
      List<UUID> orphanOutputs,
      Path uploads,
      Path outputs,
      byte[] upload,
      Output output,
      FileTime orphanTime)
      throws Exception {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> work = new ArrayList<>();
    int chunk = 2000;
    for (int from = 0; from < jobs.size(); from += chunk) {
      List<Job> part = jobs.subList(from, Math.min(jobs.size(), from + chunk));
      work.add(
          pool.submit(
              () -> {
                for (Job job : part) {
                  write(uploads.resolve(uploadName(job.index(), job.id())), upload);
                  writeOutput(outputs.resolve(job.id().toString()), output);
                }
              }));
    }
    for (int from = 0; from < orphanUploads.size(); from += chunk) {
      int start = from;
      int end = Math.min(orphanUploads.size(), from + chunk);
      work.add(
          pool.submit(
              () -> {
                for (int i = start; i < end; i++) {
                  Path file =
                      uploads.resolve(uploadName(jobs.size() + i, orphanUploads.get(i)));
                  write(file, upload);
                  touch(file, orphanTime);
                  Path dir = outputs.resolve(orphanOutputs.get(i).toString());
                  writeOutput(dir, output);
                  for (Path p : List.of(
                      dir.resolve("results.json"),
                      dir.resolve("metrics.csv"),
                      dir.resolve("visualizations/overlays/slice_00.png"),
                      dir.resolve("visualizations/overlays"),
                      dir.resolve("visualizations"),
                      dir)) {
                    touch(p, orphanTime);
                  }
                }
              }));
    }
    try {
      for (Future<?> f : work) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void writeOutput(Path dir, Output output) {
    try {
      Files.createDirectories(dir.resolve("visualizations/overlays"));
      write(dir.resolve("results.json"), output.results());
      write(dir.resolve("metrics.csv"), output.metrics());
      write(dir.resolve("visualizations/overlays/slice_00.png"), output.slice());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void touch(Path path, FileTime time) {
    try {
      Files.setLastModifiedTime(path, time);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeDatabase(String url, List<Job> jobs, Path uploads, Path outputs, long outputBytes)
      throws SQLException {
    try (Connection db = DriverManager.getConnection(url)) {
      try (Statement st = db.createStatement()) {
        st.execute("truncate cleanup_items, cleanup_runs, metrics, jobs");
        st.execute(
            "update cleanup_lock set run_id = null, node = null, acquired_at = null,"
                + " heartbeat_at = null");
        st.execute("delete from scheduled_tasks");
        st.execute("alter sequence metrics_id_seq restart");
      }
      PGConnection pg = db.unwrap(PGConnection.class);
      copy(
          pg,
          "copy jobs (id, filename, file_path, status, progress, current_step, error_message,"
              + " created_at, started_at, completed_at, result_path, upload_bytes, output_bytes,"
              + " attempts) from stdin",
          jobs,
          (job, row) -> {
            String name = String.format("sub-%06d_T1w.nii.gz", job.index());
            boolean finished = job.completedAt() != null;
            row.append(job.id()).append('\t');
            row.append(name).append('\t');
            row.append(uploads.resolve(job.id() + "_" + name)).append('\t');
            row.append(job.status()).append('\t');
            row.append(job.status().equals("completed") ? 100 : finished ? 40 : 0).append('\t');
            row.append(finished ? job.status() : job.status().equals("running") ? "profiling" : "\\N");
            row.append('\t');
            row.append(job.status().equals("failed") ? "processor exited with status 1" : "\\N");
            row.append('\t').append(job.createdAt());
            row.append('\t').append(job.startedAt() == null ? "\\N" : job.startedAt().toString());
            row.append('\t').append(finished ? job.completedAt().toString() : "\\N");
            row.append('\t').append(finished ? outputs.resolve(job.id().toString()).toString() : "\\N");
            row.append('\t').append(UPLOAD_BYTES);
            row.append('\t').append(finished ? outputBytes : 0);
            row.append('\t').append(job.startedAt() == null ? 0 : 1);
            row.append('\n');
          });
      copy(
          pg,
          "copy metrics (job_id, name, \"value\", unit, created_at) from stdin",
          jobs,
          (job, row) -> {
            SplittableRandom values = new SplittableRandom(job.id().getLeastSignificantBits());
            Instant at = job.completedAt() != null ? job.completedAt() : job.createdAt();
            for (int m = 0; m < METRICS.length; m++) {
              row.append(job.id()).append('\t').append(METRICS[m]).append('\t');
              row.append(Math.round(values.nextDouble() * 1e6) / 1e3).append('\t');
              row.append(UNITS[m].isEmpty() ? "\\N" : UNITS[m]).append('\t');
              row.append(at).append('\n');
            }
          });
      db.setAutoCommit(true);
      try (Statement st = db.createStatement()) {
        st.execute("vacuum analyze jobs");
        st.execute("vacuum analyze metrics");
        st.execute("vacuum analyze cleanup_items");
        st.execute("vacuum analyze cleanup_runs");
        st.execute("checkpoint");
      }
    }
  }

  interface Row {
    void append(Job job, StringBuilder row);
  }

  static void copy(PGConnection pg, String sql, List<Job> jobs, Row row) throws SQLException {
    CopyIn copy = pg.getCopyAPI().copyIn(sql);
    try {
      StringBuilder text = new StringBuilder(1 << 20);
      for (Job job : jobs) {
        row.append(job, text);
        if (text.length() > (1 << 20) - 4096) {
          byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(bytes, 0, bytes.length);
          text.setLength(0);
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      copy.writeToCopy(bytes, 0, bytes.length);
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  static void writeLists(
      Path lists,
      List<Job> jobs,
      List<UUID> orphanUploads,
      List<UUID> orphanOutputs,
      Path uploads,
      Path outputs)
      throws IOException {
    Files.createDirectories(lists);
    List<Job> expired = jobs.stream().filter(Job::expired).toList();
    try (Writer items = Files.newBufferedWriter(lists.resolve("expected-items.tsv"));
        Writer paths = Files.newBufferedWriter(lists.resolve("floor-paths.0"))) {
      for (Job job : expired) {
        String upload = uploads.resolve(uploadName(job.index(), job.id())).toString();
        items.write(job.status() + "_job\t" + job.id() + "\t" + upload + "\n");
        paths.write(upload + "\0" + outputs.resolve(job.id().toString()) + "\0");
      }
      for (int i = 0; i < orphanUploads.size(); i++) {
        String upload = uploads.resolve(uploadName(jobs.size() + i, orphanUploads.get(i))).toString();
        items.write("orphan_upload\t" + orphanUploads.get(i) + "\t" + upload + "\n");
        paths.write(upload + "\0");
      }
      for (UUID id : orphanOutputs) {
        String dir = outputs.resolve(id.toString()).toString();
        items.write("orphan_output\t" + id + "\t" + dir + "\n");
        paths.write(dir + "\0");
      }
    }
    String ids =
        expired.stream().map(job -> job.id().toString()).collect(Collectors.joining(",", "'{", "}'"));
    Files.writeString(
        lists.resolve("floor.sql"),
        "delete from metrics where job_id = any(" + ids + "::uuid[]);\n"
            + "delete from jobs where id = any(" + ids + "::uuid[]);\n");
    Files.writeString(lists.resolve("expected-jobs.count"), expired.size() + "\n");
  }
}
