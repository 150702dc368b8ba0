package dev.storekeeper.web;

import io.swagger.v3.oas.annotations.Operation;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /health}: the actuator's health (database, storage, cleanup), public, 503 if DOWN. */
@RestController
@ConditionalOnWebApplication
class HealthController {

  private final HealthEndpoint health;

  HealthController(HealthEndpoint health) {
    this.health = health;
  }

  @Operation(
      summary = "Health: database, storage, cleanup schedule",
      description =
          "Public. 200 when UP or WARN (e.g. the cleanup schedule is overdue), 503 when DOWN or"
              + " OUT_OF_SERVICE (e.g. the database is unreachable, free disk space is below"
              + " STORAGE_MIN_FREE_MB); the components say which and why.")
  @GetMapping({"/health", "/health/"})
  ResponseEntity<HealthDescriptor> health() {
    HealthDescriptor descriptor = health.health();
    Status status = descriptor.getStatus();
    boolean serving = !Status.DOWN.equals(status) && !Status.OUT_OF_SERVICE.equals(status);
    return ResponseEntity.status(serving ? 200 : 503).body(descriptor);
  }
}
