package dev.storekeeper.jobs;

import dev.storekeeper.NotFoundException;
import dev.storekeeper.storage.PrivateFiles;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Accepts uploads and answers questions about jobs.
 *
 * <p>Upload protocol: stream to {@code uploads/.incoming-{id}.part}; then, in one transaction,
 * insert the row, move the file to its final name and enqueue processing. The row is inserted
 * <em>before</em> the final name appears, so whenever {@code uploads/{id}_…} exists its row is
 * committed or held by a live transaction, and the orphan sweep's claim (an insert of the same id)
 * fails instead of deleting it — even with no grace window. A crash leaves at most a temporary file
 * or an uncommitted final file, both removed by the orphan sweep after the grace window.
 *
 * <p>On the s3 backend the same order holds with the object's final key: in one transaction the row
 * is inserted, the bytes are streamed to {@code uploads/{id}_…} (multipart above a part, aborted on
 * any failure) and processing is enqueued. The key appears only while the row's insert holds the
 * id, so the orphan sweep's claim fails on it; a crash before the commit leaves an object without a
 * row, an orphan after the grace window. There is no temporary key: S3 has no rename, and a copy
 * would write every upload twice.
 */
@Service
public class JobService {

  private static final Logger log = LoggerFactory.getLogger(JobService.class);
  private static final int MAX_FILENAME_LENGTH = 1024;
  private static final int ZERO_WIDTH_NON_JOINER = 0x200C;
  private static final int ZERO_WIDTH_JOINER = 0x200D;

  private final JobRepository jobs;
  private final MetricRepository metrics;
  private final StorageLayout layout;
  private final StorageProperties storage;
  private final ProcessingQueue queue;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final ApplicationEventPublisher events;
  private final Optional<ObjectStore> objects;
  private final Optional<ObjectLocations> locations;

  JobService(
      JobRepository jobs,
      MetricRepository metrics,
      StorageLayout layout,
      StorageProperties storage,
      ProcessingQueue queue,
      TransactionTemplate tx,
      Clock clock,
      ApplicationEventPublisher events,
      Optional<ObjectStore> objects,
      Optional<ObjectLocations> locations) {
    this.jobs = jobs;
    this.metrics = metrics;
    this.layout = layout;
    this.storage = storage;
    this.queue = queue;
    this.tx = tx;
    this.clock = clock;
    this.events = events;
    this.objects = objects;
    this.locations = locations;
  }

  /**
   * Source of the uploaded bytes; {@code transferTo} may move a spooled file instead of copying.
   */
  public interface UploadSource {
    String originalFilename();

    long size();

    void transferTo(Path target) throws IOException;

    /** The bytes, streamed (the s3 backend sends them to the bucket as they are read). */
    InputStream open() throws IOException;
  }

  public Job upload(UploadSource source) {
    if (source.size() == 0) {
      throw UploadRejectedException.empty();
    }
    if (source.size() > storage.maxUploadBytes()) {
      throw UploadRejectedException.tooLarge(storage.maxUploadBytes());
    }
    UUID id = UUID.randomUUID();
    String original = source.originalFilename() == null ? "" : source.originalFilename();
    if (objects.isPresent()) {
      return uploadToBucket(id, original, source, objects.get(), locations.orElseThrow());
    }
    long free = usableSpace();
    long minFree = storage.storageMinFreeMb() * 1024 * 1024;
    if (free - source.size() < minFree) {
      throw UploadRejectedException.noSpace(free, storage.storageMinFreeMb());
    }
    Path temp = layout.uploadsRoot().resolve(StorageLayout.tempUploadName(id));
    Path target = layout.uploadsRoot().resolve(StorageLayout.uploadName(id, original));
    try {
      source.transferTo(temp);
      // the servlet container spooled it with the process's umask
      PrivateFiles.narrowNew(temp);
      long size = Files.size(temp);
      if (size == 0) {
        throw UploadRejectedException.empty();
      }
      if (size > storage.maxUploadBytes()) {
        throw UploadRejectedException.tooLarge(storage.maxUploadBytes());
      }
      Job job = Job.newUpload(id, displayName(original), target.toString(), size, clock.instant());
      tx.executeWithoutResult(
          status -> {
            jobs.insert(job);
            move(temp, target);
            queue.enqueue(id);
          });
      announce(job);
      return job;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not store upload " + id, e);
    } finally {
      deleteQuietly(temp);
      if (jobs.findById(id).isEmpty()) {
        // the transaction did not commit: its file must not outlive it
        deleteQuietly(target);
      }
    }
  }

