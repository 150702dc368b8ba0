package dev.storekeeper.processing;

import dev.storekeeper.jobs.MetricValue;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Turns one upload into an output directory and metric values. Implementations must stream the
 * input (bounded memory for any size), write only inside {@code outputDir}, report progress, and
 * stop promptly when interrupted (the job was cancelled or timed out).
 */
public interface JobProcessor {

  /** The name operators select with {@code PROCESSOR}. */
  String name();

  Result process(Request request, ProgressListener progress)
      throws ProcessingException, InterruptedException;

  /** What to process: the stored upload, its original name, and the (existing) output dir. */
  record Request(UUID jobId, Path input, String originalFilename, Path outputDir) {}

  /** The metrics to store and the main result file (relative to the output dir), if any. */
  record Result(List<MetricValue> metrics, String resultFile) {}

  /** Receives progress (0-100) and a short description of the current step. */
  @FunctionalInterface
  interface ProgressListener {
    void update(int percent, String step);
  }
}
