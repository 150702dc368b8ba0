package dev.storekeeper.cli;

import dev.storekeeper.cleanup.CapacityProperties;
import dev.storekeeper.cleanup.CleanupProperties;
import dev.storekeeper.cleanup.CleanupService;
import dev.storekeeper.cleanup.PlanProperties;
import dev.storekeeper.config.EmbeddedDatabaseSetup;
import dev.storekeeper.imports.NeuroInsightImport;
import dev.storekeeper.jobs.JobRepository;
import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import java.time.Clock;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;

/**
 * The application context of the operator commands: the cleanup, jobs and storage beans and only
 * the auto-configurations they use (data source, JDBC, transactions, Jackson), started without a
 * web server, security, actuator, API docs or the scheduler; Flyway only when the database needs
 * migrating ({@link Migrations}). It reads the same configuration as the service ({@code
 * application.properties}, {@code .env}, the environment), plus {@code application-cli.properties},
 * and connects to the embedded database with the same credentials ({@link EmbeddedDatabaseSetup}).
 *
 * <p>Deliberately not a {@code @Configuration}: the service's component scan covers this package
 * and must not pick it up. It is only ever a primary source of {@link CliContext}.
 */
@ImportAutoConfiguration({
  PropertyPlaceholderAutoConfiguration.class,
  ConfigurationPropertiesAutoConfiguration.class,
  DataSourceAutoConfiguration.class,
  DataSourceTransactionManagerAutoConfiguration.class,
  TransactionAutoConfiguration.class,
  JdbcTemplateAutoConfiguration.class,
  JdbcClientAutoConfiguration.class,
  JacksonAutoConfiguration.class
})
@ComponentScan(
    basePackageClasses = {
      CleanupService.class,
      JobRepository.class,
      StorageLayout.class,
      NeuroInsightImport.class
    },
    excludeFilters =
        @ComponentScan.Filter(
            type = FilterType.REGEX,
            pattern = {
              // uploads (needs the processing queue), the recurring task, the health indicator,
              // the Prometheus meters (no registry without the actuator)
              "dev\\.storekeeper\\.jobs\\.JobService",
              "dev\\.storekeeper\\.cleanup\\.CleanupMetrics",
              "dev\\.storekeeper\\.jobs\\.JobController",
              "dev\\.storekeeper\\.cleanup\\.CleanupTask",
              "dev\\.storekeeper\\.cleanup\\.CapacityTask",
              "dev\\.storekeeper\\.storage\\.StorageHealthIndicator"
            }))
@EnableConfigurationProperties({
  CleanupProperties.class,
  PlanProperties.class,
  CapacityProperties.class,
  StorageProperties.class,
  dev.storekeeper.storage.s3.ObjectStorageProperties.class
})
@Import(EmbeddedDatabaseSetup.class)
class CliApplication {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
