package dev.storekeeper.cleanup;

import static dev.storekeeper.cleanup.QueryParameters.MAX_PAGE;
import static dev.storekeeper.cleanup.QueryParameters.bool;
import static dev.storekeeper.cleanup.QueryParameters.days;
import static dev.storekeeper.cleanup.QueryParameters.integer;
import static dev.storekeeper.cleanup.QueryParameters.nextPage;
import static dev.storekeeper.cleanup.QueryParameters.position;
import static dev.storekeeper.cleanup.QueryParameters.requireKnown;
import static dev.storekeeper.cleanup.QueryParameters.uuid;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupReports.RunPage;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import dev.storekeeper.cleanup.CleanupReports.RunSummary;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.cleanup.ForecastService.Forecast;
import dev.storekeeper.jobs.JobTotalsService;
import dev.storekeeper.jobs.JobTotalsService.Check;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The HTTP adapter of the cleanup service: statistics, the expiry forecast, manual runs (capacity
 * runs included), the run ledger and single-job deletes. It parses and checks parameters and shapes
 * answers; every decision is the service's. All of it needs the admin token (see {@code
 * web.SecurityConfig}).
 */
@RestController
@ConditionalOnWebApplication
@Tag(
    name = "cleanup",
    description = "Storage statistics, cleanup runs and their ledger (admin token)")
@SecurityRequirement(name = "admin")
@ApiResponse(
    responseCode = "400",
    description = "A parameter is invalid; `parameter` names it",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = ProblemDetail.class)))
@ApiResponse(
    responseCode = "401",
    description = "No admin token",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = ProblemDetail.class)))
@ApiResponse(
    responseCode = "403",
    description = "Wrong admin token",
    content =
        @Content(
            mediaType = "application/problem+json",
            schema = @Schema(implementation = ProblemDetail.class)))
class CleanupController {

  private static final int DEFAULT_ITEMS = 100;
  private static final int DEFAULT_RUNS = 50;
  private static final Set<String> RUN_PARAMETERS =
      Set.of(
          "dry_run",
          "orphaned_only",
          "old_completed",
          "old_failed",
          "completed_days",
          "failed_days",
          "cancelled_days",
          "include_unrecognized",
          "retry_stuck",
          "keep_last",
          "wait",
          "items_limit",
          "capacity");

  /** What a capacity run decides for itself: asking for any of these with it is refused. */
  private static final List<String> NOT_WITH_CAPACITY =
      RUN_PARAMETERS.stream()
          .filter(name -> !Set.of("dry_run", "wait", "items_limit", "capacity").contains(name))
          .sorted()
          .toList();

  // descriptions of the parameters a run and a plan share
  static final String ORPHANED_ONLY =
      "Clean orphaned files (entries of uploads/ and outputs/ whose job has no row,"
          + " older than ORPHAN_GRACE_HOURS)";
  static final String OLD_COMPLETED = "Clean completed jobs older than their retention";
  static final String OLD_FAILED = "Clean failed and cancelled jobs older than their retention";
  static final String COMPLETED_DAYS =
      "Retention for completed jobs in days for this run, 0..36500 (default"
          + " RETENTION_COMPLETED_DAYS)";
  static final String FAILED_DAYS =
      "Retention for failed jobs in days for this run, 0..36500 (default"
          + " RETENTION_FAILED_DAYS)";
  static final String CANCELLED_DAYS =
      "Retention for cancelled jobs in days for this run, 0..36500 (default"
          + " RETENTION_CANCELLED_DAYS)";
  static final String ITEMS_LIMIT =
      "How many items the answer lists, 1..1000; items_next links to the rest";
  static final String KEEP_LAST =
      "Keep this many of the most recently completed jobs whatever their age, for this"
          + " run, 0..1000000 (default RETENTION_KEEP_LAST)";

  private final CleanupService cleanup;
  private final CleanupReports reports;
  private final JobTotalsService totals;
  private final CapacityService capacity;
  private final ForecastService forecasts;

  CleanupController(
      CleanupService cleanup,
      CleanupReports reports,
      JobTotalsService totals,
      CapacityService capacity,
      ForecastService forecasts) {
    this.cleanup = cleanup;
    this.reports = reports;
    this.totals = totals;
    this.capacity = capacity;
    this.forecasts = forecasts;
  }

  /** A page of a run's items in the order they were handled; {@code next} or null. */
  record ItemPage(UUID runId, List<ItemView> items, String next) {}

