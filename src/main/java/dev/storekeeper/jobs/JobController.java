package dev.storekeeper.jobs;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.storage.StorageLayout;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
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

  private final JobService jobs;
  private final StorageLayout layout;

  JobController(JobService jobs, StorageLayout layout) {
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
      if (parsed != JobStatus.DELETING) {
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

  @Operation(summary = "List a job's output files, or download one (path below outputs/)")
  @GetMapping("/jobs/{id}/outputs/{*path}")
  ResponseEntity<?> outputs(
      @Parameter(description = "the job id") @PathVariable UUID id,
      @Parameter(description = "a file below the job's outputs/; empty lists them all")
          @PathVariable
          String path) {
    jobs.get(id);
    Path root = layout.outputDir(id);
    String relative = path.startsWith("/") ? path.substring(1) : path;
    if (relative.isEmpty()) {
      return ResponseEntity.ok(listOutputs(root));
    }
    Path file = confined(root, relative);
    Resource body = new FileSystemResource(file);
    return ResponseEntity.ok()
        .contentType(
            MediaTypeFactory.getMediaType(file.getFileName().toString())
                .orElse(MediaType.APPLICATION_OCTET_STREAM))
        .header(
            HttpHeaders.CONTENT_DISPOSITION,
            ContentDisposition.attachment()
                .filename(file.getFileName().toString())
                .build()
                .toString())
        .body(body);
  }

  /**
   * Resolves a client path inside a job's output directory. Refuses {@code ..}, absolute paths and
   * NUL, and any path whose real location (after links) is not inside the directory as the layout
   * places it (not wherever a link in its place points).
   */
  private static Path confined(Path root, String relative) {
    for (String part : relative.split("/")) {
      if (part.equals("..")
          || part.equals(".")
          || part.indexOf('\0') >= 0
          || part.indexOf('\\') >= 0) {
        throw new InvalidInputException("path", "path must stay inside the job's output directory");
      }
    }
    try {
      Path candidate = root.resolve(relative).normalize();
      if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
        throw new NotFoundException("No output file " + relative);
      }
      // root is below the real outputs root: a job directory that is itself a link resolves
      // elsewhere and is refused, like any link inside it that leads out
      Path real = candidate.toRealPath();
      if (!real.startsWith(root)) {
        throw new NotFoundException("No output file " + relative);
      }
      return real;
    } catch (java.nio.file.InvalidPathException e) {
      throw new InvalidInputException("path", "path is not a valid file name");
    } catch (IOException e) {
      throw new NotFoundException("No output file " + relative);
    }
  }

  private static List<OutputFile> listOutputs(Path root) {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    List<OutputFile> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .forEach(
              p -> {
                try {
                  files.add(new OutputFile(root.relativize(p).toString(), Files.size(p)));
                } catch (IOException e) {
                  // vanished while listing
                }
              });
    } catch (IOException | UncheckedIOException e) {
      throw new UncheckedIOException(
          "Cannot list outputs of " + root,
          e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
    }
    files.sort(java.util.Comparator.comparing(OutputFile::path));
    return files;
  }
}
