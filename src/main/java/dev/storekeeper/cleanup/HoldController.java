package dev.storekeeper.cleanup;

import static dev.storekeeper.cleanup.QueryParameters.MAX_PAGE;
import static dev.storekeeper.cleanup.QueryParameters.integer;
import static dev.storekeeper.cleanup.QueryParameters.nextPage;
import static dev.storekeeper.cleanup.QueryParameters.requireKnown;
import static dev.storekeeper.cleanup.QueryParameters.uuid;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.jobs.Job;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Holds over HTTP (admin token): {@code PUT /jobs/{id}/hold} with {@code {"reason": "..."}}, {@code
 * DELETE /jobs/{id}/hold}, {@code GET /holds}. The body is read strictly: an object with exactly
 * the field {@code reason}, a string; anything else is refused naming what was wrong, never
 * ignored.
 */
@RestController
@ConditionalOnWebApplication
@Tag(name = "holds", description = "Jobs no cleanup may delete (admin token)")
@SecurityRequirement(name = "admin")
class HoldController {

  private static final int DEFAULT_PAGE = 100;

  private final HoldService holds;

  HoldController(HoldService holds) {
    this.holds = holds;
  }

  /** A held (or just released) job as the hold endpoints show it. */
  record HoldView(
      UUID jobId,
      String filename,
      String status,
      boolean held,
      String reason,
      Instant heldAt,
      String heldBy) {
    static HoldView of(Job job) {
      return new HoldView(
          job.id(),
          job.filename(),
          job.status().value(),
          job.held(),
          job.holdReason(),
          job.heldAt(),
          job.heldBy());
    }
  }

  record HoldPage(long total, int offset, int limit, List<HoldView> holds, String next) {}

  @Operation(
      summary = "Put a job on hold",
      description =
          "No cleanup deletes a held job: not retention, not the capacity watermarks, not a plan,"
              + " not DELETE /jobs/{id} (409 naming the hold). Any visible job may be held,"
              + " pending and running ones included; the hold survives completion. Putting a"
              + " held job on hold again replaces the reason.")
  @ApiResponse(responseCode = "200", description = "The job, now held")
  @ApiResponse(responseCode = "400", description = "No reason, or a body that is not {\"reason\"}")
  @ApiResponse(responseCode = "404", description = "No such job (or it is being deleted)")
  @PutMapping("/jobs/{id}/hold")
  HoldView hold(
      @Parameter(description = "The job id") @PathVariable("id") String id,
      @io.swagger.v3.oas.annotations.parameters.RequestBody(
              description = "{\"reason\": \"why the job must be kept\"} (required, one line)")
          @RequestBody
          JsonNode body,
      HttpServletRequest request) {
    requireKnown(request, Set.of());
    return HoldView.of(holds.hold(uuid("id", id), reasonOf(body), "admin"));
  }

  @Operation(
      summary = "Release a job's hold",
      description = "Releasing a job that is not held is not an error.")
  @ApiResponse(responseCode = "200", description = "The job, no longer held")
  @ApiResponse(responseCode = "404", description = "No such job")
  @DeleteMapping("/jobs/{id}/hold")
  HoldView release(
      @Parameter(description = "The job id") @PathVariable("id") String id,
      HttpServletRequest request) {
    requireKnown(request, Set.of());
    return HoldView.of(holds.release(uuid("id", id)));
  }

  @Operation(summary = "Held jobs", description = "Oldest hold first.")
  @ApiResponse(responseCode = "200", description = "A page of held jobs")
  @GetMapping({"/holds", "/holds/"})
  HoldPage list(
      @Parameter(
              description = "Holds to skip, >= 0",
              schema = @Schema(type = "integer", defaultValue = "0", minimum = "0"))
          @RequestParam(name = "offset", required = false)
          String offset,
      @Parameter(
              description = "Page size, 1..1000",
              schema =
                  @Schema(type = "integer", defaultValue = "100", minimum = "1", maximum = "1000"))
          @RequestParam(name = "limit", required = false)
          String limit,
      HttpServletRequest request) {
    requireKnown(request, Set.of("offset", "limit"));
    int skip = integer("offset", offset, 0, 0, Integer.MAX_VALUE);
    int size = integer("limit", limit, DEFAULT_PAGE, 1, MAX_PAGE);
    long total = holds.countHeld();
    List<HoldView> page = holds.held(skip, size).stream().map(HoldView::of).toList();
    return new HoldPage(total, skip, size, page, nextPage("/holds", skip, size, total));
  }

  private static String reasonOf(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException(
          "reason", "the body must be a JSON object: {\"reason\": \"why the job is held\"}");
    }
    for (String field : body.propertyNames()) {
      if (!field.equals("reason")) {
        throw new InvalidInputException(
            field, "unknown field \"" + abbreviate(field) + "\"; the body takes only \"reason\"");
      }
    }
    JsonNode reason = body.get("reason");
    if (reason == null || reason.isNull()) {
      throw new InvalidInputException("reason", "reason is required: say why the job is held");
    }
    if (!reason.isString()) {
      throw new InvalidInputException("reason", "reason must be a string");
    }
    return reason.asString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