  @Operation(
      summary = "Storage statistics",
      description =
          "Uploads and outputs (count and size), jobs and bytes by status, what a run would reclaim"
              + " now under the configured retention, orphans and unrecognised entries found by the"
              + " last scan, the data volume, the schedule and the retention in force. Answers from"
              + " the database's accounting (fast at any size) unless scan=true.")
  @ApiResponse(responseCode = "200", description = "The statistics")
  @GetMapping("/cleanup/stats")
  StorageStats stats(
      @Parameter(
              description =
                  "Walk the data directories for exact sizes instead of using the database's"
                      + " accounting (slower)",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "scan", required = false)
          String scan,
      HttpServletRequest request) {
    requireKnown(request, Set.of("scan"));
    return reports.stats(bool("scan", scan, false));
  }

  @Operation(
      summary = "Check the statistics' running totals",
      description =
          "Recomputes the running totals behind the statistics (jobs and bytes per status, held"
              + " jobs, finished jobs per day and hour of completion) from the jobs themselves, in one"
              + " snapshot, and lists every total that differs (clean=false). Reads every job: as"
              + " slow as the statistics were before the totals. The CLI's stats --verify.")
  @ApiResponse(responseCode = "200", description = "The check; drifts is empty when clean")
  @GetMapping("/cleanup/stats/verify")
  Check verifyTotals(HttpServletRequest request) {
    requireKnown(request, Set.of());
    return totals.verify();
  }

  @Operation(
      summary = "Correct the statistics' running totals",
      description =
          "As GET /cleanup/stats/verify, then adds the difference found to the totals (an addition,"
              + " so writes meanwhile are kept) and checks again: repaired=true when the second"
              + " check finds none. Run one at a time. The CLI's stats --repair.")
  @ApiResponse(responseCode = "200", description = "The drift found and whether it is corrected")
  @PostMapping("/cleanup/stats/repair")
  Check repairTotals(HttpServletRequest request) {
    requireKnown(request, Set.of());
    return totals.repair();
  }

  @Operation(
      summary = "Expiry forecast",
      description =
          "Per UTC date from today: the jobs and bytes that pass their retention (by status), what"
              + " keep-last and holds keep back, and projected usage against the watermarks at the"
              + " upload rate of the last 7 days (the answer says how it is computed). From the"
              + " database's accounting, no disk walk.")
  @ApiResponse(responseCode = "200", description = "The forecast")
  @GetMapping("/cleanup/forecast")
  Forecast forecast(
      @Parameter(
              description = "How many days, today included (1 to 365)",
              schema =
                  @Schema(type = "integer", defaultValue = "14", minimum = "1", maximum = "365"))
          @RequestParam(name = "days", required = false)
          String days,
      HttpServletRequest request) {
    requireKnown(request, Set.of("days"));
    return forecasts.forecast(
        integer("days", days, ForecastService.DEFAULT_DAYS, 1, ForecastService.MAX_DAYS));
  }

