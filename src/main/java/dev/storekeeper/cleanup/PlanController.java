package dev.storekeeper.cleanup;

import static dev.storekeeper.cleanup.QueryParameters.MAX_PAGE;
import static dev.storekeeper.cleanup.QueryParameters.bool;
import static dev.storekeeper.cleanup.QueryParameters.integer;
import static dev.storekeeper.cleanup.QueryParameters.requireKnown;
import static dev.storekeeper.cleanup.QueryParameters.uuid;

import dev.storekeeper.cleanup.CleanupReports.PlanDocument;
import dev.storekeeper.cleanup.CleanupReports.RunReport;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Plans over HTTP (admin token): {@code POST /cleanup/plans} makes one (a dry run kept for review),
 * {@code GET /cleanup/plans/{id}} exports it, {@code POST /cleanup/plans/{id}/apply} deletes what
 * it lists that is still eligible, and nothing else.
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
class PlanController {

  private static final int DEFAULT_ITEMS = 100;
  private static final Set<String> PLAN_PARAMETERS =
      Set.of(
          "orphaned_only",
          "old_completed",
          "old_failed",
          "completed_days",
          "failed_days",
          "cancelled_days",
          "keep_last",
          "items_limit");

  private final CleanupService cleanup;
  private final CleanupReports reports;

  PlanController(CleanupService cleanup, CleanupReports reports) {
    this.cleanup = cleanup;
    this.reports = reports;
  }

  @Operation(
      summary = "Make a cleanup plan",
      description =
          "A dry run with the selectors of POST /cleanup/run, kept as a plan: what it would delete"
              + " is listed (GET /cleanup/plans/{id}) and is all that applying it may delete."
              + " Plans are kept in the ledger, CLEANUP_HISTORY_DAYS long.")
  @ApiResponse(
      responseCode = "201",
      description = "The plan (a dry run's result; plan.planned is what it would delete)")
  @ApiResponse(
      responseCode = "409",
      description = "A cleanup is already running; `running_run_id` names it",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @PostMapping("/cleanup/plans")
  ResponseEntity<RunReport> plan(
      @Parameter(
              description = CleanupController.ORPHANED_ONLY,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "orphaned_only", required = false)
          String orphanedOnly,
      @Parameter(
              description = CleanupController.OLD_COMPLETED,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "old_completed", required = false)
          String oldCompleted,
      @Parameter(
              description = CleanupController.OLD_FAILED,
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "old_failed", required = false)
          String oldFailed,
      @Parameter(
              description = CleanupController.COMPLETED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "completed_days", required = false)
          String completedDays,
      @Parameter(
              description = CleanupController.FAILED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "failed_days", required = false)
          String failedDays,
      @Parameter(
              description = CleanupController.CANCELLED_DAYS,
              schema = @Schema(type = "integer", minimum = "0", maximum = "36500"))
          @RequestParam(name = "cancelled_days", required = false)
          String cancelledDays,
      @Parameter(
              description = CleanupController.KEEP_LAST,
              schema = @Schema(type = "integer", minimum = "0", maximum = "1000000"))
          @RequestParam(name = "keep_last", required = false)
          String keepLast,
      @Parameter(
              description = CleanupController.ITEMS_LIMIT,
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "items_limit", required = false)
          String itemsLimit,
      HttpServletRequest request) {
    requireKnown(request, PLAN_PARAMETERS);
    CleanupRequest selected =
        CleanupController.selected(
            true,
            orphanedOnly,
            oldCompleted,
            oldFailed,
            completedDays,
            failedDays,
            cancelledDays,
            false,
            false,
            keepLast);
    int items = integer("items_limit", itemsLimit, DEFAULT_ITEMS, 1, MAX_PAGE);
    CleanupRun plan = cleanup.plan(selected, CleanupProgress.NONE);
    return ResponseEntity.created(URI.create(planLink(plan.id())))
        .body(reports.report(plan, 0, items, false, CleanupController.itemsLink(plan.id())));
  }

  @Operation(
      summary = "Export a plan",
      description =
          "The plan as JSON: when it was made, until when it may be applied without force"
              + " (PLAN_MAX_AGE_HOURS), its parameters, what it would delete by category, and every"
              + " item. The same document cleanup-storage --save-plan writes.")
  @ApiResponse(
      responseCode = "200",
      description = "The plan",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = PlanDocument.class)))
  @ApiResponse(
      responseCode = "404",
      description = "No such plan (or it is older than CLEANUP_HISTORY_DAYS)",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @ApiResponse(
      responseCode = "409",
      description = "The run is not a plan, or its dry run did not finish",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @GetMapping("/cleanup/plans/{id}")
  void export(
      @Parameter(description = "The plan id (its run_id)") @PathVariable("id") String id,
      HttpServletRequest request,
      HttpServletResponse response)
      throws IOException {
    requireKnown(request, Set.of());
    CleanupRun plan = cleanup.findPlan(uuid("id", id));
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    reports.writePlan(plan, response.getOutputStream());
  }

  @Operation(
      summary = "Apply a plan",
      description =
          "Deletes the plan's items that are still eligible now, through the deletion protocol"
              + " and nothing else, even if more has expired since. Each is re-checked when it is"
              + " claimed (status, age under the plan's retention, not finished again since the"
              + " plan, keep-last, holds; for orphans: still no job, still older than the grace);"
              + " one that is not is kept as \"no longer eligible\". The result's plan object"
              + " counts planned, deleted and skipped items.")
  @ApiResponse(responseCode = "200", description = "The apply run's result")
  @ApiResponse(
      responseCode = "404",
      description = "No such plan",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @ApiResponse(
      responseCode = "409",
      description =
          "The plan is older than PLAN_MAX_AGE_HOURS (force=true applies it), was applied"
              + " already, is not a plan, or a cleanup is running",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
  @PostMapping("/cleanup/plans/{id}/apply")
  RunReport apply(
      @Parameter(description = "The plan id (its run_id)") @PathVariable("id") String id,
      @Parameter(
              description = "Apply a plan older than PLAN_MAX_AGE_HOURS",
              schema = @Schema(type = "boolean", defaultValue = "false"))
          @RequestParam(name = "force", required = false)
          String force,
      @Parameter(
              description = CleanupController.ITEMS_LIMIT,
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "items_limit", required = false)
          String itemsLimit,
      HttpServletRequest request) {
    requireKnown(request, Set.of("force", "items_limit"));
    UUID planId = uuid("id", id);
    boolean forced = bool("force", force, false);
    int items = integer("items_limit", itemsLimit, DEFAULT_ITEMS, 1, MAX_PAGE);
    CleanupRun run = cleanup.applyPlan(planId, forced, Trigger.API, CleanupProgress.NONE);
    return reports.report(run, 0, items, true, CleanupController.itemsLink(run.id()));
  }

  private static String planLink(UUID planId) {
    return "/cleanup/plans/" + planId;
  }
}
