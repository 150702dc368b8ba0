package dev.storekeeper.jobs;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.storage.OutputDirectory;
import dev.storekeeper.storage.SafeFiles;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.s3.DownloadProperties;
import dev.storekeeper.storage.s3.ListEntry;
import dev.storekeeper.storage.s3.ObjectLocations;
import dev.storekeeper.storage.s3.ObjectStore;
import dev.storekeeper.storage.s3.PresignedDownloads;
import dev.storekeeper.storage.s3.UnsafeKeyException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
@ConditionalOnWebApplication
@SecurityRequirement(name = "client")
class JobController {

  /** Listings stay a bounded answer whatever a processor wrote. */
  static final int MAX_LISTED = 10_000;

  /** Longer relative paths cannot be requested back (request line limits); they are not listed. */
  static final int MAX_LISTED_PATH = 4096;

  private final JobService jobs;
  private final StorageLayout layout;

  private final Optional<ObjectStore> objects;

  private final Optional<PresignedDownloads> presigned;

  JobController(
      JobService jobs,
      StorageLayout layout,
      Optional<ObjectStore> objects,
      Optional<PresignedDownloads> presigned,
      DownloadProperties downloads) {
    this.objects = objects;
    this.presigned = presigned.filter(p -> Boolean.TRUE.equals(downloads.presignedDownloads()));
    this.jobs = jobs;
    this.layout = layout;
  }

  record Created(UUID id, String filename, String status, Instant createdAt) {}

  record JobView(
      UUID id,
      String filename,
      String status,
      int progress,
      String currentStep,
      String errorMessage,
      Instant createdAt,
      Instant startedAt,
      Instant completedAt,
      String filePath,
      String resultPath,
      long uploadBytes,
      long outputBytes,
      List<MetricView> metrics) {

    /**
     * Paths are shown relative to the data layout and error texts without the data directories'
     * absolute paths (see {@link StorageLayout#display}): answers do not tell clients where the
     * server keeps its files.
     */
    static JobView of(Job job, List<Metric> metrics, StorageLayout layout) {
      return new JobView(
          job.id(),
          job.filename(),
          job.status().value(),
          job.progress(),
          layout.scrub(job.currentStep()),
          layout.scrub(job.errorMessage()),
          job.createdAt(),
          job.startedAt(),
          job.completedAt(),
          layout.display(job.filePath()),
          layout.display(job.resultPath()),
          job.uploadBytes(),
          job.outputBytes(),
          metrics == null ? null : metrics.stream().map(MetricView::of).toList());
    }
  }

  record MetricView(
      long id, UUID jobId, String name, double value, String unit, Instant createdAt) {
    static MetricView of(Metric m) {
      return new MetricView(m.id(), m.jobId(), m.name(), m.value(), m.unit(), m.createdAt());
    }
  }

  record OutputFile(String path, long sizeBytes) {}

