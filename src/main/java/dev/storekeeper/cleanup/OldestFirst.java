package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.jobs.JobRepository.Position;
import dev.storekeeper.jobs.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The finished jobs capacity may take, oldest completion first across statuses, failed and
 * cancelled before completed at the same instant. A merge of one keyset cursor per status over the
 * same index retention pages through, so memory is one page per status, whatever the number of
 * jobs. Eligible is what retention's page query says with the capacity cutoff: finished before it,
 * not held, and (completed jobs) not among the keep-last newest.
 */
final class OldestFirst {

  private static final Comparator<Job> ORDER =
      Comparator.comparing(Job::completedAt)
          .thenComparing(job -> job.status() == JobStatus.COMPLETED ? 1 : 0)
          .thenComparing(Job::id);

  private final List<Cursor> cursors = new ArrayList<>();

  OldestFirst(JobRepository jobs, Instant cutoff, Position keepLast, int pageSize) {
    for (JobStatus status : List.of(JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.COMPLETED)) {
      Position keep = status == JobStatus.COMPLETED ? keepLast : Position.END;
      cursors.add(new Cursor(jobs, status, cutoff, keep, pageSize));
    }
  }

  /** The next eligible job, or null when there is none left. */
  Job next() {
    Cursor first = null;
    for (Cursor cursor : cursors) {
      Job head = cursor.peek();
      if (head != null && (first == null || ORDER.compare(head, first.peek()) < 0)) {
        first = cursor;
      }
    }
    return first == null ? null : first.take();
  }

  private static final class Cursor {
    private final JobRepository jobs;
    private final JobStatus status;
    private final Instant cutoff;
    private final Position keep;
    private final int pageSize;
    private List<Job> page = List.of();
    private int index;
    private Position after = Position.START;
    private boolean done;

    Cursor(JobRepository jobs, JobStatus status, Instant cutoff, Position keep, int pageSize) {
      this.jobs = jobs;
      this.status = status;
      this.cutoff = cutoff;
      this.keep = keep;
      this.pageSize = pageSize;
    }

    Job peek() {
      if (index == page.size() && !done) {
        page = jobs.findExpired(status, cutoff, keep, after, pageSize);
        index = 0;
        done = page.size() < pageSize;
        if (!page.isEmpty()) {
          Job last = page.get(page.size() - 1);
          after = new Position(last.completedAt(), last.id());
        }
      }
      return index < page.size() ? page.get(index) : null;
    }

    Job take() {
      Job job = peek();
      index++;
      return job;
    }
  }
}
