package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.flyway.autoconfigure.FlywayProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

class MigrateWhenBehindIT {

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
  final Flyway flyway =
      Flyway.configure()
          .dataSource(dataSource)
          .locations("classpath:db/migration/common", "classpath:db/migration/h2")
          .load();

  MigrateWhenBehindIT() {
    properties.setLocations(
        List.of("classpath:db/migration/common", "classpath:db/migration/{vendor}"));
  }

  MigrateWhenBehind initializer() {
    return new MigrateWhenBehind(flyway, dataSource, properties);
  }

  @AfterEach
  void close() {
    dataSource.destroy();
  }

  @Test
  void migratesAnEmptyDatabase() throws Exception {
    assertThat(initializer().isCurrent()).isFalse();

    initializer().afterPropertiesSet();

    assertThat(jdbc.sql("select count(*) from cleanup_lock").query(Long.class).single()).isOne();
    assertThat(initializer().isCurrent()).isTrue();
  }

  @Test
  void migratesADatabaseBehindTheJar() throws Exception {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/common")
        .target("2")
        .load()
        .migrate();

    assertThat(initializer().isCurrent()).isFalse();

    initializer().afterPropertiesSet();

    assertThat(initializer().isCurrent()).isTrue();
  }

  @Test
  void leavesAFailedMigrationToFlyway() {
    flyway.migrate();
    jdbc.sql("update flyway_schema_history set success = false where version = '1'").update();

    assertThat(initializer().isCurrent()).isFalse();
  }

  @Test
  void leavesSettingsItDoesNotCheckToFlyway() {
    flyway.migrate();
    properties.setTable("schema_history");
    assertThat(initializer().isCurrent()).isFalse();

    properties.setTable("flyway_schema_history");
    properties.setLocations(List.of("filesystem:/srv/migrations"));
    assertThat(initializer().isCurrent()).isFalse();

    properties.setLocations(List.of("classpath:db/migration/common"));
    properties.setSchemas(List.of("storekeeper"));
    assertThat(initializer().isCurrent()).isFalse();
  }
}
