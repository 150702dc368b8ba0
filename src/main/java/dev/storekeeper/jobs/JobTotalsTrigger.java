package dev.storekeeper.jobs;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.h2.api.Trigger;

/**
 * H2's half of the running totals (V11): H2 runs this for every row of {@code jobs} inserted,
 * updated or deleted, inside the statement's transaction, so {@code job_totals} and {@code
 * job_completions} change with the row or not at all. PostgreSQL does the same with one trigger per
 * statement (its copy of V11); {@link JobTotalsService#verify} checks either against the jobs
 * themselves.
 *
 * <p>A row as it was counts -1, a row as it is +1; what nets to zero (a progress update) writes
 * nothing. Rows of the totals are written in key order, like PostgreSQL's, so that two writers take
 * their locks in the same order.
 */
public final class JobTotalsTrigger implements Trigger {

  private static final Set<String> FINISHED = Set.of("completed", "failed", "cancelled");

  private int id;
  private int status;
  private int completedAt;
  private int uploadBytes;
  private int outputBytes;
  private int heldAt;

  /** A row of either table: {@code job_totals (name, stripe)} or {@code job_completions}. */
  private record Key(boolean hours, String name, long slot) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int c = Boolean.compare(hours, other.hours);
      c = c != 0 ? c : name.compareTo(other.name);
      return c != 0 ? c : Long.compare(slot, other.slot);
    }
  }

  @Override
  public void init(
      Connection conn, String schema, String trigger, String table, boolean before, int type)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement ps =
        conn.prepareStatement(
            """
            select column_name from information_schema.columns
             where table_schema = ? and table_name = ? order by ordinal_position
            """)) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(rs.getString(1).toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    id = column(columns, "id");
    status = column(columns, "status");
    completedAt = column(columns, "completed_at");
    uploadBytes = column(columns, "upload_bytes");
    outputBytes = column(columns, "output_bytes");
    heldAt = column(columns, "held_at");
  }

  private static int column(List<String> columns, String name) throws SQLException {
    int index = columns.indexOf(name);
    if (index < 0) {
      throw new SQLException("jobs has no column " + name + " (columns: " + columns + ")");
    }
    return index;
  }

  @Override
  public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
    Map<Key, long[]> changes = new TreeMap<>();
    add(changes, oldRow, -1);
    add(changes, newRow, 1);
    for (Map.Entry<Key, long[]> change : changes.entrySet()) {
      long[] delta = change.getValue();
      if (delta[0] != 0 || delta[1] != 0 || delta[2] != 0) {
        apply(conn, change.getKey(), delta);
      }
    }
  }

  private void add(Map<Key, long[]> changes, Object[] row, int sign) {
    if (row == null) {
      return;
    }
    String state = (String) row[status];
    long up = ((Number) row[uploadBytes]).longValue();
    long out = ((Number) row[outputBytes]).longValue();
    long stripe = JobTotalsRepository.stripe((UUID) row[id]);
    add(changes, new Key(false, state, stripe), sign, up, out);
    if (row[heldAt] != null) {
      add(changes, new Key(false, "held", stripe), sign, up, out);
    }
    if (FINISHED.contains(state) && row[completedAt] != null) {
      add(
          changes,
          new Key(true, state, JobTotalsRepository.hour(instant(row[completedAt]))),
          sign,
          up,
          out);
    }
  }

  private static void add(Map<Key, long[]> changes, Key key, int sign, long up, long out) {
    long[] delta = changes.computeIfAbsent(key, k -> new long[3]);
    delta[0] += sign;
    delta[1] += sign * up;
    delta[2] += sign * out;
  }

  private static void apply(Connection conn, Key key, long[] delta) throws SQLException {
    String table = key.hours() ? "job_completions" : "job_totals";
    String where = key.hours() ? "status = ? and completed_hour = ?" : "name = ? and stripe = ?";
    String update =
        "update %s set jobs = jobs + ?, upload_bytes = upload_bytes + ?,".formatted(table)
            + " output_bytes = output_bytes + ? where "
            + where;
    if (execute(conn, update, delta, key) == 0) {
      String insert =
          "insert into %s (jobs, upload_bytes, output_bytes, %s) values (?, ?, ?, ?, ?)"
              .formatted(table, key.hours() ? "status, completed_hour" : "name, stripe");
      try {
        execute(conn, insert, delta, key);
      } catch (SQLException inserted) {
        // another transaction inserted the row first: add to it
        if (execute(conn, update, delta, key) == 0) {
          throw inserted;
        }
      }
    }
    if (key.hours() && delta[0] < 0) {
      // an hour left with no job goes, so that the rows before a cutoff are the uncleaned hours
      execute(
          conn,
          "delete from job_completions where "
              + where
              + " and jobs = 0 and upload_bytes = 0 and output_bytes = 0",
          new long[0],
          key);
    }
  }

  private static int execute(Connection conn, String sql, long[] values, Key key)
      throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      int i = 1;
      for (long value : values) {
        ps.setLong(i++, value);
      }
      ps.setString(i++, key.name());
      ps.setLong(i, key.slot());
      return ps.executeUpdate();
    }
  }

  private static Instant instant(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof ZonedDateTime zdt) {
      return zdt.toInstant();
    }
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof Instant instant) {
      return instant;
    }
    throw new IllegalStateException("unexpected completed_at value: " + value.getClass());
  }
}
