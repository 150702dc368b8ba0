package dev.storekeeper.config;

import dev.storekeeper.cleanup.CleanupProperties;
import dev.storekeeper.cleanup.CleanupReports;
import dev.storekeeper.storage.StorageLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Logs, on every start of the service, one INFO line with the policy in force: what is deleted
 * when, where the data is, which database, who can reach the service and how it checks them. An
 * operator reads what the service does, not what they meant to configure. The line never holds a
 * secret: the database appears as kind, host and name, tokens only by where they come from.
 *
 * <p>Written once the application is ready, when the scheduler has planned the next cleanup.
 */
@Component
@ConditionalOnWebApplication
class EffectiveSettings {

  private static final Logger log = LoggerFactory.getLogger(EffectiveSettings.class);

  private final Environment environment;
  private final CleanupProperties cleanup;
  private final CleanupReports reports;
  private final StorageLayout layout;
  private final Clock clock;

  EffectiveSettings(
      Environment environment,
      CleanupProperties cleanup,
      CleanupReports reports,
      StorageLayout layout,
      Clock clock) {
    this.environment = environment;
    this.cleanup = cleanup;
    this.reports = reports;
    this.layout = layout;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void log() {
    log.info("Effective settings: {}", describe());
  }

  String describe() {
    List<String> parts = new ArrayList<>();
    parts.add(
        "retention completed %d d, failed %d d, cancelled %d d"
            .formatted(
                cleanup.retentionCompletedDays(),
                cleanup.retentionFailedDays(),
                cleanup.retentionCancelledDays()));
    parts.add("orphan grace %d h".formatted(cleanup.orphanGraceHours()));
    parts.add(schedule());
    parts.add(
        "data %s (uploads %s, outputs %s)"
            .formatted(layout.dataDir(), layout.uploadsRoot(), layout.outputsRoot()));
    parts.add("settings file " + settingsFile());
    parts.add("database " + database(environment.getProperty("spring.datasource.url", "")));
    parts.add("listening on " + address());
    parts.add(adminAuth());
    parts.add(jobAuth());
    return String.join("; ", parts);
  }

  private String schedule() {
    if (!cleanup.cleanupEnabled()) {
      return "scheduled cleanup off (CLEANUP_ENABLED=false)";
    }
    String next;
    try {
      next =
          Optional.ofNullable(reports.scheduler(clock.instant()).nextRun())
              .map(Object::toString)
              .orElse("not planned yet");
    } catch (RuntimeException unreadable) {
      // a database that stumbles right now must not stop a service that has started
      next = "unknown (" + unreadable.getClass().getSimpleName() + ")";
    }
    return "scheduled cleanup every %s h, next run %s"
        .formatted(trim(cleanup.cleanupIntervalHours()), next);
  }

  private String settingsFile() {
    String configured = environment.getProperty("ENV_FILE", "");
    Path file =
        Path.of(configured.isBlank() ? DotEnvEnvironment.DEFAULT_FILE : configured)
            .toAbsolutePath();
    return file + (file.toFile().isFile() ? "" : " (absent)");
  }

  /** Kind, and for a server its host, port and database: never a user or password. */
  static String database(String url) {
    if (EmbeddedDatabaseCredentials.isEmbeddedFile(url)) {
      return "H2 embedded, " + EmbeddedDatabaseCredentials.databasePath(url);
    }
    if (url.startsWith("jdbc:h2:")) {
      return "H2 (" + url.substring("jdbc:h2:".length()).split("[:/;]", 2)[0] + ")";
    }
    if (url.startsWith("jdbc:postgresql:")) {
      String rest = url.substring("jdbc:postgresql:".length());
      rest = rest.split("[?;]", 2)[0];
      if (rest.startsWith("//")) {
        rest = rest.substring(2);
        int at = rest.lastIndexOf('@', rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/'));
        if (at >= 0) {
          rest = rest.substring(at + 1);
        }
      }
      return "PostgreSQL " + rest;
    }
    String[] parts = url.split(":", 3);
    return parts.length > 1 ? parts[1] : "unknown";
  }

  private String address() {
    String address = environment.getProperty("server.address", "");
    String port = environment.getProperty("local.server.port", "?");
    if (address.isBlank()) {
      return "all interfaces, port " + port;
    }
    return address + " port " + port + (isLoopback(address) ? " (loopback only)" : "");
  }

  private String adminAuth() {
    return environment.getProperty("ADMIN_TOKEN", "").isBlank()
        ? "admin token from " + layout.dataDir().resolve("admin-token")
        : "admin token from ADMIN_TOKEN";
  }

  private String jobAuth() {
    if (!environment.getProperty("API_TOKEN", "").isBlank()) {
      return "job endpoints need API_TOKEN (or the admin token)";
    }
    if ("true".equalsIgnoreCase(environment.getProperty("ALLOW_ANONYMOUS_JOBS", ""))) {
      return "job endpoints anonymous (ALLOW_ANONYMOUS_JOBS=true)";
    }
    return "job endpoints anonymous (the service listens on loopback only)";
  }

  private static boolean isLoopback(String address) {
    try {
      return address.toLowerCase(Locale.ROOT).equals("localhost")
          || InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String trim(double hours) {
    return hours == Math.rint(hours) ? String.valueOf((long) hours) : String.valueOf(hours);
  }
}
