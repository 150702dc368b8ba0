package dev.storekeeper.config;

import dev.storekeeper.storage.PrivateFiles;
import dev.storekeeper.storage.StorageLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.stereotype.Component;

/**
 * Gives the service's and the CLI's connections to the embedded H2 database their credentials
 * ({@link EmbeddedDatabaseCredentials}) unless the operator set {@code SPRING_DATASOURCE_PASSWORD},
 * and keeps H2's files private: H2 creates them with the process umask, so they are narrowed to
 * 0600 once the connection pool has opened the database. The lock file, which holds the
 * AUTO_SERVER's port and key, is created anew each time the database opens: the connection that
 * prepared the credentials keeps the database open until the pool has taken over, so that the file
 * narrowed is the one that stays.
 */
@Component
public class EmbeddedDatabaseSetup implements BeanPostProcessor, BeanFactoryAware {

  private BeanFactory beans;
  private Connection holding;
  private Path database;

  @Override
  public void setBeanFactory(BeanFactory beans) {
    this.beans = beans;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSourceProperties properties) {
      configure(properties);
    } else if (bean instanceof DataSource dataSource && database != null) {
      handOver(dataSource);
    }
    return bean;
  }

  private void configure(DataSourceProperties properties) {
    String url = properties.getUrl();
    if (!EmbeddedDatabaseCredentials.isEmbeddedFile(url)) {
      return;
    }
    // the data directory first: made private, and what an earlier version left open narrowed
    // (and logged) before the database is opened and H2 adds files of its own
    Path dataDir = beans.getBean(StorageLayout.class).dataDir();
    database = EmbeddedDatabaseCredentials.databasePath(url);
    narrowDatabaseFiles(database, PrivateFiles::narrow);
    if (properties.getPassword() != null) {
      return; // the operator's own credentials
    }
    if (properties.getUsername() != null) {
      throw new InvalidSettingsException(
          "SPRING_DATASOURCE_USERNAME is set but SPRING_DATASOURCE_PASSWORD is not: for the"
              + " embedded database set both, or neither (Storekeeper then keeps its own"
              + " credentials in DATA_DIR/db-password)");
    }
    EmbeddedDatabaseCredentials.Opened opened = EmbeddedDatabaseCredentials.open(url, dataDir);
    holding = opened.connection();
    properties.setUsername(opened.credentials().user());
    properties.setPassword(opened.credentials().password());
  }

  private void handOver(DataSource dataSource) {
    try (Connection pooled = dataSource.getConnection()) {
      // what existed before was narrowed, and logged, before the database was opened
      narrowDatabaseFiles(database, PrivateFiles::narrowNew);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot open the embedded database " + database, e);
    } finally {
      database = null;
      if (holding != null) {
        try {
          holding.close();
        } catch (SQLException ignored) {
          // the pool's connections keep the database open; this one is no longer needed
        }
        holding = null;
      }
    }
  }

  /** {@code db.mv.db}, {@code db.lock.db}, {@code db.trace.db} and whatever else H2 adds. */
  static void narrowDatabaseFiles(Path database, Consumer<Path> narrow) {
    if (!Files.isDirectory(database.getParent())) {
      return;
    }
    String prefix = database.getFileName() + ".";
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(database.getParent(), prefix + "*")) {
      for (Path file : files) {
        narrow.accept(file);
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot list the embedded database's directory", e);
    }
  }
}
