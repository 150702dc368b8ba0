package dev.storekeeper.cleanup;

import static dev.storekeeper.cleanup.QueryParameters.integer;
import static dev.storekeeper.cleanup.QueryParameters.requireKnown;

import dev.storekeeper.cleanup.ForecastService.Forecast;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /cleanup/forecast}: what retention deletes in the coming days (admin token). */
@RestController
@ConditionalOnWebApplication
@Tag(name = "cleanup")
@SecurityRequirement(name = "admin")
class ForecastController {

  private final ForecastService forecasts;

  ForecastController(ForecastService forecasts) {
    this.forecasts = forecasts;
  }

  @Operation(
      summary = "Expiry forecast",
      description =
          "Per UTC date from today: the jobs and bytes that pass their retention (by status), what"
              + " keep-last and holds keep back, and projected usage against the watermarks at the"
              + " upload rate of the last 7 days (the answer says how it is computed). From the"
              + " database's accounting, no disk walk.")
  @ApiResponse(responseCode = "200", description = "The forecast")
  @ApiResponse(
      responseCode = "400",
      description = "A parameter is invalid; `parameter` names it",
      content =
          @Content(
              mediaType = "application/problem+json",
              schema = @Schema(implementation = ProblemDetail.class)))
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
}
