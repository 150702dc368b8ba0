package dev.storekeeper.dashboard;

import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.cleanup.RetentionPolicy;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.AgeCounts;
import dev.storekeeper.jobs.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.stereotype.Component;

/**
 * The dashboard's history: usage samples of the last {@link #WINDOW} reduced to one point per hour
 * (the chart) and per day (its table), the real runs of that window as markers, and the age profile
 * of finished jobs against the retention cut-offs. Bounded whatever the store's size: at most one
 * point per hour, {@link #MAX_RUN_MARKS} runs, one indexed pass over the jobs.
 */
@Component
class UsageHistory {

  static final Duration WINDOW = Duration.ofDays(30);
  static final int MAX_RUN_MARKS = 1000;

  /** Age bounds of the histogram in days; the retention cut-offs are added to them. */
  static final List<Integer> AGE_DAYS = List.of(1, 7, 14, 30, 60, 90, 180, 365);

  private static final List<JobStatus> FINISHED =
      List.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED);

  /** Usage in one hour (or day): the highest usage and job count, the lowest free space in it. */
  record Point(Instant at, long usedBytes, long jobs, long freeBytes) {}

  /** A real run drawn on the chart. */
  record RunMark(UUID runId, Instant at, long bytesFreed, String outcome, String trigger) {}

  record Chart(List<Point> hourly, List<Point> daily, List<RunMark> runs) {}

  /**
   * Finished jobs whose age is in [fromDays, toDays) (toDays null: no upper bound), by status, and
   * whether that age is past the status's retention.
   */
  record AgeBucket(
      int fromDays, Integer toDays, Map<String, Long> jobs, Map<String, Boolean> pastRetention) {

    public String label() {
      if (toDays == null) {
        return "≥ " + fromDays + " d";
      }
      return fromDays == 0 ? "< " + toDays + " d" : fromDays + "–" + toDays + " d";
    }
  }

  private final UsageSampleRepository samples;
  private final JobRepository jobs;
  private final CleanupService cleanup;

  UsageHistory(UsageSampleRepository samples, JobRepository jobs, CleanupService cleanup) {
    this.samples = samples;
    this.jobs = jobs;
    this.cleanup = cleanup;
  }

  Chart chart(Instant now) {
    Instant from = now.minus(WINDOW);
    List<Point> hourly = samples.hourly(from);
    return new Chart(hourly, daily(hourly), runMarks(from));
  }

  /** One point per UTC day: the highest usage and job count, the lowest free space. */
  private static List<Point> daily(List<Point> hourly) {
    Map<Instant, Point> days = new LinkedHashMap<>();
    for (Point p : hourly) {
      days.merge(
          p.at().truncatedTo(ChronoUnit.DAYS),
          p,
          (a, b) ->
              new Point(
                  b.at(),
                  Math.max(a.usedBytes(), b.usedBytes()),
                  Math.max(a.jobs(), b.jobs()),
                  Math.min(a.freeBytes(), b.freeBytes())));
    }
    return List.copyOf(days.values());
  }

  private List<RunMark> runMarks(Instant from) {
    return cleanup.realRunsSince(from, MAX_RUN_MARKS).stream()
        .map(
            run ->
                new RunMark(
                    run.id(),
                    run.startedAt(),
                    run.counts().bytesFreed(),
                    run.outcome().value(),
                    run.trigger().value()))
        .toList();
  }

  /**
   * The age profile is one pass over every finished job, and it changes only as jobs finish, are
   * deleted or grow older: it is recomputed when the jobs' counts by status change, and otherwise
   * at most once per this period.
   */
  static final Duration AGES_FRESH_FOR = Duration.ofMinutes(1);

  private record CachedAges(Instant at, Object jobsKey, List<AgeBucket> buckets) {}

  private final AtomicReference<CachedAges> cachedAges = new AtomicReference<>();

  /**
   * The age profile at {@code now}; {@code jobsKey} is the jobs' counts by status at {@code now}.
   */
  List<AgeBucket> ages(Instant now, Object jobsKey) {
    CachedAges cached = cachedAges.get();
    if (cached != null
        && cached.jobsKey().equals(jobsKey)
        && !now.isBefore(cached.at())
        && Duration.between(cached.at(), now).compareTo(AGES_FRESH_FOR) < 0) {
      return cached.buckets();
    }
    List<AgeBucket> buckets = ages(now);
    cachedAges.set(new CachedAges(now, jobsKey, buckets));
    return buckets;
  }

  private List<AgeBucket> ages(Instant now) {
    RetentionPolicy policy = cleanup.properties().defaultPolicy();
    Map<JobStatus, Integer> retention = new EnumMap<>(JobStatus.class);
    retention.put(JobStatus.COMPLETED, policy.completedDays());
    retention.put(JobStatus.FAILED, policy.failedDays());
    retention.put(JobStatus.CANCELLED, policy.cancelledDays());
    TreeSet<Integer> days = new TreeSet<>(AGE_DAYS);
    retention.values().stream().filter(d -> d > 0).forEach(days::add);
    List<Integer> bounds = List.copyOf(days);
    List<Instant> instants = new ArrayList<>();
    for (int i = 0; i < JobRepository.AGE_BOUNDS; i++) {
      int d = bounds.get(Math.min(i, bounds.size() - 1));
      instants.add(now.minus(Duration.ofDays(d)));
    }
    Map<JobStatus, AgeCounts> counts = new EnumMap<>(JobStatus.class);
    jobs.ageCounts(instants).forEach(c -> counts.put(c.status(), c));
    List<AgeBucket> buckets = new ArrayList<>();
    for (int i = 0; i <= bounds.size(); i++) {
      int fromDays = i == 0 ? 0 : bounds.get(i - 1);
      Integer toDays = i < bounds.size() ? bounds.get(i) : null;
      Map<String, Long> byStatus = new LinkedHashMap<>();
      Map<String, Boolean> past = new LinkedHashMap<>();
      for (JobStatus status : FINISHED) {
        AgeCounts c = counts.get(status);
        long olderThanFrom = c == null ? 0 : i == 0 ? c.jobs() : c.finishedBefore()[i - 1];
        long olderThanTo = c == null || toDays == null ? 0 : c.finishedBefore()[i];
        byStatus.put(status.value(), olderThanFrom - olderThanTo);
        past.put(status.value(), fromDays >= retention.get(status));
      }
      buckets.add(new AgeBucket(fromDays, toDays, byStatus, past));
    }
    return buckets;
  }
}
