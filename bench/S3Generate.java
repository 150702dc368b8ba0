import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;

/**
 * The S3 benchmark dataset (issue 13): {@link Generate}'s jobs (same ids, statuses and ages for a
 * seed) in the S3 data contract's shape, and their objects in an S3Proxy bucket.
 *
 * <pre>
 * java -cp gen:postgresql.jar S3Generate N SEED ORPHANS BUCKET_DIR BUCKET PREFIX JDBC_URL LISTS_DIR
 * </pre>
 *
 * <p>Rows: {@code file_path = s3://{bucket}/{prefix}uploads/{id}_{name}}, {@code result_path =
 * s3://{bucket}/{prefix}outputs/{id}/} and the record of its output objects (the three objects with
 * their sizes: V16's {@code job_output_objects} table, or the {@code jobs.output_objects} column of
 * its first draft) for finished jobs; running and pending jobs have their objects but no result or
 * record yet.
 *
 * <p>Objects are written as files straight into S3Proxy's filesystem blobstore ({@code
 * BUCKET_DIR} is {@code {basedir}/{bucket}}; a key is the file {@code BUCKET_DIR/{key}}), with the
 * extended attributes S3Proxy 4.1.0 itself writes for a PUT: {@code user.content-md5} (the ETag;
 * without it a listing has no ETag) and {@code user.content-type}. S3Proxy reads LastModified from
 * the file's mtime, so the orphans (ORPHANS uploads and ORPHANS output trees of three objects, keys
 * with no row) get an mtime 48 hours back, past the 24-hour grace window. Writing 400,000 objects
 * through the API would take minutes; the files are what a PUT leaves, which the harness checks by
 * listing the bucket through the API and comparing keys, sizes and ETags with {@code
 * all-objects.tsv}.
 *
 * <p>LISTS_DIR receives: {@code expected-items.tsv} and {@code expected-orphan-items.tsv}
 * (category, job id, stored path: what the ledger must record for a full run and for {@code
 * --orphaned-only}), {@code floor-keys.txt} (every key a full cleanup deletes: the expired jobs'
 * upload and output objects and the orphans), {@code floor-orphan-keys.txt}, {@code floor-ids.txt}
 * (the expired jobs' ids), {@code expected-jobs.count}, and sorted {@code key, size, ETag} lists:
 * {@code all-objects.tsv} (as seeded), {@code kept-objects.tsv} (after a full cleanup) and {@code
 * kept-after-orphans.tsv} (after an orphan sweep).
 */
public class S3Generate {

  static final String[] OUTPUTS = {
    "results.json", "metrics.csv", "visualizations/overlays/slice_00.png"
  };

  record Blob(byte[] bytes, byte[] md5) {
    String etag() {
      return HexFormat.of().formatHex(md5);
    }
  }

  record Obj(String key, Blob blob) {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println(
          "usage: S3Generate N SEED ORPHANS BUCKET_DIR BUCKET PREFIX JDBC_URL LISTS_DIR");
      System.exit(2);
    }
    int n = Integer.parseInt(args[0]);
    long seed = Long.parseLong(args[1]);
    int orphans = Integer.parseInt(args[2]);
    Path bucketDir = Path.of(args[3]).toAbsolutePath().normalize();
    String bucket = args[4];
    String prefix = args[5];
    String url = args[6];
    Path lists = Path.of(args[7]);
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long started = System.nanoTime();

    Random random = new Random(seed);
    List<Generate.Job> jobs = Generate.jobs(n, random, now);
    List<UUID> orphanUploads = new ArrayList<>();
    List<UUID> orphanOutputs = new ArrayList<>();
    for (int i = 0; i < orphans; i++) {
      orphanUploads.add(Generate.uuid(random));
    }
    for (int i = 0; i < orphans; i++) {
      orphanOutputs.add(Generate.uuid(random));
    }

