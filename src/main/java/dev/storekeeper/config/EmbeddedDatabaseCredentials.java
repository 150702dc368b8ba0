package dev.storekeeper.config;

import dev.storekeeper.storage.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.api.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials of the embedded H2 database, which nobody but the service user may use.
 *
 * <p>The service and the CLI connect as {@value #USER}, a user without admin rights, with the
 * password in {@code DATA_DIR/db-password}: H2 refuses such a user {@code CREATE ALIAS} (Java
 * methods and Java source alike), {@code FILE_READ}, {@code CSVWRITE}, {@code CSVREAD}, {@code
 * RUNSCRIPT}, {@code SCRIPT TO}, {@code BACKUP}, triggers and linked tables, while {@code ALTER ANY
 * SCHEMA} lets it run every migration and query we have. The administrator ({@code ""}, the user
 * that created the database) gets its own password, in {@code DATA_DIR/db-admin-password}, and is
 * used only to create or repair the application user. Both files are 0600, generated on first start
 * and published atomically.
 *
 * <p>The passwords are written before the database is changed, and every start tries, in order:
 *
 * <ol>
 *   <li>{@value #USER} with {@code db-password} — the normal case;
 *   <li>no database yet: create it with the administrator's password, then the user;
 *   <li>the administrator with {@code db-admin-password} — the user is missing or has another
 *       password (a start stopped half-way, or {@code db-password} was deleted): set it again;
 *   <li>the administrator with the empty password — an installation from before passwords: give the
 *       administrator its password first, then create the user.
 * </ol>
 *
 * A crash between any two statements leaves a state one of these steps completes on the next start,
 * and the administrator never stays without a password once the user works. Only when every
 * password is refused does start-up fail, naming both files.
 */
public final class EmbeddedDatabaseCredentials {

  /** The application's user: no admin rights. */
  public static final String USER = "storekeeper";

  static final String ADMIN = "";
  static final String PASSWORD_FILE = "db-password";
  static final String ADMIN_PASSWORD_FILE = "db-admin-password";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseCredentials.class);

  /**
   * The administrator's credentials of each embedded database this process has opened, by its path:
   * for the one migration that needs them (H2 lets only its administrator create a trigger, see
   * {@code db.migration.h2.V11_2__job_totals_trigger}). They never leave the process.
   */
  private static final Map<Path, Credentials> ADMINISTRATORS = new ConcurrentHashMap<>();

  /** A user and password to connect with. */
  public record Credentials(String user, String password) {}

  /** A connection as the application user, and the credentials it was made with. */
  record Opened(Connection connection, Credentials credentials) {}

  private EmbeddedDatabaseCredentials() {}

  /** An H2 database in a local file, opened in this process or through its AUTO_SERVER. */
  public static boolean isEmbeddedFile(String url) {
    if (url == null || !url.startsWith("jdbc:h2:")) {
      return false;
    }
    String rest = url.substring("jdbc:h2:".length()).toLowerCase(Locale.ROOT);
    return !(rest.startsWith("mem:")
        || rest.startsWith("tcp:")
        || rest.startsWith("ssl:")
        || rest.startsWith("zip:"));
  }

  /** The database's file name without H2's suffixes ({@code /srv/data/db} for {@code db.mv.db}). */
  static Path databasePath(String url) {
    String path = url.substring("jdbc:h2:".length());
    int settings = path.indexOf(';');
    if (settings >= 0) {
      path = path.substring(0, settings);
    }
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    if (path.startsWith("~")) {
      path = System.getProperty("user.home") + path.substring(1);
    }
    return Path.of(path).toAbsolutePath().normalize();
  }

  /**
   * A connection as the administrator of the embedded database at {@code url}, if this process
   * opened it with its own credentials (empty when the operator supplied the credentials).
   */
  public static Optional<Connection> connectAsAdministrator(String url) throws SQLException {
    Credentials admin = ADMINISTRATORS.get(databasePath(url));
    return admin == null
        ? Optional.empty()
        : Optional.of(connect(url, admin.user(), admin.password()));
  }

  /**
   * Makes sure the embedded database at {@code url} can be used with the application user's
   * credentials, creating the database, the user or the password files as needed, and returns them.
   * For tools and tests that open the database themselves.
   */
  public static Credentials prepare(String url, Path dataDir) {
    Opened opened = open(url, dataDir);
    try {
      opened.connection().close();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot close the embedded database " + url, e);
    }
    return opened.credentials();
  }

  /** As {@link #prepare}, keeping the connection open: the database stays open with it. */
  static Opened open(String url, Path dataDir) {
    try {
      PrivateFiles.createDirectories(dataDir);
      Path database = databasePath(url);
      PrivateFiles.createDirectories(database.getParent());
      // H2 writes errors to this file, creating it with the umask's mode: it appends to ours
      PrivateFiles.createFileIfMissing(
          database.resolveSibling(database.getFileName() + ".trace.db"));
      String password = secret(dataDir.resolve(PASSWORD_FILE));
      String adminPassword = secret(dataDir.resolve(ADMIN_PASSWORD_FILE));
      ADMINISTRATORS.put(database, new Credentials(ADMIN, adminPassword));
      return new Opened(
          connectAsUser(url, database, dataDir, password, adminPassword),
          new Credentials(USER, password));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the embedded database's password files in " + dataDir, e);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open the embedded database " + url, e);
    }
  }

  private static Connection connectAsUser(
      String url, Path database, Path dataDir, String password, String adminPassword)
      throws SQLException {
    String existing = ifExists(url);
    try {
      return connect(existing, USER, password);
    } catch (SQLException e) {
      if (e.getErrorCode() == ErrorCode.DATABASE_NOT_FOUND_WITH_IF_EXISTS_1) {
        try (Connection admin = connect(url, ADMIN, adminPassword)) {
          createUser(admin, password);
        }
        log.info(
            "Created the embedded database {}; it is used as {} with the password in {}",
            database,
            USER,
            dataDir.resolve(PASSWORD_FILE));
        return connect(existing, USER, password);
      }
      if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
        throw e;
      }
    }
    try (Connection admin = connect(existing, ADMIN, adminPassword)) {
      createUser(admin, password);
      log.warn(
          "The embedded database {} refused {} with the password in {}: set it again",
          database,
          USER,
          dataDir.resolve(PASSWORD_FILE));
    } catch (SQLException e) {
      if (e.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
        throw e;
      }
      try (Connection admin = connect(existing, ADMIN, "")) {
        // the administrator's password first: once the user works, this step is never reached
        execute(admin, "SET PASSWORD " + literal(adminPassword));
        createUser(admin, password);
        log.warn(
            "The embedded database {} let its administrator in with an empty password: its"
                + " administrator now has the password in {}, and the service connects as {}"
                + " (no admin rights) with the password in {}",
            database,
            dataDir.resolve(ADMIN_PASSWORD_FILE),
            USER,
            dataDir.resolve(PASSWORD_FILE));
      } catch (SQLException old) {
        if (old.getErrorCode() != ErrorCode.WRONG_USER_OR_PASSWORD) {
          throw old;
        }
        throw new InvalidSettingsException(
            ("the embedded database %s refuses the passwords in %s and %s: if it was created"
                    + " with other credentials, set SPRING_DATASOURCE_USERNAME and"
                    + " SPRING_DATASOURCE_PASSWORD")
                .formatted(
                    database,
                    dataDir.resolve(PASSWORD_FILE),
                    dataDir.resolve(ADMIN_PASSWORD_FILE)));
      }
    }
    return connect(existing, USER, password);
  }

  /** The application user, with its password and no admin rights, whatever it had before. */
  private static void createUser(Connection admin, String password) throws SQLException {
    execute(admin, "CREATE USER IF NOT EXISTS " + USER + " PASSWORD " + literal(password));
    execute(admin, "ALTER USER " + USER + " SET PASSWORD " + literal(password));
    execute(admin, "ALTER USER " + USER + " ADMIN FALSE");
    execute(admin, "GRANT ALTER ANY SCHEMA TO " + USER);
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Connection connect(String url, String user, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    Connection connection = new org.h2.Driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("Not an H2 URL: " + url);
    }
    return connection;
  }

  /** Never creates a database by accident: only step 2 does, on purpose. */
  private static String ifExists(String url) {
    return url.toUpperCase(Locale.ROOT).contains(";IFEXISTS=") ? url : url + ";IFEXISTS=TRUE";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String secret(Path file) throws IOException {
    String value =
        PrivateFiles.readOrCreateSecret(file, EmbeddedDatabaseCredentials::generate).value();
    if (value.isEmpty()) {
      throw new InvalidSettingsException(
          "%s is empty: delete it to have a new password generated".formatted(file));
    }
    return value;
  }

  private static String generate() {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
