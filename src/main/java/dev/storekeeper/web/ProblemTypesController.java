package dev.storekeeper.web;

import dev.storekeeper.NotFoundException;
import io.swagger.v3.oas.annotations.Hidden;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /problems/{type}}: what a problem document's {@code type} means, as a short text for a
 * person who follows the link. Public.
 */
@RestController
@ConditionalOnWebApplication
@Hidden
class ProblemTypesController {

  @GetMapping("/problems/{type}")
  ResponseEntity<String> describe(@PathVariable("type") String slug) {
    ProblemType type =
        ProblemType.bySlug(slug)
            .orElseThrow(
                () ->
                    new NotFoundException("No such problem type; GET /openapi.json lists the API"));
    String status = type.status() == 0 ? "any" : String.valueOf(type.status());
    String text = "%s (HTTP status %s)%n%n%s%n".formatted(type.title(), status, type.description());
    return ResponseEntity.ok()
        .contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
        .body(text);
  }
}
