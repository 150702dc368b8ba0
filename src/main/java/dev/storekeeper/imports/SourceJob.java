package dev.storekeeper.imports;

import java.time.Instant;
import java.util.UUID;

/** One row of the reference application's {@code jobs} table, its timestamps read as UTC. */
record SourceJob(
    UUID id,
    String filename,
    String filePath,
    String status,
    int progress,
    String currentStep,
    String errorMessage,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    String resultPath) {}
