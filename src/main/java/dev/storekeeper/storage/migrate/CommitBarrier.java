package dev.storekeeper.storage.migrate;

import dev.storekeeper.config.EmbeddedDatabaseCredentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Makes the commits made so far durable before the migration removes local copies.
 *
 * <p>PostgreSQL has a commit on disk when it returns. H2 (the embedded database) writes committed
 * changes to its file a moment later (its write delay, half a second by default): a process killed
 * right after a switch can lose it, and if the local copy was removed meanwhile, the row would name
 * files that are gone. Found by the SIGKILL test of {@code storage migrate}. So on H2 the barrier
 * is {@code CHECKPOINT SYNC} (write and fsync), run as the embedded database's administrator (the
 * application's user may not), once per page of jobs.
 */
public final class CommitBarrier implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(CommitBarrier.class);

  private final DataSource dataSource;
  private final String h2Url;

  private CommitBarrier(DataSource dataSource, String h2Url) {
    this.dataSource = dataSource;
    this.h2Url = h2Url;
  }

  /** The barrier the database behind {@code dataSource} needs. */
  public static CommitBarrier of(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String url = connection.getMetaData().getURL();
      return new CommitBarrier(dataSource, url != null && url.startsWith("jdbc:h2:") ? url : null);
    } catch (SQLException e) {
      throw new DataAccessResourceFailureException("Cannot reach the database", e);
    }
  }

  /** Whether this barrier does anything (H2), for tests. */
  boolean flushes() {
    return h2Url != null;
  }

  @Override
  public void run() {
    if (h2Url == null) {
      return;
    }
    try {
      Optional<Connection> admin = EmbeddedDatabaseCredentials.connectAsAdministrator(h2Url);
      try (Connection connection = admin.isPresent() ? admin.get() : dataSource.getConnection();
          Statement statement = connection.createStatement()) {
        statement.execute("CHECKPOINT SYNC");
      }
    } catch (SQLException e) {
      // without the administrator (credentials the operator supplied) the barrier cannot run:
      // stopping keeps every job reachable; the operator reruns with an administrator's
      // credentials or on PostgreSQL
      throw new DataAccessResourceFailureException(
          "Cannot make the switched rows durable in the embedded database before removing the"
              + " local copies (CHECKPOINT SYNC: "
              + e.getMessage()
              + "): run the migration with the administrator's credentials of the embedded"
              + " database",
          e);
    }
    log.debug("Checkpoint of {} done", h2Url);
  }
}
