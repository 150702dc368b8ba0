package dev.storekeeper.web;

import dev.storekeeper.config.TokenProperties;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** Who may call the HTTP API, and from where. The bind address is Spring's SERVER_ADDRESS. */
@Validated
@ConfigurationProperties("storekeeper.web")
public record WebProperties(
    /**
     * API_TOKEN: when set, every job endpoint needs Authorization: Bearer with it (or with the
     * admin token). It never grants the admin endpoints. At least 32 characters.
     */
    @Pattern(regexp = TokenProperties.RULE, message = TokenProperties.MESSAGE) String apiToken,
    /**
     * ALLOW_ANONYMOUS_JOBS: true lets job endpoints be used without a token although the service
     * listens on a non-loopback address and API_TOKEN is unset. Default false.
     */
    @NotNull(message = "must be true or false") Boolean allowAnonymousJobs,
    /**
     * CORS_ALLOWED_ORIGINS: comma-separated exact origins (scheme://host[:port]) whose web pages
     * may call the API; empty (the default) allows no cross-origin calls at all.
     */
    String corsAllowedOrigins,
    /**
     * AUTH_FAILURES_PER_MINUTE: requests with a wrong bearer token one client address may send per
     * minute; after that its token requests get 429 until the minute is over. Default 10.
     */
    @NotNull(message = "must be set") @Min(value = 1, message = "must be a whole number >= 1")
        Integer authFailuresPerMinute) {

  /** The API token, or null when none is configured (blank counts as none). */
  String apiTokenOrNull() {
    return apiToken == null || apiToken.isBlank() ? null : apiToken.strip();
  }
}
