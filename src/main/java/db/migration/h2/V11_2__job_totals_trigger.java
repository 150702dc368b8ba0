package db.migration.h2;

import dev.storekeeper.config.EmbeddedDatabaseCredentials;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.h2.api.ErrorCode;

/**
 * Creates H2's trigger that keeps the running totals (V11, {@code JobTotalsTrigger}). H2 lets only
 * its administrator create a trigger, since a trigger is Java code; the service and the CLI connect
 * without admin rights, so when the migration's own connection is refused, the trigger is created
 * with the administrator's credentials this process opened the database with. The previous
 * migration filled the totals; nothing else writes jobs while the schema is migrated, and {@code
 * stats --verify --repair} recomputes them if anything did.
 */
public class V11_2__job_totals_trigger extends BaseJavaMigration {

  static final String CREATE =
      """
      create trigger if not exists job_totals after insert, update, delete on jobs
        for each row call 'dev.storekeeper.jobs.JobTotalsTrigger'
      """;

  @Override
  public void migrate(Context context) throws Exception {
    Connection connection = context.getConnection();
    try {
      execute(connection);
    } catch (SQLException refused) {
      if (refused.getErrorCode() != ErrorCode.ADMIN_RIGHTS_REQUIRED) {
        throw refused;
      }
      String url = connection.getMetaData().getURL();
      try (Connection admin =
          EmbeddedDatabaseCredentials.connectAsAdministrator(url)
              .orElseThrow(
                  () ->
                      new SQLException(
                          "Creating the trigger that keeps the storage statistics' totals needs"
                              + " the embedded database's administrator: run the migration once"
                              + " with SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD"
                              + " of an administrator",
                          refused))) {
        execute(admin);
      }
    }
  }

  private static void execute(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(CREATE);
    }
  }
}