  @Operation(
      summary = "Run a cleanup",
      description =
          "Deletes (or, with dry_run=true, lists) old completed, failed and cancelled jobs with"
              + " their metrics, uploads and outputs, and orphaned files. The selectors"
              + " old_completed, old_failed (failed and cancelled jobs) and orphaned_only combine;"
              + " none means all. Only one cleanup runs at a time across all nodes: another one"
              + " answers 409 naming the running run. For a dry run the counts mean \"would"
              + " delete\".")
  @ApiResponse(
      responseCode = "200",
      description = "wait=true: the run finished; its result with storage statistics after it")
  @ApiResponse(
      responseCode = "202",
      description = "wait=false: the run started; follow the Location header (/cleanup/runs/{id})")
  @ApiResponse(
      responseCode = "409",
      description = "A cleanup is already running; `running_run_id` names it",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @PostMapping("/cleanup/run")
  ResponseEntity<RunReport> run(
      @Parameter(
              description = "Only report what would be deleted; delete nothing",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "dry_run", required = false)
          String dryRun,
      @Parameter(
              description = ORPHANED_ONLY,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "orphaned_only", required = false)
          String orphanedOnly,
      @Parameter(
              description = OLD_COMPLETED,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "old_completed", required = false)
          String oldCompleted,
      @Parameter(
              description = OLD_FAILED,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "old_failed", required = false)
          String oldFailed,
      @Parameter(
              description = COMPLETED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "completed_days", required = false)
          String completedDays,
      @Parameter(
              description = FAILED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "failed_days", required = false)
          String failedDays,
      @Parameter(
              description = CANCELLED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "cancelled_days", required = false)
          String cancelledDays,
      @Parameter(
              description =
                  "Also delete entries whose names encode no job id (older than the orphan grace);"
                      + " by default they are only listed",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "include_unrecognized", required = false)
          String includeUnrecognized,
      @Parameter(
              description =
                  "Retry deletions parked as stuck (they failed CLEANUP_MAX_ITEM_ATTEMPTS runs in a"
                      + " row; GET /cleanup/stats lists them)",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "retry_stuck", required = false)
          String retryStuck,
      @Parameter(
              description = KEEP_LAST,
              schema = @Schema(type = "integer", minimum = "0", maximum = "1000000"))
          @RequestParam(name = "keep_last", required = false)
          String keepLast,
      @Parameter(
              description =
                  "Answer when the run has finished (200); false answers 202 at once and the run"
                      + " continues in the background",
              schema = @Schema(type = "boolean", defaultValue = "true"))
          @RequestParam(name = "wait", required = false)
          String wait,
      @Parameter(
              description = CleanupController.ITEMS_LIMIT,
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "items_limit", required = false)
          String itemsLimit,
      @Parameter(
              description =
                  "A capacity run instead: delete eligible finished jobs, oldest first, until usage"
                      + " is below STORAGE_LOW_WATERMARK_PERCENT (with dry_run=true: what it would"
                      + " delete now). Takes no selectors, retention overrides or keep_last",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "capacity", required = false)
          String capacityRun,
      HttpServletRequest request) {
    requireKnown(request, RUN_PARAMETERS);
    if (bool("capacity", capacityRun, false)) {
      return capacityRun(
          request,
          bool("dry_run", dryRun, false),
          bool("wait", wait, true),
          integer("items_limit", itemsLimit, DEFAULT_ITEMS, 1, MAX_PAGE));
    }
    CleanupRequest cleanupRequest =
        selected(
            bool("dry_run", dryRun, false),
            orphanedOnly,
            oldCompleted,
            oldFailed,
            completedDays,
            failedDays,
            cancelledDays,
            bool("include_unrecognized", includeUnrecognized, false),
            bool("retry_stuck", retryStuck, false),
            keepLast);
    boolean waitForIt = bool("wait", wait, true);
    int items = integer("items_limit", itemsLimit, DEFAULT_ITEMS, 1, MAX_PAGE);
    if (waitForIt) {
      CleanupRun run = cleanup.run(cleanupRequest, CleanupProgress.NONE);
      return ResponseEntity.ok(reports.report(run, 0, items, true, itemsLink(run.id())));
    }
    return started(cleanup.start(cleanupRequest, CleanupProgress.NONE).runId(), items);
  }

  private ResponseEntity<RunReport> capacityRun(
      HttpServletRequest request, boolean dryRun, boolean waitForIt, int items) {
    for (String name : NOT_WITH_CAPACITY) {
      if (request.getParameter(name) != null) {
        throw new InvalidInputException(
            name,
            name
                + " cannot be combined with capacity=true: a capacity run deletes eligible finished"
                + " jobs, oldest first, until usage is below the low watermark");
      }
    }
    if (waitForIt) {
      CleanupRun run = capacity.run(Trigger.API, dryRun, CleanupProgress.NONE);
      return ResponseEntity.ok(reports.report(run, 0, items, true, itemsLink(run.id())));
    }
    return started(capacity.start(Trigger.API, dryRun).runId(), items);
  }

  private ResponseEntity<RunReport> started(UUID runId, int items) {
    CleanupRun run = cleanup.find(runId).orElseThrow();
    return ResponseEntity.accepted()
        .location(URI.create(runLink(runId)))
        .body(reports.report(run, 0, items, false, itemsLink(runId)));
  }

  @Operation(
      summary = "The run ledger",
      description =
          "Recorded runs of every trigger (schedule, cli, api), newest first, with their figures;"
              + " CLEANUP_HISTORY_DAYS bounds how far back it goes.")
  @ApiResponse(responseCode = "200", description = "A page of runs")
  @GetMapping("/cleanup/runs")
  RunPage runs(
      @Parameter(
              description = "Runs to skip, >= 0",
              schema = @Schema(type = "integer", defaultValue = "0", minimum = "0"))
          @RequestParam(name = "offset", required = false)
          String offset,
      @Parameter(
              description = "Page size, 1..1000",
              schema =
                  @Schema(type = "integer", defaultValue = "50", minimum = "1", maximum = "1000"))
          @RequestParam(name = "limit", required = false)
          String limit,
      HttpServletRequest request) {
    requireKnown(request, Set.of("offset", "limit"));
    int skip = integer("offset", offset, 0, 0, Integer.MAX_VALUE);
    int size = integer("limit", limit, DEFAULT_RUNS, 1, MAX_PAGE);
    long total = cleanup.countRuns();
    List<RunSummary> page = cleanup.list(skip, size).stream().map(RunSummary::of).toList();
    return new RunPage(total, skip, size, page, nextPage("/cleanup/runs", skip, size, total));
  }

  @Operation(
      summary = "One run",
      description =
          "The result document of a run, as POST /cleanup/run returns it; while the run is going"
              + " on, outcome is \"running\" and progress shows how far it has got.")
  @ApiResponse(responseCode = "200", description = "The run")
  @ApiResponse(
      responseCode = "404",
      description = "No such run (or it is older than CLEANUP_HISTORY_DAYS)",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @GetMapping("/cleanup/runs/{id}")
  RunReport run(
      @Parameter(description = "The run id (run_id)") @PathVariable("id") String id,
      @Parameter(
              description = "How many items to list, 1..1000; items_next links to the rest",
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "items_limit", required = false)
          String itemsLimit,
      HttpServletRequest request) {
    requireKnown(request, Set.of("items_limit"));
    UUID runId = uuid("id", id);
    int items = integer("items_limit", itemsLimit, DEFAULT_ITEMS, 1, MAX_PAGE);
    return reports.report(find(runId), 0, items, false, itemsLink(runId));
  }

  @Operation(
      summary = "Items of one run",
      description =
          "What the run deleted, would delete (dry run), failed to delete or found and kept, in the"
              + " order it handled them.")
  @ApiResponse(responseCode = "200", description = "A page of items")
  @ApiResponse(
      responseCode = "404",
      description = "No such run",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @GetMapping("/cleanup/runs/{id}/items")
  ItemPage items(
      @Parameter(description = "The run id (run_id)") @PathVariable("id") String id,
      @Parameter(
              description = "List items after this seq (the last seq of the previous page), >= 0",
              schema = @Schema(type = "integer", defaultValue = "0", minimum = "0"))
          @RequestParam(name = "after", required = false)
          String after,
      @Parameter(
              description = "Page size, 1..1000",
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "limit", required = false)
          String limit,
      HttpServletRequest request) {
    requireKnown(request, Set.of("after", "limit"));
    UUID runId = uuid("id", id);
    long afterSeq = position("after", after);
    int size = integer("limit", limit, DEFAULT_ITEMS, 1, MAX_PAGE);
    find(runId);
    List<CleanupItem> page = cleanup.items(runId, afterSeq, size + 1);
    List<ItemView> items = page.stream().limit(size).map(reports::item).toList();
    String next =
        page.size() > size
            ? itemsLink(runId) + "?after=" + items.get(items.size() - 1).seq() + "&limit=" + size
            : null;
    return new ItemPage(runId, items, next);
  }

  @Operation(
      summary = "Delete one job",
      description =
          "Deletes a finished job (completed, failed or cancelled) with its metrics, upload and"
              + " outputs through the cleanup's deletion protocol; recorded in the ledger as its"
              + " own run. Pending and running jobs are refused: cancel them first.")
  @ApiResponse(responseCode = "200", description = "The job is deleted; the run that deleted it")
  @ApiResponse(
      responseCode = "404",
      description = "No such job",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @ApiResponse(
      responseCode = "409",
      description = "The job is pending or running",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @DeleteMapping("/jobs/{id}")
  RunReport deleteJob(
      @Parameter(description = "The job id") @PathVariable("id") String id,
      HttpServletRequest request) {
    requireKnown(request, Set.of());
    UUID jobId = uuid("id", id);
    CleanupRun run = cleanup.deleteJob(jobId, Trigger.API);
    return reports.report(run, 0, DEFAULT_ITEMS, false, itemsLink(run.id()));
  }

  /** The request a run's (or a plan's) selector and retention parameters ask for. */
  static CleanupRequest selected(
      boolean dryRun,
      String orphanedOnly,
      String oldCompleted,
      String oldFailed,
      String completedDays,
      String failedDays,
      String cancelledDays,
      boolean includeUnrecognized,
      boolean retryStuck,
      String keepLast) {
    return new CleanupRequest(
        Trigger.API,
        dryRun,
        bool("old_completed", oldCompleted, false),
        bool("old_failed", oldFailed, false),
        bool("orphaned_only", orphanedOnly, false),
        days("completed_days", completedDays),
        days("failed_days", failedDays),
        days("cancelled_days", cancelledDays),
        includeUnrecognized,
        retryStuck,
        keepLast == null
            ? null
            : integer("keep_last", keepLast, 0, 0, RetentionPolicy.MAX_KEEP_LAST));
  }

  private CleanupRun find(UUID runId) {
    return cleanup
        .find(runId)
        .orElseThrow(() -> new NotFoundException("No cleanup run with id " + runId));
  }

  static String runLink(UUID runId) {
    return "/cleanup/runs/" + runId;
  }

  static String itemsLink(UUID runId) {
    return runLink(runId) + "/items";
  }
}
