package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.storekeeper.RunningApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 11, section 1: the embedded database takes no connection without the password only the
 * service user can read, and the service's own user cannot run code or touch files through SQL. An
 * installation from before passwords is migrated on start, and a start stopped half-way is
 * completed by the next one.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedDatabaseIT {

  private static final int WRONG_USER_OR_PASSWORD = 28000;
  private static final int ADMIN_RIGHTS_REQUIRED = 90040;

  Path dataDir;
  String url;

  @BeforeEach
  void freshDataDirectory() throws IOException {
    dataDir = RunningApp.tempDataDir("storekeeper-h2").toRealPath();
    url = RunningApp.onH2(dataDir).get("spring.datasource.url");
  }

  private Map<String, String> settings() {
    return new HashMap<>(RunningApp.onH2(dataDir));
  }

  private String file(String name) throws IOException {
    return Files.readString(dataDir.resolve(name)).strip();
  }

  private Connection connect(String user, String password) throws SQLException {
    return DriverManager.getConnection(url + ";IFEXISTS=TRUE", user, password);
  }

  private int refusal(String user, String password) {
    Throwable refused = catchThrowable(() -> connect(user, password).close());
    assertThat(refused).as("%s/%s", user, password).isInstanceOf(SQLException.class);
    return ((SQLException) refused).getErrorCode();
  }

  /**
   * The database as every release before passwords left it: Spring Boot's user "" and no password.
   */
  private void oldInstallation() throws IOException {
    Flyway.configure()
        .dataSource(url, "", "")
        .locations("classpath:db/migration/common", "classpath:db/migration/h2")
        .load()
        .migrate();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        dataDir.resolve("db.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
  }

  @Test
  void aNewDatabaseTakesOnlyTheGeneratedPasswordsAndItsUserHasNoAdminRights() throws Exception {
    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    String password = file("db-password");
    String adminPassword = file("db-admin-password");
    assertThat(password).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(adminPassword);
    for (String secret : new String[] {"db-password", "db-admin-password", "db.mv.db"}) {
      assertThat(
              PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(secret))))
          .as(secret)
          .isEqualTo("rw-------");
    }
    assertThat(refusal("", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
    assertThat(refusal("sa", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
    assertThat(refusal("storekeeper", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
    assertThat(refusal("storekeeper", adminPassword)).isEqualTo(WRONG_USER_OR_PASSWORD);
    try (Connection admin = connect("", adminPassword)) {
      assertThat(admin.isValid(1)).isTrue();
    }
  }

  /** What a local attacker with the embedded database's credentials used to do with them. */
  private static final List<String> ADMIN_ONLY =
      List.of(
          "SELECT FILE_READ('/etc/hostname')",
          "CALL CSVWRITE('/tmp/storekeeper-h2-escape.csv', 'SELECT 1')",
          "SELECT * FROM CSVREAD('/etc/hostname')",
          "CREATE ALIAS RUN_IT FOR 'java.lang.Runtime.getRuntime'",
          "CREATE ALIAS RUN_SOURCE AS $$ String f() throws Exception { return \"x\"; } $$",
          "RUNSCRIPT FROM '/etc/hostname'",
          "SCRIPT TO '/tmp/storekeeper-h2-dump.sql'",
          "BACKUP TO '/tmp/storekeeper-h2-backup.zip'",
          "CREATE USER intruder PASSWORD 'x' ADMIN",
          "ALTER USER storekeeper ADMIN TRUE",
          "CREATE TRIGGER t BEFORE INSERT ON jobs FOR EACH ROW CALL 'org.h2.Driver'",
          "CREATE LINKED TABLE l('org.h2.Driver', 'jdbc:h2:mem:x', '', '', 't')");

  @Test
  void theServicesUserCannotRunCodeOrReachFilesThroughSql() throws Exception {
    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    try (Connection connection = connect("storekeeper", file("db-password"));
        Statement statement = connection.createStatement()) {
      for (String sql : ADMIN_ONLY) {
        assertThatThrownBy(() -> statement.execute(sql))
            .as(sql)
            .isInstanceOfSatisfying(
                SQLException.class,
                e -> assertThat(e.getErrorCode()).isEqualTo(ADMIN_RIGHTS_REQUIRED));
      }
      // and it still does everything the service needs: tables, indexes, rows
      statement.execute("CREATE TABLE probe(id INT PRIMARY KEY)");
      statement.execute("CREATE INDEX probe_id ON probe(id)");
      statement.execute("INSERT INTO probe VALUES (1)");
      statement.execute("DROP TABLE probe");
    }
    assertThat(Path.of("/tmp/storekeeper-h2-escape.csv")).doesNotExist();
  }

  @Test
  void migratesAnInstallationFromBeforePasswordsAndNarrowsItsFiles(CapturedOutput log)
      throws Exception {
    oldInstallation();

    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    assertThat(log.getAll())
        .contains(dataDir + " was open to other users (mode 0755 -> 0700)")
        .contains(dataDir.resolve("db.mv.db") + " was open to other users (mode 0644 -> 0600)")
        .contains(
            "The embedded database "
                + dataDir.resolve("db")
                + " let its administrator in with an empty password: its administrator now has"
                + " the password in "
                + dataDir.resolve("db-admin-password"))
        .doesNotContain(file("db-password"))
        .doesNotContain(file("db-admin-password"));
    assertThat(refusal("", "")).isEqualTo(WRONG_USER_OR_PASSWORD);
    try (Connection connection = connect("storekeeper", file("db-password"));
        Statement statement = connection.createStatement()) {
      var rows = statement.executeQuery("select count(*) from flyway_schema_history");
      rows.next();
      assertThat(rows.getInt(1)).as("the migrated database keeps its data").isGreaterThan(4);
    }
  }

  @Test
  void completesAMigrationStoppedAfterTheAdministratorGotItsPassword(CapturedOutput log)
      throws Exception {
    oldInstallation();
    String adminPassword = "admin-password-written-before-the-crash-0123456789";
    Files.writeString(dataDir.resolve("db-admin-password"), adminPassword + "\n");
    try (Connection admin = connect("", "");
        Statement statement = admin.createStatement()) {
      statement.execute("SET PASSWORD '" + adminPassword + "'");
    }

    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    assertThat(log.getAll())
        .contains(
            "The embedded database "
                + dataDir.resolve("db")
                + " refused storekeeper with the password in "
                + dataDir.resolve("db-password")
                + ": set it again");
    try (Connection connection = connect("storekeeper", file("db-password"))) {
      assertThat(connection.isValid(1)).isTrue();
    }
  }

  @Test
  void replacesADeletedPasswordFile() throws Exception {
    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }
    String old = file("db-password");
    Files.delete(dataDir.resolve("db-password"));

    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    assertThat(file("db-password")).isNotEqualTo(old);
    assertThat(refusal("storekeeper", old)).isEqualTo(WRONG_USER_OR_PASSWORD);
  }

  @Test
  void refusesToStartNamingBothFilesWhenEveryPasswordIsRefused() throws Exception {
    try (Connection created = DriverManager.getConnection(url, "", "someone-elses-password")) {
      assertThat(created.isValid(1)).isTrue();
    }

    Throwable failure = catchThrowable(() -> RunningApp.start(settings()).close());

    assertThat(new SettingsFailureAnalyzer().analyze(failure).getDescription())
        .contains("the embedded database " + dataDir.resolve("db") + " refuses the passwords in")
        .contains(dataDir.resolve("db-password").toString())
        .contains(dataDir.resolve("db-admin-password").toString())
        .contains("SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD");
  }

  @Test
  void refusesAUserNameWithoutAPassword() {
    Map<String, String> settings = settings();
    settings.put("spring.datasource.username", "sa");

    Throwable failure = catchThrowable(() -> RunningApp.start(settings).close());

    assertThat(new SettingsFailureAnalyzer().analyze(failure).getDescription())
        .contains("SPRING_DATASOURCE_USERNAME is set but SPRING_DATASOURCE_PASSWORD is not");
    assertThat(dataDir.resolve("db.mv.db")).doesNotExist();
  }

  @Test
  void usesTheOperatorsOwnCredentialsAsGiven() throws Exception {
    Map<String, String> settings = settings();
    settings.put("spring.datasource.username", "sa");
    settings.put("spring.datasource.password", "the-operators-own-password");

    try (RunningApp app = RunningApp.start(settings)) {
      assertThat(app.http().get("/health").status()).isEqualTo(200);
    }

    assertThat(dataDir.resolve("db-password")).doesNotExist();
    try (Connection connection = connect("sa", "the-operators-own-password")) {
      assertThat(connection.isValid(1)).isTrue();
    }
  }
}
