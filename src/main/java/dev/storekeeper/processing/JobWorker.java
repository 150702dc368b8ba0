package dev.storekeeper.processing;

import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.MetricRepository;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.ObjectStoreException;
import dev.storekeeper.storage.s3.UnsafeKeyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs one job: pending (or running, when its node died) -> running -> completed or failed.
 *
 * <p>The processor runs on its own thread so that {@code PROCESSING_TIMEOUT} and cancellation can
 * interrupt it. A job found {@code running} was started by a node that died; it is retried until
 * {@code PROCESSING_MAX_ATTEMPTS} attempts have been made, then failed — never left stuck.
 */
@Component
class JobWorker implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(JobWorker.class);
  private static final long PROGRESS_INTERVAL_MS = 500;

  private final JobRepository jobs;
  private final MetricRepository metrics;
  private final StorageLayout layout;
  private final JobProcessor processor;
  private final ProcessingProperties properties;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Optional<ObjectStore> objects;
  private final Optional<ObjectLocations> locations;
  private final ExecutorService runner =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "processor");
            thread.setDaemon(true);
            return thread;
          });

  JobWorker(
      JobRepository jobs,
      MetricRepository metrics,
      StorageLayout layout,
      JobProcessor processor,
      ProcessingProperties properties,
      TransactionTemplate tx,
      Clock clock,
      Optional<ObjectStore> objects,
      Optional<ObjectLocations> locations) {
    this.jobs = jobs;
    this.metrics = metrics;
    this.layout = layout;
    this.processor = processor;
    this.properties = properties;
    this.tx = tx;
    this.clock = clock;
    this.objects = objects;
    this.locations = locations;
  }

  void process(UUID jobId) {
    Optional<Job> found = jobs.findById(jobId);
    if (found.isEmpty() || !start(found.get())) {
      return;
    }
    Job job = found.get();
    Scratch scratch = null;
    try {
      Path input;
      Path outputDir;
      if (objects.isPresent()) {
        // the s3 backend: fetch, process in WORK_DIR, upload; a job not migrated yet reads its
        // upload from the filesystem, and its outputs go to the bucket all the same
        scratch = Scratch.create(layout.workRoot(), jobId);
        outputDir = scratch.outputs();
        Optional<String> key = locations.orElseThrow().keyOf(job.filePath());
        input =
            key.isPresent()
                ? scratch.fetch(objects.get(), key.get(), lastSegment(key.get()))
                : Path.of(job.filePath());
      } else {
        input = Path.of(job.filePath());
        outputDir = layout.outputDir(jobId);
        createOutputDir(outputDir);
      }
      JobProcessor.Request request =
          new JobProcessor.Request(jobId, input, job.filename(), outputDir);
      JobProcessor.Result result = runWithTimeout(jobId, request);
      long outputBytes;
      String resultPath;
      String outputObjects;
      if (scratch != null) {
        Scratch.Published published = scratch.publish(objects.get(), objects.get().keys(), jobId);
        outputBytes = published.bytes();
        outputObjects = published.objects();
        resultPath =
            locations
                .orElseThrow()
                .of(
                    result.resultFile() == null
                        ? objects.get().keys().outputs(jobId)
                        : objects.get().keys().output(jobId, result.resultFile()));
      } else {
        outputBytes = sizeOf(jobId);
        outputObjects = null;
        resultPath =
            result.resultFile() == null
                ? outputDir.toString()
                : outputDir.resolve(result.resultFile()).toString();
      }
      boolean completed =
          Boolean.TRUE.equals(
              tx.execute(
                  status -> {
                    boolean done =
                        jobs.finish(
                            jobId,
                            EnumSet.of(JobStatus.RUNNING),
                            JobStatus.COMPLETED,
                            clock.instant(),
                            null,
                            resultPath,
                            outputBytes);
                    if (done) {
                      if (outputObjects != null) {
                        jobs.setOutputObjects(jobId, outputObjects);
                      }
                      metrics.insertAll(jobId, result.metrics(), clock.instant());
                    }
                    return done;
                  }));
      log.info("Job {} {}", jobId, completed ? "completed" : "was cancelled while processing");
    } catch (ProcessingException e) {
      fail(jobId, e.getMessage());
    } catch (TimeoutException e) {
      fail(jobId, "timed out after " + properties.processingTimeout() + " s (PROCESSING_TIMEOUT)");
    } catch (CancelledException e) {
      log.info("Job {} was cancelled; processing stopped", jobId);
    } catch (ObjectStoreException | UnsafeKeyException e) {
      fail(jobId, "object storage: " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      fail(jobId, "I/O error: " + e.getMessage());
    } catch (RuntimeException e) {
      log.error("Job {} failed unexpectedly", jobId, e);
      fail(jobId, "internal error: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      // the node is shutting down: leave the job running; it is retried when the execution revives
      log.warn("Job {} interrupted by shutdown; it will be retried", jobId);
    } finally {
      if (scratch != null) {
        try {
          scratch.remove();
        } catch (RuntimeException e) {
          log.warn(
              "Job {}: scratch left in WORK_DIR, removed when this node starts again", jobId, e);
        }
      }
    }
  }

  /**
   * On the s3 backend, removes what processing left in WORK_DIR for jobs that are no longer
   * running: a node that died mid-job leaves its scratch behind, and nothing else would remove it.
   * A running job's scratch stays (another node may share a misconfigured WORK_DIR); if its node is
   * gone, the job's retry on this node replaces it, and a later start removes it.
   */
  @org.springframework.context.event.EventListener(
      org.springframework.boot.context.event.ApplicationReadyEvent.class)
  void sweepScratch() {
    Path work = layout.workRoot();
    if (objects.isEmpty() || !Files.isDirectory(work, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var entries = Files.newDirectoryStream(work)) {
      for (Path entry : entries) {
        Optional<UUID> id = StorageLayout.jobIdOfOutput(entry.getFileName().toString());
        if (id.isPresent()
            && jobs.findById(id.get()).map(Job::status).orElse(null) != JobStatus.RUNNING) {
          SafeFiles.Removal removal = SafeFiles.remove(work, entry.getFileName(), false);
          if (!removal.errors().isEmpty()) {
            log.warn("Cannot remove scratch {}: {}", entry, removal.errors());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Cannot sweep WORK_DIR {}: {}", work, e.toString());
    }
  }

  private static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('/') + 1);
  }

  /**
   * An earlier attempt's processor may have left a link where the output directory belongs; the
   * processor would then run in, and write to, the link's target. Such an entry fails the job.
   */
  private static void createOutputDir(Path outputDir) throws IOException, ProcessingException {
    try {
      // private from the start: the processor's files are made private only once it is done
      Files.createDirectory(
          outputDir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      BasicFileAttributes existing =
          Files.readAttributes(outputDir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!existing.isDirectory()) {
        throw new ProcessingException(
            "the output directory "
                + outputDir
                + " is "
                + (existing.isSymbolicLink() ? "a symbolic link" : "not a directory")
                + ", left by an earlier attempt; it is not used");
      }
    }
  }

  private boolean start(Job job) {
    return switch (job.status()) {
      case PENDING -> jobs.markStarted(job.id(), JobStatus.PENDING, clock.instant());
      case RUNNING -> {
        if (job.attempts() >= properties.maxAttempts()) {
          fail(
              job.id(),
              "processing was interrupted %d times (node stopped or died); giving up"
                  .formatted(job.attempts()));
          yield false;
        }
        log.warn(
            "Job {} was left running by a stopped node; retrying (attempt {})",
            job.id(),
            job.attempts() + 1);
        yield jobs.transition(job.id(), JobStatus.RUNNING, JobStatus.PENDING)
            && jobs.markStarted(job.id(), JobStatus.PENDING, clock.instant());
      }
      default -> false;
    };
  }

  private JobProcessor.Result runWithTimeout(UUID jobId, JobProcessor.Request request)
      throws ProcessingException, TimeoutException, InterruptedException, CancelledException {
    AtomicLong lastWrite = new AtomicLong();
    JobProcessor.ProgressListener progress =
        (percent, step) -> {
          long now = System.nanoTime();
          if (now - lastWrite.get() >= TimeUnit.MILLISECONDS.toNanos(PROGRESS_INTERVAL_MS)) {
            lastWrite.set(now);
            jobs.updateProgress(jobId, percent, step);
          }
        };
    Future<JobProcessor.Result> future = runner.submit(() -> processor.process(request, progress));
    long deadline =
        System.nanoTime() + Duration.ofSeconds(properties.processingTimeout()).toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException();
        }
        try {
          return future.get(Math.min(left, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException tick) {
          if (jobs.findById(jobId).map(Job::status).orElse(JobStatus.CANCELLED)
              != JobStatus.RUNNING) {
            throw new CancelledException();
          }
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProcessingException failure) {
        throw failure;
      }
      if (e.getCause() instanceof InterruptedException) {
        throw new ProcessingException("processor was interrupted");
      }
      throw new ProcessingException("processor crashed: " + e.getCause(), e.getCause());
    } finally {
      future.cancel(true);
    }
  }

  private void fail(UUID jobId, String message) {
    boolean failed =
        jobs.finish(
            jobId,
            EnumSet.of(JobStatus.RUNNING, JobStatus.PENDING),
            JobStatus.FAILED,
            clock.instant(),
            message,
            null,
            sizeOf(jobId));
    if (failed) {
      log.warn("Job {} failed: {}", jobId, message);
    }
  }

  /**
   * The bytes of a job's output tree, which is made private on the way: a processor writes with the
   * service's umask, and its files must not stay readable by other local accounts.
   */
  private long sizeOf(UUID jobId) {
    SafeFiles.Privatized tree = SafeFiles.privatize(layout.outputsRoot(), jobId.toString());
    if (!tree.errors().isEmpty()) {
      log.warn(
          "Job {}: could not measure or make private all of its outputs: {}", jobId, tree.errors());
    }
    return tree.bytes();
  }

  @Override
  public void destroy() {
    runner.shutdownNow();
  }

  private static final class CancelledException extends Exception {}
}
