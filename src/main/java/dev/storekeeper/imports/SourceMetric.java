package dev.storekeeper.imports;

import java.time.Instant;
import java.util.UUID;

/** One row of the reference application's {@code metrics} table: three values of one region. */
record SourceMetric(
    UUID jobId,
    String region,
    double leftVolume,
    double rightVolume,
    double asymmetryIndex,
    Instant createdAt) {}
