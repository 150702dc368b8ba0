package dev.storekeeper.cleanup;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.ExpiryBucket;
import dev.storekeeper.jobs.JobRepository.Position;
import dev.storekeeper.jobs.JobStatus;
import dev.storekeeper.jobs.JobTotalsRepository.StatusUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;

/**
 * What retention will delete in the coming days, from the database's accounting (no disk walk). Day
 * {@code i} is the UTC date {@code today + i}; its figures are what the first run at or after the
 * end of that date deletes that the runs before it did not: a job passes its retention at {@code
 * completed_at + days} and a run deletes the jobs that passed it strictly before the run started.
 * Day 0 also holds every job already past its retention now. Keep-last is taken as it stands now,
 * and jobs not finished yet are not counted: they have no completion time to go by.
 */
@Service
public class ForecastService {

  public static final int DEFAULT_DAYS = 14;
  public static final int MAX_DAYS = 365;
  static final int RATE_WINDOW_DAYS = 7;
  private static final List<JobStatus> STATUSES =
      List.of(JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED);

  private final JobRepository jobs;
  private final CleanupProperties cleanup;
  private final CapacityProperties capacity;
  private final StorageUsage usage;
  private final Clock clock;

  ForecastService(
      JobRepository jobs,
      CleanupProperties cleanup,
      CapacityProperties capacity,
      StorageUsage usage,
      Clock clock) {
    this.jobs = jobs;
    this.cleanup = cleanup;
    this.capacity = capacity;
    this.usage = usage;
    this.clock = clock;
  }

  /** Jobs and the bytes they account. */
  public record Figure(long jobs, long bytes) {
    static final Figure NONE = new Figure(0, 0);

    Figure plus(long moreJobs, long moreBytes) {
      return new Figure(jobs + moreJobs, bytes + moreBytes);
    }
  }

  /**
   * One UTC date: what passes its retention (by status; {@code total} is what runs delete), what
   * keep-last and holds keep of it, and usage at the end of the date if uploads go on at the recent
   * rate and nothing else (capacity runs included) deletes anything.
   */
  public record Day(
      LocalDate date,
      Map<String, Figure> expiring,
      Figure total,
      Figure keptByKeepLast,
      Figure keptByHolds,
      long projectedUsedBytes,
      int projectedUsagePercent,
      boolean projectedAboveHighWatermark) {}

  /** How fast storage grows, and how that was worked out. */
  public record UploadRate(
      int windowDays, long jobsInWindow, long bytesInWindow, long bytesPerDay, String method) {}

  /** Usage now against the watermarks. */
  public record UsageNow(
      String source,
      String where,
      long usedBytes,
      long totalBytes,
      int usagePercent,
      int highWatermarkPercent,
      int lowWatermarkPercent) {}

  public record Forecast(
      Instant generatedAt,
      int days,
      Map<String, Integer> retentionDays,
      int keepLast,
      UploadRate uploadRate,
      UsageNow usage,
      List<Day> perDay,
      Figure totalExpiring,
      String method) {}

  public Forecast forecast(int days) {
    if (days < 1 || days > MAX_DAYS) {
      throw new InvalidInputException(
          "days", "days must be a whole number between 1 and " + MAX_DAYS + ", got " + days);
    }
    Instant now = clock.instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant todayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant();
    RetentionPolicy policy = cleanup.defaultPolicy();
    Position keep = jobs.keepLastBoundary(policy.keepLast());

    List<Map<String, Figure>> expiring = new ArrayList<>();
    Figure[] keptLast = new Figure[days];
    Figure[] held = new Figure[days];
    for (int i = 0; i < days; i++) {
      Map<String, Figure> byStatus = new LinkedHashMap<>();
      STATUSES.forEach(status -> byStatus.put(status.value(), Figure.NONE));
      expiring.add(byStatus);
      keptLast[i] = Figure.NONE;
      held[i] = Figure.NONE;
    }
    for (JobStatus status : STATUSES) {
      Duration retention = Duration.ofDays(policy.daysFor(status));
      Instant base = todayStart.minus(retention);
      Instant end = base.plus(Duration.ofDays(days));
      Position keepBefore = status == JobStatus.COMPLETED ? keep : Position.END;
      for (ExpiryBucket bucket : jobs.expiryByDay(status, base, end, keepBefore)) {
        int day = bucket.day();
        switch (bucket.kind()) {
          case "held" -> held[day] = held[day].plus(bucket.jobs(), bucket.bytes());
          case "kept_last" -> keptLast[day] = keptLast[day].plus(bucket.jobs(), bucket.bytes());
          default ->
              expiring
                  .get(day)
                  .merge(
                      status.value(),
                      new Figure(bucket.jobs(), bucket.bytes()),
                      (a, b) -> a.plus(b.jobs(), b.bytes()));
        }
      }
    }

    StatusUsage recent = jobs.createdBetween(now.minus(Duration.ofDays(RATE_WINDOW_DAYS)), now);
    long windowBytes = recent.uploadBytes() + recent.outputBytes();
    long perDay = windowBytes / RATE_WINDOW_DAYS;
    UploadRate rate =
        new UploadRate(
            RATE_WINDOW_DAYS,
            recent.jobs(),
            windowBytes,
            perDay,
            "upload and output bytes accounted to the jobs created in the "
                + RATE_WINDOW_DAYS
                + " days before generated_at, divided by "
                + RATE_WINDOW_DAYS);
    StorageUsage.Usage measured = usage.measure();
    int high = capacity.storageHighWatermarkPercent();
    UsageNow usageNow =
        new UsageNow(
            measured.source().value(),
            measured.where(),
            measured.usedBytes(),
            measured.totalBytes(),
            measured.percent(),
            high,
            capacity.storageLowWatermarkPercent());

    List<Day> perDayList = new ArrayList<>();
    Figure total = Figure.NONE;
    for (int i = 0; i < days; i++) {
      Figure dayTotal = Figure.NONE;
      for (Figure figure : expiring.get(i).values()) {
        dayTotal = dayTotal.plus(figure.jobs(), figure.bytes());
      }
      total = total.plus(dayTotal.jobs(), dayTotal.bytes());
      Instant endOfDay = todayStart.plus(Duration.ofDays(i + 1L));
      double elapsedDays = Duration.between(now, endOfDay).toSeconds() / 86400d;
      long projected =
          Math.max(0, measured.usedBytes() + Math.round(perDay * elapsedDays) - total.bytes());
      StorageUsage.Usage then =
          new StorageUsage.Usage(
              measured.source(), measured.where(), projected, measured.totalBytes());
      perDayList.add(
          new Day(
              today.plusDays(i),
              expiring.get(i),
              dayTotal,
              keptLast[i],
              held[i],
              projected,
              then.percent(),
              then.atOrAbove(high)));
    }
    Map<String, Integer> retentionDays = new LinkedHashMap<>();
    STATUSES.forEach(status -> retentionDays.put(status.value(), policy.daysFor(status)));
    return new Forecast(
        now,
        days,
        retentionDays,
        policy.keepLast(),
        rate,
        usageNow,
        perDayList,
        total,
        "per UTC date, what the first cleanup run after the end of that date deletes under the"
            + " configured retention (day 0 includes what is already past it), from the database's"
            + " accounting; keep-last as it stands now; unfinished jobs are not counted."
            + " projected_used_bytes: usage now + bytes_per_day for the time until the end of the"
            + " date - the bytes that expired by then, before any capacity run.");
  }
}
