package dev.storekeeper.web;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointWebExtension;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}: the same answer as {@code /actuator/health} (database, storage, cleanup),
 * public, 503 if DOWN or OUT_OF_SERVICE. Anonymous callers see statuses only; the details (disk
 * sizes, directories, the database) need the admin token.
 */
@RestController
@ConditionalOnWebApplication
class HealthController {

  private final HealthEndpointWebExtension health;

  HealthController(HealthEndpointWebExtension health) {
    this.health = health;
  }

  @Operation(
      summary = "Health: database, storage, cleanup schedule",
      description =
          "Public. 200 when UP or WARN (e.g. the cleanup schedule is overdue), 503 when DOWN or"
              + " OUT_OF_SERVICE (e.g. the database is unreachable, free disk space is below"
              + " STORAGE_MIN_FREE_MB); the components say which. Their details (sizes,"
              + " directories, errors) are shown only with the admin token.")
  @GetMapping({"/health", "/health/"})
  ResponseEntity<HealthDescriptor> health(HttpServletRequest request) {
    WebEndpointResponse<HealthDescriptor> answer =
        health.health(ApiVersion.LATEST, WebServerNamespace.SERVER, new Caller(request));
    return ResponseEntity.status(answer.getStatus()).body(answer.getBody());
  }

  /** The caller as the actuator sees it: roles from the bearer token (see SecurityConfig). */
  private record Caller(HttpServletRequest request) implements SecurityContext {
    @Override
    public Principal getPrincipal() {
      return request.getUserPrincipal();
    }

    @Override
    public boolean isUserInRole(String role) {
      return request.isUserInRole(role);
    }
  }
}
