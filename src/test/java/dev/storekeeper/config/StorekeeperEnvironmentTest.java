package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Issue 7, case 4 (several nodes): on PostgreSQL a node locks no more executions than it has
 * threads. With the starter's default (3 x threads) a locked execution could wait in a busy node's
 * queue without a heartbeat until it was declared dead and revived on another node: the reliability
 * suite's nodes case logged a live job's execution found dead and its completion failing with
 * "Expected one execution to be removed, but removed 0".
 */
class StorekeeperEnvironmentTest {

  static StandardEnvironment configured(Map<String, Object> settings) {
    StandardEnvironment environment = new StandardEnvironment();
    environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
    new StorekeeperEnvironment().postProcessEnvironment(environment, new SpringApplication());
    return environment;
  }

  @Test
  void onPostgresLocksAtMostOneExecutionPerThread() {
    StandardEnvironment environment =
        configured(Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/x"));

    assertThat(environment.getProperty("db-scheduler.polling-strategy"))
        .isEqualTo("lock_and_fetch");
    assertThat(
            environment.getProperty(
                "db-scheduler.polling-strategy-upper-limit-fraction-of-threads", Double.class))
        .isEqualTo(1.0);
    assertThat(
            environment.getProperty(
                "spring.datasource.hikari.data-source-properties.reWriteBatchedInserts"))
        .isEqualTo("true");
  }

  @Test
  void onH2FetchesAndLeavesTheLimitsAlone() {
    StandardEnvironment environment =
        configured(Map.of("spring.datasource.url", "jdbc:h2:file:./data/db"));

    assertThat(environment.getProperty("db-scheduler.polling-strategy")).isEqualTo("fetch");
    assertThat(
            environment.getProperty(
                "db-scheduler.polling-strategy-upper-limit-fraction-of-threads"))
        .isNull();
  }

  @Test
  void anExplicitSettingWins() {
    StandardEnvironment environment =
        configured(
            Map.of(
                "spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/x",
                "db-scheduler.polling-strategy-upper-limit-fraction-of-threads", "2.0"));

    assertThat(
            environment.getProperty(
                "db-scheduler.polling-strategy-upper-limit-fraction-of-threads", Double.class))
        .isEqualTo(2.0);
  }

  /**
   * Issue 11, section 1: a client of the embedded database's AUTO_SERVER cannot have H2 load a
   * class of its choosing ({@code CREATE ALIAS ... FOR "java.lang.Runtime.exec"}).
   */
  @Test
  void onH2LetsTheDatabaseLoadOnlyItsOwnClassesAndListenOnLoopback() {
    String allowed = System.clearProperty("h2.allowedClasses");
    String bind = System.clearProperty("h2.bindAddress");
    try {
      configured(Map.of("spring.datasource.url", "jdbc:h2:file:./data/db"));

      assertThat(System.getProperty("h2.allowedClasses"))
          .isEqualTo("org.h2.*,dev.storekeeper.jobs.JobTotalsTrigger");
      assertThat(System.getProperty("h2.bindAddress")).isEqualTo("127.0.0.1");
    } finally {
      restore("h2.allowedClasses", allowed);
      restore("h2.bindAddress", bind);
    }
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }
}