  @Operation(summary = "Upload a file; it becomes a job that is processed in the background")
  @PostMapping(
      path = {"/upload", "/upload/"},
      consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<Created> upload(
      @Parameter(description = "the file to process (multipart/form-data field \"file\")")
          @RequestPart("file")
          MultipartFile file) {
    Job job =
        jobs.upload(
            new JobService.UploadSource() {
              @Override
              public String originalFilename() {
                return file.getOriginalFilename();
              }

              @Override
              public long size() {
                return file.getSize();
              }

              @Override
              public void transferTo(Path target) throws IOException {
                file.transferTo(target);
              }

              @Override
              public java.io.InputStream open() throws IOException {
                return file.getInputStream();
              }
            });
    return ResponseEntity.created(URI.create("/jobs/" + job.id()))
        .body(new Created(job.id(), job.filename(), job.status().value(), job.createdAt()));
  }

  @Operation(summary = "List jobs, newest first")
  @GetMapping({"/jobs", "/jobs/"})
  List<JobView> list(
      @Parameter(description = "jobs to skip (>= 0)") @RequestParam(defaultValue = "0") int skip,
      @Parameter(description = "page size, 1..1000") @RequestParam(defaultValue = "100") int limit,
      @Parameter(description = "only jobs in this status") @RequestParam(required = false)
          String status) {
    if (skip < 0) {
      throw new InvalidInputException("skip", "skip must be a whole number >= 0, got " + skip);
    }
    if (limit < 1 || limit > 1000) {
      throw new InvalidInputException(
          "limit", "limit must be a whole number between 1 and 1000, got " + limit);
    }
    return jobs.list(parseStatus(status), skip, limit).stream()
        .map(job -> JobView.of(job, null, layout))
        .toList();
  }

  private static JobStatus parseStatus(String status) {
    if (status == null) {
      return null;
    }
    try {
      JobStatus parsed = JobStatus.of(status);
      if (parsed.isVisible()) {
        return parsed;
      }
    } catch (IllegalArgumentException unknown) {
      // reported below
    }
    throw new InvalidInputException(
        "status",
        "status must be one of pending, running, completed, failed, cancelled, got \""
            + status
            + "\"");
  }

  @Operation(summary = "One job with its metrics")
  @GetMapping("/jobs/{id}")
  JobView get(@Parameter(description = "the job id") @PathVariable UUID id) {
    return JobView.of(jobs.get(id), jobs.metrics(id), layout);
  }

  @Operation(summary = "Metric rows of one job")
  @GetMapping({"/metrics", "/metrics/"})
  List<MetricView> metrics(
      @Parameter(description = "the job id") @RequestParam("job_id") UUID jobId) {
    return jobs.metrics(jobId).stream().map(MetricView::of).toList();
  }

  @Operation(summary = "Cancel a pending or running job")
  @PostMapping("/jobs/{id}/cancel")
  JobView cancel(@Parameter(description = "the job id") @PathVariable UUID id) {
    return JobView.of(jobs.cancel(id), null, layout);
  }

  @Operation(
      summary = "List a job's output files, or download one (path below outputs/)",
      description =
          "Lists at most "
              + MAX_LISTED
              + " regular files. Symbolic links, special files and files with more than one hard"
              + " link are neither listed nor served.")
  @GetMapping("/jobs/{id}/outputs/{*path}")
  ResponseEntity<?> outputs(
      @Parameter(description = "the job id") @PathVariable UUID id,
      @Parameter(description = "a file below the job's outputs/; empty lists them all")
          @PathVariable
          String path)
      throws IOException {
    Job job = jobs.get(id);
    String relative = path.startsWith("/") ? path.substring(1) : path;
    Optional<ObjectStore> bucket =
        objects.filter(
            // a job a migration has not reached yet is still served from its directory
            store -> ObjectLocations.outputsInBucket(job.filePath(), job.resultPath()));
    if (relative.isEmpty()) {
      return ResponseEntity.ok(
          bucket.isPresent() ? listObjects(id, bucket.get()) : listOutputs(id));
    }
    List<String> components = components(relative);
    if (bucket.isPresent()) {
      String key;
      try {
        key = bucket.get().keys().output(id, relative);
      } catch (UnsafeKeyException tooLong) {
        throw new NotFoundException("No output file " + relative);
      }
      if (presigned.isPresent()) {
        // the object must exist: a redirect to a missing key would answer the client with S3's
        // own error page instead of ours
        bucket
            .get()
            .head(key)
            .orElseThrow(() -> new NotFoundException("No output file " + relative));
        String name = components.get(components.size() - 1);
        return ResponseEntity.status(HttpStatus.FOUND)
            .location(presigned.get().url(key, Downloads.attachment(name)))
            .build();
      }
      ObjectStore.Fetched object =
          bucket
              .get()
              .fetch(key)
              .orElseThrow(() -> new NotFoundException("No output file " + relative));
      return download(components, object.size(), object.content());
    }
    SeekableByteChannel file;
    try (OutputDirectory outputs = OutputDirectory.open(layout.outputDir(id))) {
      file = outputs.read(relative);
    } catch (OutputDirectory.NotAPlainFileException | NoSuchFileException notServed) {
      throw new NotFoundException("No output file " + relative);
    }
    return download(components, file.size(), Channels.newInputStream(file));
  }

  private static ResponseEntity<?> download(
      List<String> components, long size, java.io.InputStream content) {
    String name = components.get(components.size() - 1);
    return ResponseEntity.ok()
        .contentType(MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM))
        .contentLength(size)
        .header(HttpHeaders.CONTENT_DISPOSITION, Downloads.attachment(name))
        .body(new InputStreamResource(content));
  }

  /**
   * The objects below {@code outputs/{id}/}, at most {@link #MAX_LISTED}: an object's key is what
   * the worker uploaded, always a plain file (a bucket has no links or special files).
   */
  private static List<OutputFile> listObjects(UUID id, ObjectStore store) {
    String prefix = store.keys().outputs(id);
    List<OutputFile> files = new java.util.ArrayList<>();
    for (ListEntry.StoredObject object : store.objectsUnder(prefix)) {
      if (files.size() >= MAX_LISTED) {
        break;
      }
      files.add(new OutputFile(object.key().substring(prefix.length()), object.size()));
    }
    files.sort(Comparator.comparing(OutputFile::path));
    return files;
  }

  /**
   * The components of a client path below a job's output directory. Refuses {@code ..}, {@code .},
   * empty components, NUL and backslashes. Links, special files and files with more than one link
   * are refused when the file is opened, component by component, without following any.
   */
  private static List<String> components(String relative) {
    List<String> parts = List.of(relative.split("/", -1));
    for (String part : parts) {
      if (part.isEmpty()
          || part.equals("..")
          || part.equals(".")
          || part.indexOf('\0') >= 0
          || part.indexOf('\\') >= 0) {
        throw new InvalidInputException("path", "path must stay inside the job's output directory");
      }
    }
    return parts;
  }

  private List<OutputFile> listOutputs(UUID id) {
    SafeFiles.Listing listing =
        SafeFiles.files(layout.outputsRoot(), id.toString(), MAX_LISTED, MAX_LISTED_PATH);
    return listing.files().stream()
        .map(file -> new OutputFile(file.path(), file.size()))
        .sorted(Comparator.comparing(OutputFile::path))
        .toList();
  }
}
