package dev.storekeeper.storage.migrate;

import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.storage.Futures;
import dev.storekeeper.storage.OutputDirectory;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StoredPaths;
import dev.storekeeper.storage.migrate.MigrationReport.Counts;
import dev.storekeeper.storage.migrate.MigrationReport.Item;
import dev.storekeeper.storage.migrate.MigrationReport.Left;
import dev.storekeeper.storage.s3.ObjectKeys;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.ObjectStoreException;
import dev.storekeeper.storage.s3.OutputObjects;
import dev.storekeeper.storage.s3.UnsafeKeyException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code storage migrate --to s3}: copies a filesystem data directory into the bucket, job by job.
 *
 * <p>Per finished job whose upload lies directly in the uploads directory and whose outputs (if
 * any) are {@code outputs/{job_id}/}: (1) <b>put</b> the upload to {@code {prefix}uploads/{its
 * entry name}} and each output file to {@code {prefix}outputs/{job_id}/{relative path}}, each
 * object read back and compared with what was read from the local file (size and SHA-256); (2)
 * <b>switch</b> the job's row in one statement ({@code file_path}, {@code result_path} to {@code
 * s3://bucket/key}, {@code output_objects}, the sizes copied), only if the row still names the
 * local paths read and the job is finished (not claimed for deletion meanwhile); (3) <b>remove</b>
 * the local copy, confined and link-safe ({@link SafeFiles}).
 *
 * <p>A kill at any point converges on the next run, and no job is unreachable at any moment: before
 * the switch the row names the local files, untouched; after it, objects that were verified. A job
 * killed between put and switch is simply copied again (its objects overwritten). A switched job
 * whose local copy is still there (killed during the removal) has it compared with the objects and
 * then removed. Holds are kept as they are: nothing local is removed before the switch.
 *
 * <p>Pending and running jobs are skipped (their files are still being written; a rerun takes them
 * once finished), and so are jobs being deleted and jobs whose import from NeuroInsight is not
 * finished. Files that are no job's are neither copied nor deleted; the report counts them.
 *
 * <p>Bounded memory: jobs are read in pages by id (keyset), files are streamed (one part of the
 * store's multipart upload in memory per job copied in parallel), and the report keeps counts plus
 * a bounded list.
 */
public final class StorageMigration {

  private static final Logger log = LoggerFactory.getLogger(StorageMigration.class);

  static final int PAGE = 200;

  /** Items kept in the report (the listener sees them all). */
  public static final int MAX_LISTED = 1000;

  /** An output tree with more files than this is not migrated (its listing is held in memory). */
  static final int MAX_OUTPUT_FILES = 100_000;

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final Set<String> FINISHED = Set.of("completed", "failed", "cancelled");

  private final JdbcClient jdbc;
  private final JobRepository jobs;
  private final StorageLayout layout;
  private final ObjectStore store;
  private final ObjectLocations locations;
  private final ObjectKeys keys;
  private final TransactionTemplate tx;
  private final Runnable barrier;
  private final Clock clock;

  /**
   * Test seam: called after a job's objects are put and verified ("put"), after its row is switched
   * ("switched"), after its local copy is removed ("removed"). An {@link Error} thrown here stops
   * the run the way a kill does.
   */
  volatile Consumer<String> checkpoint = step -> {};

  /** Test seam: jobs per page, so that a test crosses pages with few jobs. */
  volatile int pageSize = PAGE;

  public StorageMigration(
      JdbcClient jdbc,
      JobRepository jobs,
      StorageLayout layout,
      ObjectStore store,
      ObjectLocations locations,
      TransactionTemplate tx,
      CommitBarrier barrier,
      Clock clock) {
    this.jdbc = jdbc;
    this.tx = tx;
    this.barrier = barrier;
    this.jobs = jobs;
    this.layout = layout;
    this.store = store;
    this.locations = locations;
    this.keys = locations.keys();
    this.clock = clock;
    if (!store.bucket().equals(locations.bucket())
        || !store.keys().prefix().equals(keys.prefix())) {
      throw new IllegalArgumentException("the store and the locations name different buckets");
    }
  }

  /** {@code threads}: jobs copied at once (1..32). */
  public record Options(boolean dryRun, int threads) {
    public Options {
      if (threads < 1 || threads > 32) {
        throw new IllegalArgumentException("threads must be 1..32, got " + threads);
      }
    }
  }

  /** Migrates every job; {@code listener} gets each job's item as it is decided, in id order. */
  public MigrationReport run(Options options, Consumer<Item> listener) {
    long started = clock.millis();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            options.threads(),
            task -> {
              Thread thread = new Thread(task, "migrate");
              thread.setDaemon(true);
              return thread;
            });
    Tally tally = new Tally();
    try {
      UUID after = null;
      while (true) {
        List<Row> page = page(after);
        if (page.isEmpty()) {
          break;
        }
        after = page.get(page.size() - 1).id();
        removals.clear();
        List<Future<Item>> results = new ArrayList<>(page.size());
        for (Row row : page) {
          results.add(pool.submit(() -> alone(row, options.dryRun())));
        }
        List<Item> items = new ArrayList<>(page.size());
        for (Future<Item> result : results) {
          items.add(join(result));
        }
        if (!removals.isEmpty()) {
          // a switch must be on disk before the local copy goes: an embedded H2 writes commits
          // a moment later, and a kill in between would leave a row naming removed files
          barrier.run();
          List<Future<Item>> removed = new ArrayList<>(items.size());
          for (Item item : items) {
            Removal removal = removals.get(item.jobId());
            removed.add(
                removal == null
                    ? java.util.concurrent.CompletableFuture.completedFuture(item)
                    : pool.submit(() -> removeSwitched(item, removal)));
          }
          items.clear();
          for (Future<Item> result : removed) {
            items.add(join(result));
          }
        }
        for (Item item : items) {
          tally.add(item);
          listener.accept(item);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    Left left = left();
    log.debug("Migration examined {} jobs in {} ms", tally.jobs, clock.millis() - started);
    return new MigrationReport(
        options.dryRun(),
        new Counts(
            tally.jobs,
            tally.migrated,
            tally.present,
            tally.skipped,
            tally.failed,
            tally.files,
            tally.bytes),
        left,
        List.copyOf(tally.listed),
        tally.notListed);
  }

  private static Item join(Future<Item> result) {
    return Futures.join(result, "interrupted while migrating");
  }

  private static final class Tally {
    long jobs;
    long migrated;
    long present;
    long skipped;
    long failed;
    long files;
    long bytes;
    long notListed;
    final List<Item> listed = new ArrayList<>();

    void add(Item item) {
      jobs++;
      switch (item.outcome()) {
        case MigrationReport.MIGRATED -> {
          migrated++;
          files += item.files();
          bytes += item.bytes();
        }
        case MigrationReport.PRESENT -> present++;
        case MigrationReport.SKIPPED -> skipped++;
        default -> failed++;
      }
      if (item.outcome().equals(MigrationReport.PRESENT)) {
        return;
      }
      if (listed.size() < MAX_LISTED) {
        listed.add(item);
      } else {
        notListed++;
      }
    }
  }

  // ---- the jobs ---------------------------------------------------------------------------------

  /**
   * The columns a migration decides by; {@code importing}: its NeuroInsight import is unfinished.
   */
  record Row(
      UUID id,
      String filename,
      String filePath,
      String resultPath,
      String status,
      boolean held,
      boolean importing) {}

  private static final String ROW_SELECT =
      """
      select j.id, j.filename, j.file_path, j.result_path, j.status, j.held_at,
             i.state as import_state
        from jobs j left join neuroinsight_imports i on i.job_id = j.id
      """;

  /** The next page of jobs by id: keyset pagination, one index range per page. */
  List<Row> page(UUID after) {
    var statement =
        after == null
            ? jdbc.sql(ROW_SELECT + " order by j.id fetch first :n rows only")
            : jdbc.sql(ROW_SELECT + " where j.id > :after order by j.id fetch first :n rows only")
                .param("after", after);
    return statement
        .param("n", pageSize)
        .query(
            (rs, i) ->
                new Row(
                    rs.getObject("id", UUID.class),
                    rs.getString("filename"),
                    rs.getString("file_path"),
                    rs.getString("result_path"),
                    rs.getString("status"),
                    rs.getTimestamp("held_at") != null,
                    "adopting".equals(rs.getString("import_state"))))
        .list();
  }

  /**
   * One job, whatever goes wrong with its files: that failure is this job's alone. The store or the
   * database failing is not (every other job would fail the same way): it stops the run.
   */
  private Item alone(Row row, boolean dryRun) {
    try {
      return one(row, dryRun);
    } catch (ObjectStoreException | DataAccessException infrastructure) {
      throw infrastructure;
    } catch (IOException | RuntimeException e) {
      log.debug("Migration of job {} failed", row.id(), e);
      return item(
          row,
          MigrationReport.FAILED,
          "not migrated: " + layout.scrub(describe(e)) + "; nothing was switched or removed",
          0,
          0,
          null,
          null);
    }
  }

  private static String describe(Throwable e) {
    return e instanceof NoSuchFileException
        ? e.getMessage() + " does not exist"
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private Item one(Row row, boolean dryRun) throws IOException {
    if (ObjectLocations.isObject(row.filePath())) {
      return alreadyInBucket(row, dryRun);
    }
    String status = row.status();
    if (status.equals("pending") || status.equals("running")) {
      return item(
          row,
          MigrationReport.SKIPPED,
          "is " + status + ": its files may still change; a rerun migrates it once it has finished",
          0,
          0,
          null,
          null);
    }
    if (!FINISHED.contains(status)) {
      return item(
          row,
          MigrationReport.SKIPPED,
          "is being deleted (" + status + "): left to the cleanup",
          0,
          0,
          null,
          null);
    }
    if (row.importing()) {
      return item(
          row,
          MigrationReport.SKIPPED,
          "its import from NeuroInsight is not finished: rerun the import, then the migration",
          0,
          0,
          null,
          null);
    }
    Optional<Path> uploadEntry = StoredPaths.entryIn(layout.uploadsRoot(), row.filePath());
    if (uploadEntry.isEmpty()) {
      return failed(
          row,
          row.filePath() == null || row.filePath().isEmpty()
              ? "has no upload path"
              : "its upload "
                  + layout.display(row.filePath())
                  + " is not directly in the uploads directory (UPLOAD_DIR): left where it is");
    }
    String uploadName = uploadEntry.get().toString();
    String outputName = row.id().toString();
    String resultRest = null;
    if (row.resultPath() != null) {
      if (ObjectLocations.isObject(row.resultPath())) {
        return failed(row, "its result_path names an object but its file_path a local file");
      }
      Optional<String> rest =
          StoredPaths.restIn(layout.outputsRoot(), outputName, row.resultPath());
      if (rest.isEmpty()) {
        return failed(
            row,
            "its result_path "
                + layout.display(row.resultPath())
                + " is not in outputs/"
                + outputName
                + "/: left where it is");
      }
      resultRest = rest.get();
    }
    if (!jobs.referencedUploads(List.of(uploadName), List.of(row.id())).isEmpty()) {
      return failed(
          row,
          "its upload uploads/"
              + uploadName
              + " is also referenced by another job: left where it is");
    }
    if (jobs.outputReferenced(layout.outputDir(row.id()).toString(), row.id())) {
      return failed(
          row, "outputs/" + outputName + " is also referenced by another job: left where it is");
    }
    Path upload = layout.uploadsRoot().resolve(uploadName);
    Map<String, Object> uploadAttributes;
    try {
      uploadAttributes = Files.readAttributes(upload, "unix:*", NOFOLLOW);
    } catch (NoSuchFileException missing) {
      return failed(
          row,
          "its upload uploads/"
              + uploadName
              + " is missing: nothing to copy, its row was not switched");
    }
    if (!Boolean.TRUE.equals(uploadAttributes.get("isRegularFile"))) {
      return failed(
          row,
          "its upload uploads/"
              + uploadName
              + " is not a regular file (a link or special file): not followed");
    }
    if (((Number) uploadAttributes.get("nlink")).longValue() != 1) {
      return failed(
          row,
          "its upload uploads/"
              + uploadName
              + " has more than one link (a hard link to a file elsewhere): not copied");
    }
    long uploadBytes = ((Number) uploadAttributes.get("size")).longValue();
    String uploadKey;
    try {
      uploadKey = keys.requireOurs(keys.uploadsPrefix() + uploadName);
    } catch (UnsafeKeyException e) {
      return failed(row, "its upload's name cannot be a key: " + e.getMessage());
    }
    List<SafeFiles.FileEntry> outputs = outputFiles(row.id());
    List<String> outputKeys = new ArrayList<>(outputs.size());
    long outputBytes = 0;
    for (SafeFiles.FileEntry file : outputs) {
      outputKeys.add(keys.output(row.id(), file.path()));
      outputBytes += file.size();
    }
    String outputsPrefix = outputs.isEmpty() ? null : keys.outputs(row.id());
    long files = 1 + outputs.size();
    long bytes = uploadBytes + outputBytes;
    if (dryRun) {
      return item(
          row,
          MigrationReport.MIGRATED,
          "would be copied, verified and switched, then its local copy removed",
          files,
          bytes,
          uploadKey,
          outputsPrefix);
    }
    try (InputStream in = Files.newInputStream(upload, NOFOLLOW)) {
      putVerified(in, uploadBytes, uploadKey);
    }
    if (!outputs.isEmpty()) {
      try (OutputDirectory dir = OutputDirectory.open(layout.outputDir(row.id()))) {
        for (int i = 0; i < outputs.size(); i++) {
          SafeFiles.FileEntry file = outputs.get(i);
          try (InputStream in = Channels.newInputStream(dir.read(file.path()))) {
            putVerified(in, file.size(), outputKeys.get(i));
          }
        }
      }
    }
    checkpoint.accept("put");
    String newFile = locations.of(uploadKey);
    String newResult =
        resultRest == null
            ? null
            : resultRest.isEmpty()
                ? locations.of(keys.outputs(row.id()))
                : locations.of(keys.output(row.id(), resultRest));
    if (!switchRow(row, newFile, newResult, outputObjects(outputs), uploadBytes, outputBytes)) {
      return item(
          row,
          MigrationReport.FAILED,
          "its row changed while it was copied (deleted, claimed for deletion or moved): not"
              + " switched, nothing removed; the objects put are no job's and go with the orphan"
              + " sweep unless a rerun takes the job",
          0,
          0,
          null,
          null);
    }
    checkpoint.accept("switched");
    // the local copy goes once the page's switches are durable (see run)
    removals.put(row.id(), new Removal(uploadName, outputName));
    return item(
        row,
        MigrationReport.MIGRATED,
        "copied, verified (size and SHA-256) and switched; local copy removed",
        files,
        bytes,
        uploadKey,
        outputsPrefix);
  }

  /** The local entries of a switched job, removed after the page's commit barrier. */
  private record Removal(String uploadName, String outputName) {}

  /** Jobs switched in the current page whose local copy is still to be removed. */
  private final Map<UUID, Removal> removals = new java.util.concurrent.ConcurrentHashMap<>();

  /** Removes a switched job's local copy; a failure turns its item into a failure to report. */
  private Item removeSwitched(Item item, Removal removal) {
    List<String> errors = removeLocal(removal.uploadName(), removal.outputName());
    checkpoint.accept("removed");
    if (errors.isEmpty()) {
      return item;
    }
    return new Item(
        item.jobId(),
        item.filename(),
        item.status(),
        item.held(),
        MigrationReport.FAILED,
        "copied, verified and switched to the bucket, but its local copy could not all be"
            + " removed ("
            + layout.scrub(String.join("; ", errors))
            + "): a rerun removes it",
        item.files(),
        item.bytes(),
        item.upload(),
        item.outputs());
  }

  private Item failed(Row row, String reason) {
    return item(row, MigrationReport.FAILED, reason + " (not migrated)", 0, 0, null, null);
  }

  /**
   * The regular files of {@code outputs/{id}/}, none when there is no such directory.
   *
   * @throws IOException when the tree holds a link, a special file or a hard link (never followed
   *     nor copied: downloads refuse them too), or cannot be read whole
   */
  private List<SafeFiles.FileEntry> outputFiles(UUID id) throws IOException {
    Path dir = layout.outputDir(id);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException none) {
      return List.of();
    }
    String shown = "outputs/" + id;
    if (!attributes.isDirectory()) {
      throw new IOException(
          shown
              + (attributes.isSymbolicLink()
                  ? " is a symbolic link: not followed"
                  : " is not a directory"));
    }
    SafeFiles.Survey survey = SafeFiles.survey(layout.outputsRoot(), id.toString());
    if (!survey.notPlain().isEmpty()) {
      throw new IOException(
          "outputs/"
              + String.join(", outputs/", survey.notPlain())
              + ": links and special files are not followed nor copied");
    }
    if (!survey.errors().isEmpty()) {
      throw new IOException("cannot read " + shown + ": " + String.join("; ", survey.errors()));
    }
    if (survey.files() > MAX_OUTPUT_FILES) {
      throw new IOException(
          shown + " holds " + survey.files() + " files, more than " + MAX_OUTPUT_FILES);
    }
    SafeFiles.Listing listing =
        SafeFiles.files(layout.outputsRoot(), id.toString(), MAX_OUTPUT_FILES, Integer.MAX_VALUE);
    if (!listing.errors().isEmpty()) {
      throw new IOException("cannot read " + shown + ": " + String.join("; ", listing.errors()));
    }
    if (listing.files().size() != survey.files()) {
      throw new IOException(
          shown + " holds files with more than one link (hard links): they are not copied");
    }
    // path order: the record and the puts do not depend on the order directories list in
    List<SafeFiles.FileEntry> files = new ArrayList<>(listing.files());
    files.sort(java.util.Comparator.comparing(SafeFiles.FileEntry::path));
    return files;
  }

  // ---- copying and verifying --------------------------------------------------------------------

  /**
   * Puts the stream under {@code key}, then reads the object back: it must have exactly the bytes
   * read (count and SHA-256), and as many as the file had when it was listed. A mismatch fails this
   * job; the object stays, unreferenced, and is overwritten by the rerun.
   */
  private void putVerified(InputStream in, long listedSize, String key) throws IOException {
    Hashing local = new Hashing(in);
    store.put(key, local);
    byte[] sent = local.digest();
    if (local.count != listedSize) {
      throw new IOException(
          key
              + ": the local file changed while it was copied ("
              + local.count
              + " bytes read, "
              + listedSize
              + " listed)");
    }
    Optional<InputStream> stored = store.get(key);
    if (stored.isEmpty()) {
      throw new IOException(key + " is not in the bucket right after it was written");
    }
    Hashing back;
    try (InputStream object = stored.get()) {
      back = new Hashing(object);
      back.transferTo(OutputStreamNull.INSTANCE);
    }
    if (back.count != local.count || !Arrays.equals(back.digest(), sent)) {
      throw new IOException(
          key
              + " does not match the local file read back ("
              + back.count
              + " bytes against "
              + local.count
              + ", or another SHA-256)");
    }
  }

  /** Counts and hashes what is read through it. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest digest;
    long count;

    Hashing(InputStream in) {
      super(in);
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java platform has SHA-256", e);
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        digest.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        digest.update(buffer, offset, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) {
      return 0; // every byte must pass through the digest
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    byte[] digest() {
      return digest.digest();
    }
  }

  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  /** The {@code job_output_objects} record; null above {@link OutputObjects#MAX_RECORDED}. */
  private static String outputObjects(List<SafeFiles.FileEntry> outputs) {
    List<OutputObjects.Entry> entries = new ArrayList<>(outputs.size());
    for (SafeFiles.FileEntry file : outputs) {
      entries.add(new OutputObjects.Entry(file.path(), file.size()));
    }
    return OutputObjects.encode(entries);
  }

  // ---- the switch -------------------------------------------------------------------------------

  /**
   * One conditional update: the row names the objects from now on, if it still names the local
   * files read and the job is still finished (a cleanup claim, {@code deleting}, makes it miss).
   * Holds, status and times are not touched. The output objects' record ({@code
   * job_output_objects}) goes in the same transaction, only when the update took.
   */
  private boolean switchRow(
      Row row,
      String newFile,
      String newResult,
      String outputObjects,
      long uploadBytes,
      long outputBytes) {
    String sameResult =
        row.resultPath() == null ? "result_path is null" : "result_path = :oldResult";
    var statement =
        jdbc.sql(
                """
                update jobs set file_path = :newFile, result_path = :newResult,
                                upload_bytes = :uploadBytes, output_bytes = :outputBytes
                 where id = :id and file_path = :oldFile and %s
                   and status in ('completed', 'failed', 'cancelled')
                """
                    .formatted(sameResult))
            .param("newFile", newFile)
            .param("newResult", newResult, java.sql.Types.VARCHAR)
            .param("uploadBytes", uploadBytes)
            .param("outputBytes", outputBytes)
            .param("id", row.id())
            .param("oldFile", row.filePath());
    var update =
        row.resultPath() == null ? statement : statement.param("oldResult", row.resultPath());
    return Boolean.TRUE.equals(
        tx.execute(
            status -> {
              if (update.update() != 1) {
                return false;
              }
              if (outputObjects == null) {
                jdbc.sql("delete from job_output_objects where job_id = :id")
                    .param("id", row.id())
                    .update();
              } else {
                jobs.setOutputObjects(row.id(), outputObjects);
              }
              return true;
            }));
  }

  // ---- the local copy ---------------------------------------------------------------------------

  private List<String> removeLocal(String uploadName, String outputName) {
    List<String> errors = new ArrayList<>();
    errors.addAll(SafeFiles.remove(layout.uploadsRoot(), uploadName, false).errors());
    errors.addAll(SafeFiles.remove(layout.outputsRoot(), outputName, false).errors());
    return errors;
  }

  /**
   * A job whose row names objects already: present, unless an earlier run was killed after its
   * switch and before its local copy was gone. Then what is left is compared with the objects
   * (every file, size and SHA-256) and removed; anything that differs stays and is reported.
   */
  private Item alreadyInBucket(Row row, boolean dryRun) throws IOException {
    Optional<String> key = locations.keyOf(row.filePath());
    if (key.isEmpty()) {
      return item(
          row,
          MigrationReport.PRESENT,
          "names an object of another bucket or prefix: nothing to do",
          0,
          0,
          null,
          null);
    }
    String uploadsPrefix = keys.uploadsPrefix();
    String uploadName =
        key.get().startsWith(uploadsPrefix) && key.get().indexOf('/', uploadsPrefix.length()) < 0
            ? key.get().substring(uploadsPrefix.length())
            : null;
    String outputName = row.id().toString();
    boolean uploadLeft =
        uploadName != null && lstat(layout.uploadsRoot().resolve(uploadName)) != null;
    boolean outputLeft = lstat(layout.outputDir(row.id())) != null;
    if (!uploadLeft && !outputLeft) {
      return item(
          row, MigrationReport.PRESENT, "in the bucket", 0, 0, key.get(), keys.outputs(row.id()));
    }
    List<String> kept = new ArrayList<>();
    if (uploadLeft) {
      if (!jobs.referencedUploads(List.of(uploadName), List.of(row.id())).isEmpty()) {
        kept.add("uploads/" + uploadName + " is referenced by another job");
        uploadLeft = false;
      } else if (!sameAsObject(layout.uploadsRoot().resolve(uploadName), key.get())) {
        kept.add("uploads/" + uploadName + " differs from " + key.get());
        uploadLeft = false;
      }
    }
    if (outputLeft) {
      String difference = outputDifference(row.id());
      if (difference != null) {
        kept.add(difference);
        outputLeft = false;
      }
    }
    if (dryRun) {
      return item(
          row,
          kept.isEmpty() ? MigrationReport.PRESENT : MigrationReport.FAILED,
          kept.isEmpty()
              ? "in the bucket; an earlier run's local copy would be removed"
              : "in the bucket; the local copy an earlier run left is kept: "
                  + String.join("; ", kept),
          0,
          0,
          key.get(),
          keys.outputs(row.id()));
    }
    List<String> errors = new ArrayList<>();
    if (uploadLeft) {
      errors.addAll(SafeFiles.remove(layout.uploadsRoot(), uploadName, false).errors());
    }
    if (outputLeft) {
      errors.addAll(SafeFiles.remove(layout.outputsRoot(), outputName, false).errors());
    }
    checkpoint.accept("removed");
    kept.addAll(errors);
    if (!kept.isEmpty()) {
      return item(
          row,
          MigrationReport.FAILED,
          "in the bucket, but the local copy an earlier run left is kept: "
              + layout.scrub(String.join("; ", kept)),
          0,
          0,
          key.get(),
          keys.outputs(row.id()));
    }
    return item(
        row,
        MigrationReport.PRESENT,
        "in the bucket; removed the local copy an earlier run left",
        0,
        0,
        key.get(),
        keys.outputs(row.id()));
  }

  /** Why the local {@code outputs/{id}/} is not a copy of the job's objects, or null if it is. */
  private String outputDifference(UUID id) throws IOException {
    if (jobs.outputReferenced(layout.outputDir(id).toString(), id)) {
      return "outputs/" + id + " is referenced by another job";
    }
    List<SafeFiles.FileEntry> files;
    try {
      files = outputFiles(id);
    } catch (IOException e) {
      return e.getMessage();
    }
    try (OutputDirectory dir = OutputDirectory.open(layout.outputDir(id))) {
      for (SafeFiles.FileEntry file : files) {
        String key = keys.output(id, file.path());
        byte[] local;
        try (InputStream in = Channels.newInputStream(dir.read(file.path()))) {
          local = sha256(in);
        }
        Optional<InputStream> object = store.get(key);
        if (object.isEmpty()) {
          return "outputs/" + id + "/" + file.path() + " has no object " + key;
        }
        try (InputStream in = object.get()) {
          if (!Arrays.equals(local, sha256(in))) {
            return "outputs/" + id + "/" + file.path() + " differs from " + key;
          }
        }
      }
    }
    return null;
  }

  private boolean sameAsObject(Path file, String key) throws IOException {
    BasicFileAttributes attributes = lstat(file);
    if (attributes == null || !attributes.isRegularFile()) {
      return false;
    }
    byte[] local;
    try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
      local = sha256(in);
    }
    Optional<InputStream> object = store.get(key);
    if (object.isEmpty()) {
      return false;
    }
    try (InputStream in = object.get()) {
      return Arrays.equals(local, sha256(in));
    }
  }

  private static byte[] sha256(InputStream in) throws IOException {
    Hashing hashing = new Hashing(in);
    hashing.transferTo(OutputStreamNull.INSTANCE);
    return hashing.digest();
  }

  private static BasicFileAttributes lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
    } catch (NoSuchFileException none) {
      return null;
    }
  }

  // ---- what is left -----------------------------------------------------------------------------

  /**
   * Counts the entries still in the uploads and outputs directories: those a job's row still names,
   * and the rest (no job's). Read in batches; nothing is held but a batch.
   */
  private Left left() {
    long[] counts = new long[2];
    try {
      countEntries(layout.uploadsRoot(), true, counts);
      countEntries(layout.outputsRoot(), false, counts);
    } catch (IOException | DirectoryIteratorException e) {
      log.debug("Counting the entries left failed", e);
      return new Left(-1, -1);
    }
    return new Left(counts[0], counts[1]);
  }

  private void countEntries(Path root, boolean uploads, long[] counts) throws IOException {
    List<String> batch = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        batch.add(entry.getFileName().toString());
        if (batch.size() == PAGE) {
          classify(root, uploads, batch, counts);
          batch.clear();
        }
      }
    }
    classify(root, uploads, batch, counts);
  }

  private void classify(Path root, boolean uploads, List<String> names, long[] counts) {
    if (names.isEmpty()) {
      return;
    }
    if (uploads) {
      Set<String> referenced = jobs.referencedUploads(names, List.of());
      for (String name : names) {
        counts[referenced.contains(name) ? 0 : 1]++;
      }
      return;
    }
    List<UUID> ids = new ArrayList<>();
    for (String name : names) {
      StorageLayout.jobIdOfOutput(name).ifPresent(ids::add);
    }
    Set<UUID> existing = new HashSet<>(jobs.existing(ids));
    for (String name : names) {
      Optional<UUID> id = StorageLayout.jobIdOfOutput(name);
      boolean ours =
          (id.isPresent() && existing.contains(id.get()))
              || jobs.outputReferenced(root.resolve(name).toString(), null);
      counts[ours ? 0 : 1]++;
    }
  }

  private Item item(
      Row row,
      String outcome,
      String reason,
      long files,
      long bytes,
      String upload,
      String outputs) {
    return new Item(
        row.id(),
        row.filename(),
        row.status(),
        row.held(),
        outcome,
        reason,
        files,
        bytes,
        upload,
        outputs);
  }
}
