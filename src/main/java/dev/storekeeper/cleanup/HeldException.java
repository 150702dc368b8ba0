package dev.storekeeper.cleanup;

import dev.storekeeper.ConflictException;
import dev.storekeeper.ProblemProperties;
import dev.storekeeper.jobs.Job;
import java.util.LinkedHashMap;
import java.util.Map;

/** A held job was asked to be deleted: the hold wins, and the answer names it. */
public class HeldException extends ConflictException implements ProblemProperties {

  private final Map<String, Object> hold;

  private HeldException(String message, Map<String, Object> hold) {
    super(message);
    this.hold = hold;
  }

  static HeldException of(Job job) {
    Map<String, Object> hold = new LinkedHashMap<>();
    hold.put("job_id", job.id().toString());
    hold.put("held_at", job.heldAt().toString());
    hold.put("held_by", job.heldBy());
    hold.put("reason", job.holdReason());
    return new HeldException(
        "Job %s is held since %s by %s (%s); release the hold (DELETE /jobs/%s/hold) before deleting it"
            .formatted(job.id(), job.heldAt(), job.heldBy(), job.holdReason(), job.id()),
        Map.of("hold", hold));
  }

  @Override
  public String title() {
    return "Job is held";
  }

  @Override
  public Map<String, Object> properties() {
    return hold;
  }
}
