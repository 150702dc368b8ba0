package dev.storekeeper.config;

import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The admin token an operator may set. Unset (empty) is allowed; a set token must be long enough
 * that it cannot be guessed: 32 characters, no spaces ({@code openssl rand -base64 32} makes one).
 * Surrounding spaces are ignored, as they are where the tokens are used. {@code API_TOKEN} follows
 * the same rule ({@code web.WebProperties}).
 */
@Validated
@ConfigurationProperties("storekeeper.tokens")
public record TokenProperties(
    /** ADMIN_TOKEN: the admin bearer token; unset: generated into DATA_DIR/admin-token. */
    @Pattern(regexp = RULE, message = MESSAGE) String adminToken) {

  /** What a set token must look like. */
  public static final String RULE = "\\s*|\\s*\\S{32,}\\s*";

  public static final String MESSAGE =
      "must be at least 32 characters without spaces (openssl rand -base64 32 makes one)";
}
