package dev.storekeeper.jobs;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code metrics}. */
public record Metric(
    long id, UUID jobId, String name, double value, String unit, Instant createdAt) {}
