package dev.storekeeper.imports;

import dev.storekeeper.jobs.Job;
import dev.storekeeper.jobs.JobStatus;
import java.time.Instant;

/**
 * What a reference job becomes in Storekeeper. Finished jobs keep their status; one the reference
 * still shows as running or pending becomes failed, with an error that says why: its worker (and
 * the queue that held it) did not come along, so nothing will ever finish it, and Storekeeper's
 * processor is not the reference's, so it is not queued again behind the operator's back. With
 * {@code --skip-running} such jobs are left out instead. A finished job without a completion time
 * gets the import's, so retention counts from the import, never earlier.
 *
 * @param status the Storekeeper status, when imported
 * @param skip why the job is left out on purpose, or null
 * @param refusal why it cannot be imported, or null
 */
record Target(
    JobStatus status,
    String errorMessage,
    String currentStep,
    Instant completedAt,
    String skip,
    String refusal) {

  static Target of(SourceJob job, Instant now, boolean skipRunning) {
    String status = job.status() == null ? "" : job.status();
    return switch (status) {
      case "COMPLETED" -> finished(JobStatus.COMPLETED, job.errorMessage(), job, now);
      case "FAILED" ->
          finished(
              JobStatus.FAILED,
              job.errorMessage() == null || job.errorMessage().isBlank()
                  ? "Failed in NeuroInsight (it recorded no error message)"
                  : job.errorMessage(),
              job,
              now);
      case "CANCELLED" -> finished(JobStatus.CANCELLED, job.errorMessage(), job, now);
      case "RUNNING", "PENDING" -> {
        String state = status.equals("RUNNING") ? "running" : "pending (queued)";
        if (skipRunning) {
          yield new Target(
              null,
              null,
              null,
              null,
              "it was " + state + " in NeuroInsight (--skip-running)",
              null);
        }
        String error =
            "Was "
                + state
                + " in NeuroInsight when it was imported into Storekeeper at "
                + now
                + ": its worker is gone, so it will never finish. Upload the file again to"
                + " process it."
                + (job.errorMessage() == null || job.errorMessage().isBlank()
                    ? ""
                    : " NeuroInsight's last error: " + job.errorMessage());
        yield new Target(JobStatus.FAILED, error, "failed", now, null, null);
      }
      default ->
          new Target(
              null,
              null,
              null,
              null,
              null,
              "its status '" + status + "' is not one of NeuroInsight's: refused");
    };
  }

  private static Target finished(JobStatus status, String error, SourceJob job, Instant now) {
    return new Target(
        status,
        error,
        job.currentStep() == null ? status.value() : job.currentStep(),
        job.completedAt() == null ? now : job.completedAt(),
        null,
        null);
  }

  /** The job's row as Storekeeper keeps it. */
  Job job(SourceJob job, String filePath, String resultPath, SourceFiles.Found found) {
    return new Job(
        job.id(),
        job.filename(),
        filePath,
        status,
        Math.max(0, Math.min(100, job.progress())),
        currentStep,
        errorMessage,
        job.createdAt(),
        job.startedAt(),
        completedAt,
        resultPath,
        found.uploadBytes(),
        found.outputBytes(),
        job.startedAt() == null ? 0 : 1,
        null,
        null,
        0,
        null,
        null,
        null);
  }
}
