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
  private static final String DAY = JobTotalsRepository.DAY;
  private static final String HOUR = JobTotalsRepository.HOUR;

  private int id;
  private int status;
  private int completedAt;
  private int uploadBytes;
  private int outputBytes;
  private int heldAt;

  /**
   * A row of either table: {@code job_totals (name, stripe)} when {@code span} is empty, else
   * {@code job_completions (status, span, slot)}.
   */
  private record Key(String span, String name, long slot) implements Comparable<Key> {
    boolean completions() {
      return !span.isEmpty();
    }

    @Override
    public int compareTo(Key other) {
      int c = Boolean.compare(completions(), other.completions());
      c = c != 0 ? c : name.compareTo(other.name);
      c = c != 0 ? c : span.compareTo(other.span);
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
    add(changes, new Key("", state, stripe), sign, up, out);
    if (row[heldAt] != null) {
      add(changes, new Key("", JobTotalsRepository.HELD, stripe), sign, up, out);
    }
    if (FINISHED.contains(state) && row[completedAt] != null) {
      Instant at = instant(row[completedAt]);
      add(changes, new Key(DAY, state, JobTotalsRepository.day(at)), sign, up, out);
      add(changes, new Key(HOUR, state, JobTotalsRepository.hour(at)), sign, up, out);
    }
  }

  private static void add(Map<Key, long[]> changes, Key key, int sign, long up, long out) {
    long[] delta = changes.computeIfAbsent(key, k -> new long[3]);
    delta[0] += sign;
    delta[1] += sign * up;
    delta[2] += sign * out;
  }

  private static void apply(Connection conn, Key key, long[] delta) throws SQLException {
    String table = key.completions() ? "job_completions" : "job_totals";
    String where =
        key.completions() ? "status = ? and span = ? and slot = ?" : "name = ? and stripe = ?";
    String update =
        "update %s set jobs = jobs + ?, upload_bytes = upload_bytes + ?,".formatted(table)
            + " output_bytes = output_bytes + ? where "
            + where;
    if (execute(conn, update, delta, key) == 0) {
      String insert =
          key.completions()
              ? "insert into job_completions (jobs, upload_bytes, output_bytes, status, span, slot)"
                  + " values (?, ?, ?, ?, ?, ?)"
              : "insert into job_totals (jobs, upload_bytes, output_bytes, name, stripe)"
                  + " values (?, ?, ?, ?, ?)";
      try {
        execute(conn, insert, delta, key);
      } catch (SQLException inserted) {
        // another transaction inserted the row first: add to it
        if (execute(conn, update, delta, key) == 0) {
          throw inserted;
        }
      }
    }
    if (key.completions() && delta[0] < 0) {
      // a day or hour left with no job goes: the rows before a cutoff are what is not cleaned yet
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
      if (key.completions()) {
        ps.setString(i++, key.span());
      }
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