    Blob upload = blob(Generate.content(Generate.UPLOAD_BYTES, seed));
    Blob[] outputs = {
      blob(Generate.content(200, seed + 1)),
      blob(Generate.content(160, seed + 2)),
      blob(Generate.content(1024, seed + 3))
    };
    long outputBytes = 0;
    for (Blob b : outputs) {
      outputBytes += b.bytes().length;
    }
    String outputObjects =
        "[[\""
            + OUTPUTS[0]
            + "\","
            + outputs[0].bytes().length
            + "],[\""
            + OUTPUTS[1]
            + "\","
            + outputs[1].bytes().length
            + "],[\""
            + OUTPUTS[2]
            + "\","
            + outputs[2].bytes().length
            + "]]";

    Files.createDirectories(bucketDir);
    FileTime orphanTime = FileTime.from(now.minus(Duration.ofHours(48)));
    writeObjects(
        bucketDir, prefix, jobs, orphanUploads, orphanOutputs, upload, outputs, orphanTime);
    long filesDone = System.nanoTime();

    writeDatabase(url, jobs, bucket, prefix, outputBytes, outputObjects);
    long dbDone = System.nanoTime();

    writeLists(lists, jobs, orphanUploads, orphanOutputs, bucket, prefix, upload, outputs);
    long expired = jobs.stream().filter(Generate.Job::expired).count();
    System.out.printf(
        "generated N=%d seed=%d: %d expired jobs, %d objects of jobs, %d orphan uploads, %d"
            + " orphan output trees (%d objects); objects %.1f s, database %.1f s%n",
        n,
        seed,
        expired,
        jobs.size() * 4L,
        orphans,
        orphans,
        orphans * 4L,
        (filesDone - started) / 1e9,
        (dbDone - filesDone) / 1e9);
  }

  static Blob blob(byte[] bytes) throws Exception {
    return new Blob(bytes, MessageDigest.getInstance("MD5").digest(bytes));
  }

  static String uploadKey(String prefix, int index, UUID id) {
    return prefix + "uploads/" + Generate.uploadName(index, id);
  }

  static String outputsKey(String prefix, UUID id) {
    return prefix + "outputs/" + id + "/";
  }

  static void writeObjects(
      Path bucketDir,
      String prefix,
      List<Generate.Job> jobs,
      List<UUID> orphanUploads,
      List<UUID> orphanOutputs,
      Blob upload,
      Blob[] outputs,
      FileTime orphanTime)
      throws Exception {
    // on disk the threads mostly wait for the file system: more of them than cores
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> work = new ArrayList<>();
    int chunk = 2000;
    for (int from = 0; from < jobs.size(); from += chunk) {
      List<Generate.Job> part = jobs.subList(from, Math.min(jobs.size(), from + chunk));
      work.add(
          pool.submit(
              () -> {
                for (Generate.Job job : part) {
                  put(bucketDir, uploadKey(prefix, job.index(), job.id()), upload, null);
                  for (int o = 0; o < OUTPUTS.length; o++) {
                    put(bucketDir, outputsKey(prefix, job.id()) + OUTPUTS[o], outputs[o], null);
                  }
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
                  put(
                      bucketDir,
                      uploadKey(prefix, jobs.size() + i, orphanUploads.get(i)),
                      upload,
                      orphanTime);
                  for (int o = 0; o < OUTPUTS.length; o++) {
                    put(
                        bucketDir,
                        outputsKey(prefix, orphanOutputs.get(i)) + OUTPUTS[o],
                        outputs[o],
                        orphanTime);
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

  static final ByteBuffer CONTENT_TYPE =
      ByteBuffer.wrap("application/octet-stream".getBytes(StandardCharsets.UTF_8))
          .asReadOnlyBuffer();

  /** What S3Proxy's filesystem blobstore leaves for a PUT of {@code key}. */
  static void put(Path bucketDir, String key, Blob blob, FileTime mtime) {
    try {
      Path file = bucketDir.resolve(key);
      Files.createDirectories(file.getParent());
      Files.write(file, blob.bytes());
      UserDefinedFileAttributeView xattrs =
          Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
      xattrs.write("user.content-md5", ByteBuffer.wrap(blob.md5()));
      xattrs.write("user.content-type", CONTENT_TYPE.duplicate());
      if (mtime != null) {
        Files.setLastModifiedTime(file, mtime);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void writeDatabase(
      String url,
      List<Generate.Job> jobs,
      String bucket,
      String prefix,
      long outputBytes,
      String outputObjects)
      throws Exception {
    String s3 = "s3://" + bucket + "/";
    try (Connection db = DriverManager.getConnection(url)) {
      try (Statement st = db.createStatement()) {
        st.execute("truncate cleanup_items, cleanup_runs, metrics, jobs cascade");
        st.execute(
            "update cleanup_lock set run_id = null, node = null, acquired_at = null,"
                + " heartbeat_at = null");
        st.execute("delete from scheduled_tasks");
        st.execute("alter sequence metrics_id_seq restart");
      }
      // V16 as first drafted (a column jobs.output_objects) or as it landed (a table of its own)
      boolean table;
      try (Statement st = db.createStatement();
          ResultSet rs = st.executeQuery("select to_regclass('public.job_output_objects')")) {
        rs.next();
        table = rs.getString(1) != null;
      }
      PGConnection pg = db.unwrap(PGConnection.class);
      // COPY text format: the JSON has no tab, newline or backslash
      Generate.copy(
          pg,
          "copy jobs (id, filename, file_path, status, progress, current_step, error_message,"
              + " created_at, started_at, completed_at, result_path, upload_bytes, output_bytes,"
              + " attempts"
              + (table ? "" : ", output_objects")
              + ") from stdin",
          jobs,
          (job, row) -> {
            String name = String.format("sub-%06d_T1w.nii.gz", job.index());
            boolean finished = job.completedAt() != null;
            row.append(job.id()).append('\t');
            row.append(name).append('\t');
            row.append(s3).append(uploadKey(prefix, job.index(), job.id())).append('\t');
            row.append(job.status()).append('\t');
            row.append(job.status().equals("completed") ? 100 : finished ? 40 : 0).append('\t');
            row.append(
                finished ? job.status() : job.status().equals("running") ? "profiling" : "\\N");
            row.append('\t');
            row.append(job.status().equals("failed") ? "processor exited with status 1" : "\\N");
            row.append('\t').append(job.createdAt());
            row.append('\t').append(job.startedAt() == null ? "\\N" : job.startedAt().toString());
            row.append('\t').append(finished ? job.completedAt().toString() : "\\N");
            row.append('\t').append(finished ? s3 + outputsKey(prefix, job.id()) : "\\N");
            row.append('\t').append(Generate.UPLOAD_BYTES);
            row.append('\t').append(finished ? outputBytes : 0);
            row.append('\t').append(job.startedAt() == null ? 0 : 1);
            if (!table) {
              row.append('\t').append(finished ? outputObjects : "\\N");
            }
            row.append('\n');
          });
      if (table) {
        Generate.copy(
            pg,
            "copy job_output_objects (job_id, objects) from stdin",
            jobs.stream().filter(job -> job.completedAt() != null).toList(),
            (job, row) -> row.append(job.id()).append('\t').append(outputObjects).append('\n'));
      }
      Generate.copy(
          pg,
          "copy metrics (job_id, name, \"value\", unit, created_at) from stdin",
          jobs,
          (job, row) -> {
            SplittableRandom values = new SplittableRandom(job.id().getLeastSignificantBits());
            Instant at = job.completedAt() != null ? job.completedAt() : job.createdAt();
            for (int m = 0; m < Generate.METRICS.length; m++) {
              row.append(job.id()).append('\t').append(Generate.METRICS[m]).append('\t');
              row.append(Math.round(values.nextDouble() * 1e6) / 1e3).append('\t');
              row.append(Generate.UNITS[m].isEmpty() ? "\\N" : Generate.UNITS[m]).append('\t');
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

  static void writeLists(
      Path lists,
      List<Generate.Job> jobs,
      List<UUID> orphanUploads,
      List<UUID> orphanOutputs,
      String bucket,
      String prefix,
      Blob upload,
      Blob[] outputs)
      throws IOException {
    Files.createDirectories(lists);
    String s3 = "s3://" + bucket + "/";
    List<Obj> all = new ArrayList<>();
    List<Obj> kept = new ArrayList<>();
    List<Obj> keptAfterOrphans = new ArrayList<>();
    try (Writer items = Files.newBufferedWriter(lists.resolve("expected-items.tsv"));
        Writer orphanItems = Files.newBufferedWriter(lists.resolve("expected-orphan-items.tsv"));
        Writer keys = Files.newBufferedWriter(lists.resolve("floor-keys.txt"));
        Writer orphanKeys = Files.newBufferedWriter(lists.resolve("floor-orphan-keys.txt"));
        Writer ids = Files.newBufferedWriter(lists.resolve("floor-ids.txt"))) {
      for (Generate.Job job : jobs) {
        List<Obj> objects = new ArrayList<>();
        objects.add(new Obj(uploadKey(prefix, job.index(), job.id()), upload));
        for (int o = 0; o < OUTPUTS.length; o++) {
          objects.add(new Obj(outputsKey(prefix, job.id()) + OUTPUTS[o], outputs[o]));
        }
        all.addAll(objects);
        keptAfterOrphans.addAll(objects);
        if (job.expired()) {
          items.write(
              job.status()
                  + "_job\t"
                  + job.id()
                  + "\t"
                  + s3
                  + uploadKey(prefix, job.index(), job.id())
                  + "\n");
          ids.write(job.id() + "\n");
          for (Obj object : objects) {
            keys.write(object.key() + "\n");
          }
        } else {
          kept.addAll(objects);
        }
      }
      for (int i = 0; i < orphanUploads.size(); i++) {
        String key = uploadKey(prefix, jobs.size() + i, orphanUploads.get(i));
        String line = "orphan_upload\t" + orphanUploads.get(i) + "\t" + s3 + key + "\n";
        items.write(line);
        orphanItems.write(line);
        keys.write(key + "\n");
        orphanKeys.write(key + "\n");
        all.add(new Obj(key, upload));
      }
      for (UUID id : orphanOutputs) {
        // the ledger names an output tree as the filesystem does a directory: without the slash
        String tree = outputsKey(prefix, id);
        String line =
            "orphan_output\t" + id + "\t" + s3 + tree.substring(0, tree.length() - 1) + "\n";
        items.write(line);
        orphanItems.write(line);
        for (int o = 0; o < OUTPUTS.length; o++) {
          String key = outputsKey(prefix, id) + OUTPUTS[o];
          keys.write(key + "\n");
          orphanKeys.write(key + "\n");
          all.add(new Obj(key, outputs[o]));
        }
      }
    }
    writeObjects(lists.resolve("all-objects.tsv"), all);
    writeObjects(lists.resolve("kept-objects.tsv"), kept);
    writeObjects(lists.resolve("kept-after-orphans.tsv"), keptAfterOrphans);
    Files.writeString(
        lists.resolve("expected-jobs.count"),
        jobs.stream().filter(Generate.Job::expired).count() + "\n");
  }

  /** key, size, ETag; sorted as S3 lists (by UTF-8 bytes; the keys here are ASCII). */
  static void writeObjects(Path file, List<Obj> objects) throws IOException {
    objects.sort((a, b) -> a.key().compareTo(b.key()));
    try (Writer out = Files.newBufferedWriter(file)) {
      for (Obj o : objects) {
        out.write(o.key() + "\t" + o.blob().bytes().length + "\t" + o.blob().etag() + "\n");
      }
    }
  }
}
