package dev.storekeeper.cleanup;

import static dev.storekeeper.jobs.Sql.instant;
import static dev.storekeeper.jobs.Sql.ts;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The cluster-wide cleanup lock: a single row in {@code cleanup_lock}, taken by a conditional
 * update (so it works the same on H2 and PostgreSQL, and across nodes). The holder heartbeats; a
 * holder that stopped heartbeating for longer than the lease (it crashed or was killed) loses the
 * lock to the next run.
 */
@Repository
class CleanupLock {

  private final JdbcClient jdbc;

  CleanupLock(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Who holds the lock. */
  record Holder(UUID runId, String node, Instant acquiredAt, Instant heartbeatAt) {}

  /**
   * Takes the lock for {@code runId} if it is free or its holder's heartbeat is older than {@code
   * staleBefore}. Returns empty on success, otherwise the live holder.
   */
  Optional<Holder> tryAcquire(UUID runId, String node, Instant now, Instant staleBefore) {
    int taken =
        jdbc.sql(
                """
                update cleanup_lock
                   set run_id = :runId, node = :node, acquired_at = :now, heartbeat_at = :now
                 where name = 'cleanup' and (run_id is null or heartbeat_at < :staleBefore)
                """)
            .param("runId", runId)
            .param("node", node)
            .param("now", ts(now))
            .param("staleBefore", ts(staleBefore))
            .update();
    if (taken == 1) {
      return Optional.empty();
    }
    return Optional.of(holder().orElse(new Holder(new UUID(0, 0), "unknown", now, now)));
  }

  Optional<Holder> holder() {
    return jdbc.sql(
            "select run_id, node, acquired_at, heartbeat_at from cleanup_lock where name = 'cleanup' and run_id is not null")
        .query(
            (rs, n) ->
                new Holder(
                    rs.getObject("run_id", UUID.class),
                    rs.getString("node"),
                    instant(rs, "acquired_at"),
                    instant(rs, "heartbeat_at")))
        .optional();
  }

  /** Returns false when the lock was lost (taken over after our heartbeat went stale). */
  boolean heartbeat(UUID runId, Instant now) {
    return jdbc.sql(
                "update cleanup_lock set heartbeat_at = :now where name = 'cleanup' and run_id = :runId")
            .param("runId", runId)
            .param("now", ts(now))
            .update()
        == 1;
  }

  void release(UUID runId) {
    jdbc.sql(
            """
            update cleanup_lock set run_id = null, node = null, acquired_at = null,
                                    heartbeat_at = null
             where name = 'cleanup' and run_id = :runId
            """)
        .param("runId", runId)
        .update();
  }
}
