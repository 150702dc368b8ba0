package dev.storekeeper.jobs;

import java.util.UUID;

/**
 * Hands a stored job to the workers. Called inside the upload transaction, so the job row and its
 * processing task commit (or roll back) together.
 */
public interface ProcessingQueue {
  void enqueue(UUID jobId);
}
