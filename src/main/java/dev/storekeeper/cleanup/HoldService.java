package dev.storekeeper.cleanup;

import dev.storekeeper.InvalidInputException;
import dev.storekeeper.NotFoundException;
import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;

/**
 * Holds: a held job is never deleted by any path (retention, capacity, a plan, a single-job
 * delete), because every deletion claims its jobs with a statement that re-checks the hold. A hold
 * may be placed on a job in any visible state, pending and running included, and survives its
 * completion; it is recorded with who placed it and when.
 */
@Service
public class HoldService {

  /** A reason someone can act on, not a novel. */
  static final int MAX_REASON = 1024;

  private final JobRepository jobs;
  private final Clock clock;

  HoldService(JobRepository jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** Places (or re-words) a hold; {@code by} names the kind of caller ("admin", "cli"). */
  public Job hold(UUID id, String reason, String by) {
    String why = reason(reason);
    if (!jobs.hold(id, why, by, clock.instant())) {
      throw new NotFoundException("No job with id " + id);
    }
    return jobs.findById(id).orElseThrow(() -> new NotFoundException("No job with id " + id));
  }

  /** Releases a job's hold; releasing a job that is not held changes nothing. */
  public Job release(UUID id) {
    Job job =
        jobs.findById(id)
            .filter(found -> found.status().isVisible())
            .orElseThrow(() -> new NotFoundException("No job with id " + id));
    jobs.release(id);
    return jobs.findById(id).orElse(job);
  }

  public List<Job> held(int offset, int limit) {
    return jobs.findHeld(offset, limit);
  }

  public long countHeld() {
    return jobs.countHeld();
  }

  /**
   * A reason is required, is one line of printable text and fits the column: control characters (a
   * line break, a terminal escape) would forge lines in every list that shows it.
   */
  static String reason(String reason) {
    if (reason == null || reason.isBlank()) {
      throw new InvalidInputException("reason", "reason is required: say why the job is held");
    }
    String text = reason.strip();
    if (text.codePoints().anyMatch(cp -> Character.isISOControl(cp) || isFormat(cp))) {
      throw new InvalidInputException(
          "reason", "reason must be one line of text, without control or format characters");
    }
    if (text.length() > MAX_REASON) {
      throw new InvalidInputException(
          "reason", "reason must be at most " + MAX_REASON + " characters, got " + text.length());
    }
    return text;
  }

  private static boolean isFormat(int codePoint) {
    int type = Character.getType(codePoint);
    return type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
