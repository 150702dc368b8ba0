package dev.storekeeper.cli;

import dev.storekeeper.Fixtures;
import dev.storekeeper.config.EmbeddedDatabaseCredentials;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.Function;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * The database and data directory a CLI process under test uses, reachable from the test too: the
 * test creates the schema (as the service would), seeds jobs and files with {@link Fixtures}, and
 * checks what is left. Connections are held only while the test uses them, so the process opens the
 * embedded database itself.
 */
final class CliDatabase {

  static {
    // like the service: an H2 server started for AUTO_SERVER listens on loopback only
    System.setProperty("h2.bindAddress", "127.0.0.1");
  }

  private final String vendor;
  private final String url;
  private final String user;
  private final String password;
  private final Map<String, String> env;
  private final Path dataDir;
  private final StorageLayout layout;

  private CliDatabase(
      String vendor,
      String url,
      String user,
      String password,
      Map<String, String> env,
      Path dataDir) {
    this.vendor = vendor;
    this.url = url;
    this.user = user;
    this.password = password;
    this.env = env;
    this.dataDir = dataDir;
    this.layout =
        new StorageLayout(new StorageProperties(dataDir.toString(), null, null, 1L, 0L, null));
  }

  /**
   * The embedded database exactly where the process puts it for DATA_DIR, under the same URL and
   * with the same credentials (the password files in DATA_DIR, created here when missing).
   */
  static CliDatabase h2(Path dataDir) {
    String url =
        "jdbc:h2:file:"
            + dataDir
            + "/db;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;AUTO_SERVER=TRUE";
    EmbeddedDatabaseCredentials.Credentials credentials =
        EmbeddedDatabaseCredentials.prepare(url, dataDir);
    return new CliDatabase(
        "h2",
        url,
        credentials.user(),
        credentials.password(),
        Map.of("DATA_DIR", dataDir.toString()),
        dataDir);
  }

  /** The local PostgreSQL database named by STOREKEEPER_TEST_PG_DB (default storekeeper_test). */
  static CliDatabase postgres(Path dataDir) {
    String name = System.getenv().getOrDefault("STOREKEEPER_TEST_PG_DB", "storekeeper_test");
    String url = "jdbc:postgresql://127.0.0.1:5432/" + name;
    return new CliDatabase(
        "postgresql",
        url,
        "postgres",
        "",
        Map.of(
            "DATA_DIR",
            dataDir.toString(),
            "SPRING_DATASOURCE_URL",
            url,
            "SPRING_DATASOURCE_USERNAME",
            "postgres",
            "SPRING_DATASOURCE_PASSWORD",
            ""),
        dataDir);
  }

  /** The environment that points a process at this database and data directory. */
  Map<String, String> env() {
    return env;
  }

  Path dataDir() {
    return dataDir;
  }

  StorageLayout layout() {
    return layout;
  }

  void migrate() {
    Flyway.configure()
        .dataSource(url, user, password)
        .locations("classpath:db/migration/common", "classpath:db/migration/" + vendor)
        .load()
        .migrate();
  }

  /** Runs {@code work} on one connection, closed afterwards. */
  <T> T with(Function<Connected, T> work) {
    SingleConnectionDataSource dataSource =
        new SingleConnectionDataSource(url, user, password, true);
    try {
      keepFilesPrivate(dataSource);
      JdbcClient jdbc = JdbcClient.create(dataSource);
      return work.apply(new Connected(jdbc, new Fixtures(jdbc, layout)));
    } finally {
      dataSource.destroy();
    }
  }

  record Connected(JdbcClient jdbc, Fixtures fixtures) {}

  /**
   * Like the service and the CLI, this test process narrows the files H2 creates with its umask
   * (the lock file, anew each time it opens the database): a CLI run meanwhile would otherwise find
   * them open to other users, and say so.
   */
  private void keepFilesPrivate(SingleConnectionDataSource dataSource) {
    if (!vendor.equals("h2")) {
      return;
    }
    try {
      dataSource.getConnection();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, "db.*")) {
        for (Path file : files) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Empties the tables a CLI run reads and writes, as StorekeeperIT does between tests. */
  void reset() {
    with(
        db -> {
          JdbcClient jdbc = db.jdbc();
          jdbc.sql("delete from cleanup_items").update();
          jdbc.sql("delete from cleanup_runs").update();
          jdbc.sql(
                  "update cleanup_lock set run_id = null, node = null, acquired_at = null,"
                      + " heartbeat_at = null")
              .update();
          jdbc.sql("delete from metrics").update();
          jdbc.sql("delete from jobs").update();
          return null;
        });
  }
}
