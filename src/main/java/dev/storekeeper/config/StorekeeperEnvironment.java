package dev.storekeeper.config;

import dev.storekeeper.jobs.JobTotalsTrigger;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Derives settings that depend on which database is configured, before any bean is created.
 *
 * <p>db-scheduler must poll with {@code lock-and-fetch} on PostgreSQL (workers on several nodes
 * pick due executions with {@code SKIP LOCKED}) but H2 rejects that strategy. A node must lock no
 * more executions than it has threads: a locked execution waiting in its queue gets no heartbeat,
 * so after the dead-execution limit another node revives it and the job runs twice (the starter's
 * default upper limit is 3 x threads, db-scheduler's own for lock-and-fetch 1 x). The H2 server
 * that lets the CLI share the embedded database with a running service must only ever listen on
 * loopback, and load no Java class of a connecting client's choosing ({@code CREATE ALIAS ... FOR
 * "java.lang.Runtime.exec"}); H2's own classes (its driver, the TCP server) stay allowed. That does
 * not stop an administrator's Java source aliases, {@code FILE_READ} or {@code CSVWRITE}: the
 * service therefore connects as a user without admin rights ({@link EmbeddedDatabaseCredentials}).
 * On PostgreSQL the driver sends JDBC batches (the cleanup ledger, orphan claims) as multi-row
 * inserts, which the server executes several times faster than one insert per row. Explicit
 * settings always win: this source is added last.
 */
class StorekeeperEnvironment implements EnvironmentPostProcessor {

  static final String H2_ALLOWED_CLASSES = "org.h2.*," + JobTotalsTrigger.class.getName();

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    String url = environment.getProperty("spring.datasource.url", "");
    Map<String, Object> derived =
        url.startsWith("jdbc:postgresql:")
            ? Map.of(
                "db-scheduler.polling-strategy",
                "lock_and_fetch",
                "db-scheduler.polling-strategy-upper-limit-fraction-of-threads",
                "1.0",
                "spring.datasource.hikari.data-source-properties.reWriteBatchedInserts",
                "true")
            : Map.of("db-scheduler.polling-strategy", "fetch");
    environment.getPropertySources().addLast(new MapPropertySource("storekeeperDerived", derived));
    if (url.startsWith("jdbc:h2:")) {
      if (System.getProperty("h2.bindAddress") == null) {
        System.setProperty("h2.bindAddress", "127.0.0.1");
      }
      if (System.getProperty("h2.allowedClasses") == null) {
        // H2's own classes, and the trigger that keeps the statistics' totals (V11)
        System.setProperty("h2.allowedClasses", H2_ALLOWED_CLASSES);
      }
    }
  }
}
