package dev.storekeeper.cleanup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the ledger: a run, its parameters and figures, and how it ended. {@code plan}: a dry
 * run saved as a plan; {@code planId}: the plan an apply run applied (null otherwise).
 */
public record CleanupRun(
    UUID id,
    Trigger trigger,
    String parameters,
    boolean dryRun,
    String node,
    Instant startedAt,
    Instant finishedAt,
    Outcome outcome,
    CleanupCounts counts,
    long itemsExpected,
    List<String> errors,
    boolean plan,
    UUID planId,
    long plannedItems,
    long skippedItems) {

  public Long durationMs() {
    return finishedAt == null ? null : finishedAt.toEpochMilli() - startedAt.toEpochMilli();
  }
}
