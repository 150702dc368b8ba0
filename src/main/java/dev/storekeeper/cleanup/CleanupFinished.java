package dev.storekeeper.cleanup;

/** Published when a run ends (any outcome), for metrics and logs. */
public record CleanupFinished(CleanupRun run) {}
