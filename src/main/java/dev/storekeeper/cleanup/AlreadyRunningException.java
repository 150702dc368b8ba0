package dev.storekeeper.cleanup;

import dev.storekeeper.ProblemProperties;
import dev.storekeeper.StorekeeperException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Another cleanup run holds the lock; names it so the operator can follow it. */
public class AlreadyRunningException extends StorekeeperException implements ProblemProperties {

  private final UUID runningRunId;
  private final String node;
  private final Instant since;

  AlreadyRunningException(UUID runningRunId, String node, Instant since) {
    super(
        409,
        null,
        "Another cleanup is already running: run "
            + runningRunId
            + " on "
            + node
            + " since "
            + since);
    this.runningRunId = runningRunId;
    this.node = node;
    this.since = since;
  }

  public UUID runningRunId() {
    return runningRunId;
  }

  @Override
  public String title() {
    return "Cleanup already running";
  }

  @Override
  public Map<String, Object> properties() {
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("running_run_id", runningRunId.toString());
    properties.put("node", node);
    properties.put("since", String.valueOf(since));
    return properties;
  }
}
