package dev.storekeeper.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Brings the database up to the jar's migrations before a command uses it, as the service does at
 * its start — but only when it is behind. Creating Flyway costs a command about a fifth of its
 * start-up, and the service (which also validates what was applied) has usually migrated the
 * database already; so the CLI context leaves Flyway out, and only a database that is behind gets a
 * short-lived child context with Spring Boot's own Flyway auto-configuration, which migrates it
 * with every {@code spring.flyway.*} setting honoured.
 *
 * <p>The schema is current when the newest versioned migration in the configured locations is
 * applied successfully: Flyway applies versions in order, so every older one is too. Anything this
 * check does not understand — a location outside the class path, repeatable migrations, a history
 * table of another name or schema, a separate Flyway connection, a failed migration, no history
 * table, any error — migrates, as the service would.
 */
final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);
  private static final String DEFAULT_TABLE = "flyway_schema_history";
  private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");
  private static final Comparator<String> BY_VERSION =
      Comparator.comparing(Migrations::parts, Migrations::compareParts);

  private Migrations() {}

  /** Spring Boot's Flyway auto-configuration alone: its initializer migrates on refresh. */
  @ImportAutoConfiguration(FlywayAutoConfiguration.class)
  static final class FlywayMigration {}

  static void ensureCurrent(ConfigurableApplicationContext context) {
    FlywayProperties properties =
        Binder.get(context.getEnvironment())
            .bind("spring.flyway", FlywayProperties.class)
            .orElseGet(FlywayProperties::new);
    if (!properties.isEnabled() || isCurrent(context.getBean(DataSource.class), properties)) {
      return;
    }
    try (AnnotationConfigApplicationContext migration = new AnnotationConfigApplicationContext()) {
      migration.setParent(context);
      migration.setEnvironment(context.getEnvironment());
      migration.register(FlywayMigration.class);
      migration.refresh();
    }
  }

  static boolean isCurrent(DataSource dataSource, FlywayProperties properties) {
    if (!DEFAULT_TABLE.equals(properties.getTable())
        || properties.getDefaultSchema() != null
        || !properties.getSchemas().isEmpty()
        || properties.getUrl() != null
        || properties.getUser() != null) {
      return false;
    }
    Connection connection;
    try {
      connection = dataSource.getConnection();
    } catch (SQLException e) {
      throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", e);
    }
    try (connection) {
      String vendor = DatabaseDriver.fromJdbcUrl(connection.getMetaData().getURL()).getId();
      Optional<String> newest = newestMigration(properties, vendor);
      Optional<String> applied = newestApplied(connection);
      boolean current =
          newest.isPresent()
              && applied.isPresent()
              && BY_VERSION.compare(applied.get(), newest.get()) >= 0;
      log.debug(
          "Schema at {}, newest migration {}: {}",
          applied,
          newest,
          current ? "not migrating" : "migrating");
      return current;
    } catch (SQLException | IOException | RuntimeException e) {
      log.debug("Cannot tell whether the schema is current ({}); migrating", e.toString());
      return false;
    }
  }

  /** Empty when a location is not on the class path or holds repeatable migrations. */
  private static Optional<String> newestMigration(FlywayProperties properties, String vendor)
      throws IOException {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    String newest = null;
    for (String location : properties.getLocations()) {
      String resolved = location.replace("{vendor}", vendor);
      if (!resolved.startsWith("classpath:")) {
        return Optional.empty();
      }
      for (Resource resource : resolver.getResources(resolved + "/*.sql")) {
        String name = resource.getFilename();
        if (name == null) {
          continue;
        }
        Matcher versioned = VERSIONED.matcher(name);
        if (!versioned.matches()) {
          return Optional.empty();
        }
        if (newest == null || BY_VERSION.compare(versioned.group(1), newest) > 0) {
          newest = versioned.group(1);
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  /** Empty when a migration failed or none is recorded: Flyway must look at it. */
  private static Optional<String> newestApplied(Connection connection) throws SQLException {
    String newest = null;
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "select version, success from " + DEFAULT_TABLE + " where version is not null")) {
      while (rows.next()) {
        if (!rows.getBoolean("success")) {
          return Optional.empty();
        }
        String version = rows.getString("version");
        if (newest == null || BY_VERSION.compare(version, newest) > 0) {
          newest = version;
        }
      }
    }
    return Optional.ofNullable(newest);
  }

  private static List<BigInteger> parts(String version) {
    return Arrays.stream(version.split("[._]")).map(BigInteger::new).toList();
  }

  private static int compareParts(List<BigInteger> a, List<BigInteger> b) {
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      BigInteger x = i < a.size() ? a.get(i) : BigInteger.ZERO;
      BigInteger y = i < b.size() ? b.get(i) : BigInteger.ZERO;
      int order = x.compareTo(y);
      if (order != 0) {
        return order;
      }
    }
    return 0;
  }
}