  /**
   * The s3 upload: row, object, queue in one transaction (see the class comment). An object put
   * whose transaction then fails is deleted at once; if that delete fails too, the orphan sweep
   * takes it after the grace window (no row names it).
   */
  private Job uploadToBucket(
      UUID id, String original, UploadSource source, ObjectStore store, ObjectLocations where) {
    String key = where.keys().upload(id, StorageLayout.safeName(original));
    Job job =
        Job.newUpload(id, displayName(original), where.of(key), source.size(), clock.instant());
    boolean[] written = {false};
    try {
      tx.executeWithoutResult(
          status -> {
            jobs.insert(job);
            long size;
            try (InputStream in = source.open()) {
              size = store.put(key, in);
            } catch (IOException e) {
              throw new UncheckedIOException("Could not store upload " + id, e);
            }
            written[0] = true;
            if (size != source.size()) {
              throw new UncheckedIOException(
                  new IOException(
                      "upload %s: %d bytes announced, %d stored"
                          .formatted(id, source.size(), size)));
            }
            queue.enqueue(id);
          });
      announce(job);
      return job;
    } finally {
      if (written[0] && jobs.findById(id).isEmpty()) {
        try {
          store.delete(List.of(key));
        } catch (RuntimeException e) {
          log.warn("Could not remove {}; the orphan sweep will remove it", key, e);
        }
      }
    }
  }

  /** Listeners (the capacity check) must not turn a stored upload into a failed one. */
  private void announce(Job job) {
    try {
      events.publishEvent(new JobUploaded(job));
    } catch (RuntimeException e) {
      log.warn("A listener failed on upload {}: {}", job.id(), e.toString());
    }
  }

  /**
   * The client's name as the job's {@code filename}, for display and downloads: as sent, minus what
   * could mislead an operator reading it. Control characters (NUL, line breaks, terminal escapes)
   * and Unicode format characters are removed: bidi overrides, embeddings, isolates and marks
   * (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) reorder what is shown, so that {@code
   * invoice\u202Efdp.exe} reads as {@code invoiceexe.pdf}; zero-width and other invisible format
   * characters make two different names look alike. Zero-width (non-)joiners stay: they cannot
   * reorder anything and some scripts and emoji need them. Line and paragraph separators go too,
   * and an unpaired surrogate, which no database encoding can store, becomes U+FFFD.
   */
  static String displayName(String original) {
    StringBuilder shown = new StringBuilder(Math.min(original.length(), MAX_FILENAME_LENGTH));
    original
        .codePoints()
        .forEach(
            cp -> {
              switch (Character.getType(cp)) {
                case Character.CONTROL,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> {}
                case Character.FORMAT -> {
                  if (cp == ZERO_WIDTH_NON_JOINER || cp == ZERO_WIDTH_JOINER) {
                    shown.appendCodePoint(cp);
                  }
                }
                case Character.SURROGATE -> shown.append('\uFFFD');
                default -> shown.appendCodePoint(cp);
              }
            });
    String name = shown.toString();
    if (name.isBlank()) {
      return "upload";
    }
    if (name.length() > MAX_FILENAME_LENGTH) {
      // never cut a surrogate pair in half
      int end =
          Character.isLowSurrogate(name.charAt(MAX_FILENAME_LENGTH))
              ? MAX_FILENAME_LENGTH - 1
              : MAX_FILENAME_LENGTH;
      name = name.substring(0, end);
    }
    return name;
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not move upload into place: " + to, e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.warn("Could not remove {}; the orphan sweep will remove it", path, e);
    }
  }

  private long usableSpace() {
    try {
      return Files.getFileStore(layout.uploadsRoot()).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read free space of " + layout.uploadsRoot(), e);
    }
  }

  /** A job visible through the API: jobs being deleted are gone already. */
  public Job get(UUID id) {
    return jobs.findById(id)
        .filter(job -> job.status().isVisible())
        .orElseThrow(() -> new NotFoundException("No job with id " + id));
  }

  public List<Job> list(JobStatus status, int skip, int limit) {
    return jobs.list(status, skip, limit);
  }

  public List<Metric> metrics(UUID jobId) {
    get(jobId);
    return metrics.findByJob(jobId);
  }

  /** Cancels a pending or running job; a worker running it notices and stops. */
  public Job cancel(UUID id) {
    Job job = get(id);
    job.status().requireCanBecome(JobStatus.CANCELLED);
    boolean done =
        jobs.finish(
            id,
            EnumSet.of(JobStatus.PENDING, JobStatus.RUNNING),
            JobStatus.CANCELLED,
            clock.instant(),
            "cancelled by request",
            job.resultPath(),
            job.outputBytes());
    if (!done) {
      // it finished (or was cancelled) between our read and the update
      Job now = get(id);
      now.status().requireCanBecome(JobStatus.CANCELLED);
    }
    return get(id);
  }
}
