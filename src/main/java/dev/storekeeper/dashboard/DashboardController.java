package dev.storekeeper.dashboard;

import static dev.storekeeper.cleanup.QueryParameters.integer;
import static dev.storekeeper.cleanup.QueryParameters.position;
import static dev.storekeeper.cleanup.QueryParameters.requireKnown;
import static dev.storekeeper.cleanup.QueryParameters.uuid;

import dev.storekeeper.NotFoundException;
import dev.storekeeper.StorekeeperException;
import dev.storekeeper.cleanup.CapacityService;
import dev.storekeeper.cleanup.CleanupItem;
import dev.storekeeper.cleanup.CleanupProgress;
import dev.storekeeper.cleanup.CleanupReports;
import dev.storekeeper.cleanup.CleanupReports.ItemView;
import dev.storekeeper.cleanup.CleanupReports.RunSummary;
import dev.storekeeper.cleanup.CleanupReports.StorageStats;
import dev.storekeeper.cleanup.CleanupRequest;
import dev.storekeeper.cleanup.CleanupRun;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.cleanup.ForecastService;
import dev.storekeeper.cleanup.HoldService;
import dev.storekeeper.cleanup.Trigger;
import dev.storekeeper.storage.StorageProperties;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The storage dashboard: server-rendered pages over the same services the JSON API uses ({@link
 * CleanupReports#stats}, the run ledger, {@link HoldService}), so the page and {@code GET
 * /cleanup/stats} cannot disagree. Its actions go through the one cleanup path and are recorded in
 * the ledger with the trigger {@code api}, as the HTTP API's are. Access: web.DashboardSecurity.
 */
@Controller
@ConditionalOnWebApplication
@Hidden // pages for people, not API endpoints: the OpenAPI document lists the JSON API only
class DashboardController {

  static final int RUNS_PER_PAGE = 20;
  static final int ITEMS_PER_PAGE = 100;
  static final int HOLDS_LISTED = 100;

  /**
   * How long a dry run stands as the confirmation of a real run: long enough to read it, short
   * enough that what it names is still what a run would delete.
   */
  static final Duration PREVIEW_VALID_FOR = Duration.ofMinutes(10);

  private final CleanupService cleanup;
  private final CleanupReports reports;
  private final HoldService holds;
  private final CapacityService capacity;
  private final ForecastService forecasts;
  private final StorageProperties storage;
  private final UsageHistory history;
  private final JsonMapper json;
  private final Clock clock;
  private final Figures figures = new Figures();

  DashboardController(
      CleanupService cleanup,
      CleanupReports reports,
      HoldService holds,
      CapacityService capacity,
      ForecastService forecasts,
      StorageProperties storage,
      UsageHistory history,
      JsonMapper json,
      Clock clock) {
    this.history = history;
    this.json = json;
    this.cleanup = cleanup;
    this.reports = reports;
    this.holds = holds;
    this.capacity = capacity;
    this.forecasts = forecasts;
    this.storage = storage;
    this.clock = clock;
  }

  /**
   * A browser at the root is sent to the dashboard; any other client gets the 404 the root has
   * always answered (an API client is not redirected to a login page).
   */
  @GetMapping("/")
  String root(HttpServletRequest request) throws NoResourceFoundException {
    String accept = request.getHeader("Accept");
    if (accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html")) {
      return "redirect:/dashboard";
    }
    throw new NoResourceFoundException(HttpMethod.GET, "/", "");
  }

  @GetMapping("/dashboard/login")
  String login(HttpServletRequest request, Model model) {
    requireKnown(request, Set.of("error", "blocked", "logout"));
    model.addAttribute("error", request.getParameter("error") != null);
    model.addAttribute("blocked", request.getParameter("blocked") != null);
    model.addAttribute("loggedOut", request.getParameter("logout") != null);
    return "dashboard/login";
  }

  @GetMapping({"/dashboard", "/dashboard/"})
  String dashboard(
      @RequestParam(name = "runs_offset", required = false) String runsOffset,
      HttpServletRequest request,
      Model model) {
    requireKnown(request, Set.of("runs_offset"));
    int offset = integer("runs_offset", runsOffset, 0, 0, Integer.MAX_VALUE);
    StorageStats stats = reports.stats(false);
    long minFree = storage.storageMinFreeMb() * 1024 * 1024;
    long totalRuns = cleanup.countRuns();
    List<RunSummary> runs =
        cleanup.list(offset, RUNS_PER_PAGE).stream().map(RunSummary::of).toList();
    model.addAttribute("f", figures);
    model.addAttribute("stats", stats);
    model.addAttribute("minFreeBytes", minFree);
    model.addAttribute("belowMinFree", stats.disk().freeBytes() < minFree);
    model.addAttribute("attention", Attention.of(stats, minFree, figures));
    model.addAttribute("capacity", capacity.glance());
    model.addAttribute("runs", runs);
    model.addAttribute("totalRuns", totalRuns);
    model.addAttribute("runsOffset", offset);
    model.addAttribute("prevOffset", offset > 0 ? Math.max(0, offset - RUNS_PER_PAGE) : null);
    model.addAttribute(
        "nextOffset", (long) offset + RUNS_PER_PAGE < totalRuns ? offset + RUNS_PER_PAGE : null);
    model.addAttribute("holds", holds.held(0, HOLDS_LISTED));
    UsageHistory.Chart chart = history.chart(stats.generatedAt());
    model.addAttribute("chart", chart);
    model.addAttribute("chartJson", chartJson(chart));
    model.addAttribute("ages", history.ages(stats.generatedAt(), stats.jobs()));
    return "dashboard/index";
  }

  /** The expiry forecast (GET /cleanup/forecast) as a table, on its own page: it reads the jobs. */
  @GetMapping("/dashboard/forecast")
  String forecast(
      @RequestParam(name = "days", required = false) String days,
      HttpServletRequest request,
      Model model) {
    requireKnown(request, Set.of("days"));
    int span = integer("days", days, ForecastService.DEFAULT_DAYS, 1, ForecastService.MAX_DAYS);
    model.addAttribute("f", figures);
    model.addAttribute("forecast", forecasts.forecast(span));
    return "dashboard/forecast";
  }

  @GetMapping("/dashboard/runs/{id}")
  String run(
      @PathVariable("id") String id,
      @RequestParam(name = "after", required = false) String after,
      HttpServletRequest request,
      Model model) {
    requireKnown(request, Set.of("after"));
    UUID runId = uuid("id", id);
    long afterSeq = position("after", after);
    CleanupRun run =
        cleanup
            .find(runId)
            .orElseThrow(() -> new NotFoundException("No cleanup run with id " + runId));
    List<CleanupItem> page = cleanup.items(runId, afterSeq, ITEMS_PER_PAGE + 1);
    List<ItemView> items = page.stream().limit(ITEMS_PER_PAGE).map(reports::item).toList();
    model.addAttribute("f", figures);
    model.addAttribute("run", RunSummary.of(run));
    model.addAttribute("errors", reports.report(run, 0, 1, false, null).errors());
    model.addAttribute("items", items);
    model.addAttribute(
        "nextAfter", page.size() > ITEMS_PER_PAGE ? items.get(items.size() - 1).seq() : null);
    model.addAttribute("confirmable", confirmable(run));
    return "dashboard/run";
  }

  /** A dry run of the configured cleanup; its page lists the items and offers the real run. */
  @PostMapping("/dashboard/dry-run")
  String dryRun(HttpServletRequest request, RedirectAttributes redirect) {
    requireKnown(request, Set.of("_csrf"));
    return act(
        redirect,
        () -> {
          return runAndShow(true);
        });
  }

  /**
   * The real run, confirmed on the page of a dry run that is still the newest run and recent: a
   * confirmation of an older picture is refused, and the operator is asked to look again.
   */
  @PostMapping("/dashboard/run")
  String run(
      @RequestParam(name = "preview", required = false) String preview,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    requireKnown(request, Set.of("_csrf", "preview"));
    return act(
        redirect,
        () -> {
          if (preview == null) {
            throw new dev.storekeeper.InvalidInputException(
                "preview", "A real run needs the dry run it was confirmed on (preview)");
          }
          UUID previewId = uuid("preview", preview);
          CleanupRun dry =
              cleanup
                  .find(previewId)
                  .orElseThrow(() -> new NotFoundException("No cleanup run with id " + previewId));
          if (!confirmable(dry)) {
            redirect.addFlashAttribute(
                "message",
                "That dry run is no longer current (another run started since, or it is older than"
                    + " 10 minutes): here is a new one; confirm again.");
            return runAndShow(true);
          }
          return runAndShow(false);
        });
  }

  @PostMapping("/dashboard/holds")
  String hold(
      @RequestParam(name = "job_id", required = false) String jobId,
      @RequestParam(name = "reason", required = false) String reason,
      HttpServletRequest request,
      RedirectAttributes redirect) {
    requireKnown(request, Set.of("_csrf", "job_id", "reason"));
    return act(
        redirect,
        () -> {
          UUID id = uuid("job_id", jobId == null ? "" : jobId.strip());
          holds.hold(id, reason, "admin");
          redirect.addFlashAttribute("message", "Job " + id + " is held.");
          return "redirect:/dashboard#holds";
        });
  }

  @PostMapping("/dashboard/holds/{id}/release")
  String release(
      @PathVariable("id") String jobId, HttpServletRequest request, RedirectAttributes redirect) {
    requireKnown(request, Set.of("_csrf"));
    return act(
        redirect,
        () -> {
          UUID id = uuid("id", jobId);
          holds.release(id);
          redirect.addFlashAttribute("message", "Job " + id + " is released.");
          return "redirect:/dashboard#holds";
        });
  }

  /** The configured cleanup, as the API runs it (trigger api); answers its page. */
  private String runAndShow(boolean dryRun) {
    CleanupRun run = cleanup.run(CleanupRequest.full(Trigger.API, dryRun), CleanupProgress.NONE);
    return "redirect:/dashboard/runs/" + run.id();
  }

  /**
   * Whether a dry run may still confirm a real run: finished, recent, and no other run started at
   * or after it (a tie counts against it: the picture may have changed).
   */
  private boolean confirmable(CleanupRun run) {
    if (!run.dryRun() || run.finishedAt() == null) {
      return false;
    }
    if (Duration.between(run.finishedAt(), clock.instant()).compareTo(PREVIEW_VALID_FOR) > 0) {
      return false;
    }
    List<CleanupRun> newest = cleanup.list(0, 2);
    return newest.stream().anyMatch(r -> r.id().equals(run.id()))
        && newest.stream()
            .filter(r -> !r.id().equals(run.id()))
            .allMatch(r -> r.startedAt().isBefore(run.startedAt()));
  }

  /**
   * The chart's data as JSON for the page's script (columns, times in epoch seconds, as uPlot takes
   * them). It goes into a non-executed {@code application/json} script element, so {@code <} is
   * escaped: no text in it can close the element.
   */
  private String chartJson(UsageHistory.Chart chart) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("t", chart.hourly().stream().map(p -> p.at().getEpochSecond()).toList());
    data.put("used", chart.hourly().stream().map(UsageHistory.Point::usedBytes).toList());
    data.put("jobs", chart.hourly().stream().map(UsageHistory.Point::jobs).toList());
    data.put(
        "runs",
        chart.runs().stream()
            .map(r -> Map.of("t", r.at().getEpochSecond(), "freed", r.bytesFreed()))
            .toList());
    return json.writeValueAsString(data).replace("<", "\\u003c");
  }

  /** Runs an action; a refusal (bad input, a run already going on) is shown on the dashboard. */
  private static String act(RedirectAttributes redirect, Supplier<String> action) {
    try {
      return action.get();
    } catch (StorekeeperException refused) {
      redirect.addFlashAttribute("problem", refused.getMessage());
      return "redirect:/dashboard";
    }
  }
}
