package dev.storekeeper;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Creates the PostgreSQL test database (STOREKEEPER_TEST_PG_DB, default storekeeper_test) before
 * any test runs, so that the README's test command works on a fresh machine where PostgreSQL runs
 * but the database does not exist yet.
 */
public class PostgresTestDatabase implements LauncherSessionListener {

  public static String name() {
    String name = System.getenv("STOREKEEPER_TEST_PG_DB");
    return name == null || name.isBlank() ? "storekeeper_test" : name;
  }

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    String name = name();
    if (!name.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalStateException("STOREKEEPER_TEST_PG_DB must be a plain lower-case name");
    }
    try (Connection admin =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        Statement statement = admin.createStatement()) {
      try (ResultSet exists =
          statement.executeQuery("select 1 from pg_database where datname = '" + name + "'")) {
        if (exists.next()) {
          return;
        }
      }
      statement.execute("create database " + name);
    } catch (SQLException e) {
      System.err.println(
          "PostgreSQL at 127.0.0.1:5432 is not reachable ("
              + e.getMessage()
              + "); PostgreSQL tests will fail. .ci/run starts it.");
    }
  }
}
