package dev.storekeeper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The application started by hand on a random port, for tests that cannot use Spring's test
 * support: jqwik properties, a database cut off mid-test, a first start without ADMIN_TOKEN. Like
 * {@link StorekeeperIT}: no {@code .env}, the automatic cleanup off, no free-space minimum.
 */
public final class RunningApp implements AutoCloseable {

  private final ConfigurableApplicationContext context;

  private RunningApp(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /** Settings for an app on an embedded H2 database inside {@code dataDir}. */
  public static Map<String, String> onH2(Path dataDir) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("DATA_DIR", dataDir.toString());
    settings.put(
        "spring.datasource.url",
        "jdbc:h2:file:"
            + dataDir.resolve("db")
            + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
    return settings;
  }

  /** Starts the application; {@code settings} override the test defaults. */
  public static RunningApp start(Map<String, String> settings) {
    Map<String, String> all = new LinkedHashMap<>();
    // a stray .env in the working directory must not be read
    all.put("ENV_FILE", "target/it/no-such.env");
    all.put("server.port", "0");
    all.put("CLEANUP_ENABLED", "false");
    all.put("STORAGE_MIN_FREE_MB", "0");
    all.put("ADMIN_TOKEN", StorekeeperIT.ADMIN_TOKEN);
    all.put("AUTH_FAILURES_PER_MINUTE", "1000000");
    all.put("db-scheduler.polling-interval", "200ms");
    all.put("logging.level.com.github.kagkarlsson", "WARN");
    all.putAll(settings);
    List<String> args = new ArrayList<>();
    all.forEach((key, value) -> args.add("--" + key + "=" + value));
    return new RunningApp(
        new SpringApplication(StorekeeperApplication.class).run(args.toArray(String[]::new)));
  }

  public int port() {
    return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  /** The address the HTTP connector listens on (null: all interfaces). */
  public InetAddress listeningAddress() {
    WebServer server = ((WebServerApplicationContext) context).getWebServer();
    return (InetAddress)
        ((TomcatWebServer) server).getTomcat().getConnector().getProperty("address");
  }

  public Http http() {
    return new Http(port());
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  @Override
  public void close() {
    context.close();
  }

  /** A fresh data directory under {@code target/it/apps}, so that {@code mvn clean} removes it. */
  public static Path tempDataDir(String prefix) {
    try {
      Path parent = Files.createDirectories(Path.of("target", "it", "apps"));
      return Files.createTempDirectory(parent, prefix).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
