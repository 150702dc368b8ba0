package dev.storekeeper.cleanup;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Saved cleanup plans (plan, review, apply). */
@Validated
@ConfigurationProperties("storekeeper.plans")
public record PlanProperties(
    /**
     * PLAN_MAX_AGE_HOURS: a plan older than this is not applied unless forced (what it reviewed may
     * no longer be what is on disk). Default 24.
     */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 8784")
        @Max(value = 8784, message = "must be a whole number between 1 and 8784")
        Integer planMaxAgeHours) {

  public Duration maxAge() {
    return Duration.ofHours(planMaxAgeHours);
  }
}
