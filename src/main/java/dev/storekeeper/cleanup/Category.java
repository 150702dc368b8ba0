package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobStatus;
import java.util.Locale;

/** What an item of a run is, and why it is (or would be) deleted. */
public enum Category {
  COMPLETED_JOB,
  FAILED_JOB,
  CANCELLED_JOB,
  /** A job an earlier run (or a single-job delete) claimed but did not finish deleting. */
  RESUMED_JOB,
  ORPHAN_UPLOAD,
  ORPHAN_OUTPUT,
  /** An entry whose name encodes no job id: listed, deleted only when explicitly asked. */
  UNRECOGNIZED;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Category of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  static Category forStatus(JobStatus status) {
    return switch (status) {
      case COMPLETED -> COMPLETED_JOB;
      case FAILED -> FAILED_JOB;
      case CANCELLED -> CANCELLED_JOB;
      default -> throw new IllegalArgumentException(status + " jobs are not cleaned by retention");
    };
  }
}
