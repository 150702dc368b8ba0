package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class MigrationsIT {

  static final List<String> LOCATIONS =
      List.of("classpath:db/migration/common", "classpath:db/migration/{vendor}");

  final SingleConnectionDataSource dataSource =
      new SingleConnectionDataSource(
          "jdbc:h2:mem:"
              + UUID.randomUUID()
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH",
          "sa",
          "",
          true);
  final JdbcClient jdbc = JdbcClient.create(dataSource);
  final FlywayProperties properties = new FlywayProperties();

  MigrationsIT() {
    properties.setLocations(LOCATIONS);
  }

  @AfterEach
  void close() {
    dataSource.destroy();
  }

  /** What the CLI context offers Migrations: the data source and the spring.flyway settings. */
  GenericApplicationContext context() {
    GenericApplicationContext context = new GenericApplicationContext();
    context
        .getEnvironment()
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                "test", Map.of("spring.flyway.locations", String.join(",", LOCATIONS))));
    // the test owns the data source: closing the context must not close it
    context.registerBean(DataSource.class, () -> new DelegatingDataSource(dataSource));
    context.refresh();
    return context;
  }

  void migrateTo(String version) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .target(version)
        .load()
        .migrate();
  }

  @Test
  void migratesAnEmptyDatabaseWithSpringBootsFlywayConfiguration() {
    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();

    try (GenericApplicationContext context = context()) {
      Migrations.ensureCurrent(context);
    }

    assertThat(jdbc.sql("select count(*) from cleanup_lock").query(Long.class).single()).isOne();
    assertThat(Migrations.isCurrent(dataSource, properties)).isTrue();
  }

  @Test
  void migratesADatabaseBehindTheJar() {
    migrateTo("2");
    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();

    try (GenericApplicationContext context = context()) {
      Migrations.ensureCurrent(context);
    }

    assertThat(Migrations.isCurrent(dataSource, properties)).isTrue();
  }

  @Test
  void leavesACurrentDatabaseAloneWithoutStartingFlyway() {
    migrateTo("latest");
    // Flyway would refuse this history ("checksum mismatch"); the service's start reports it
    jdbc.sql("update flyway_schema_history set checksum = 42 where version = '1'").update();

    try (GenericApplicationContext context = context()) {
      Migrations.ensureCurrent(context);
    }

    assertThat(Migrations.isCurrent(dataSource, properties)).isTrue();
  }

  @Test
  void leavesAFailedMigrationToFlyway() {
    migrateTo("latest");
    jdbc.sql("update flyway_schema_history set success = false where version = '1'").update();

    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();
  }

  @Test
  void leavesSettingsItDoesNotCheckToFlyway() {
    migrateTo("latest");
    properties.setTable("schema_history");
    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();

    properties.setTable("flyway_schema_history");
    properties.setLocations(List.of("filesystem:/srv/migrations"));
    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();

    properties.setLocations(LOCATIONS);
    properties.setSchemas(List.of("storekeeper"));
    assertThat(Migrations.isCurrent(dataSource, properties)).isFalse();
  }
}
