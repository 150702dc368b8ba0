package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import dev.storekeeper.jobs.Sql;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * {@code /health} in bad times, each on an application started for the purpose: the database
 * unreachable (PostgreSQL behind a proxy the test cuts), and free disk space below the minimum.
 */
class HealthIT {

  /** Details (what failed and why) are shown to the admin only. */
  private static final String[] ADMIN = {"Authorization", "Bearer " + StorekeeperIT.ADMIN_TOKEN};

  @Test
  void answersQuicklyWith503AndDetailsWhileTheDatabaseIsUnreachable() {
    String database = System.getenv().getOrDefault("STOREKEEPER_TEST_PG_DB", "storekeeper_test");
    try (TcpProxy proxy = new TcpProxy(5432);
        RunningApp app =
            RunningApp.start(
                Map.of(
                    "DATA_DIR", RunningApp.tempDataDir("storekeeper-health").toString(),
                    "spring.datasource.url",
                        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + database,
                    "spring.datasource.username", "postgres",
                    "spring.datasource.password", "",
                    "logging.level.com.zaxxer.hikari", "OFF",
                    "logging.level.com.github.kagkarlsson", "OFF"))) {
      Http http = app.http();
      assertThat(http.get("/health").status()).isEqualTo(200);

      proxy.cut();
      long start = System.nanoTime();
      Http.Response down = http.get("/health", ADMIN);
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(down.status()).isEqualTo(503);
      JsonNode body = down.json();
      assertThat(body.path("status").asString()).isEqualTo("DOWN");
      assertThat(body.path("components").path("db").path("status").asString()).isEqualTo("DOWN");
      // either the error, or the validation that failed on a connection the cut broke
      assertThat(body.path("components").path("db").path("details").isEmpty()).isFalse();
      assertThat(body.path("components").path("cleanup").path("status").asString())
          .isEqualTo("DOWN");
      assertThat(body.path("components").path("storage").path("status").asString()).isEqualTo("UP");
      long again = System.nanoTime();
      assertThat(http.get("/actuator/health").status()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(5));

      proxy.restore();
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> http.get("/health").status() == 200);
    }
  }

  @Test
  void isOutOfServiceWhenFreeSpaceIsBelowTheMinimumWhichOutranksAnOverdueSchedule() {
    Path dataDir = RunningApp.tempDataDir("storekeeper-disk");
    Map<String, String> settings = new java.util.HashMap<>(RunningApp.onH2(dataDir));
    settings.put("STORAGE_MIN_FREE_MB", "1000000000");
    settings.put("CLEANUP_ENABLED", "true");
    try (RunningApp app = RunningApp.start(settings)) {
      JdbcClient jdbc = app.bean(JdbcClient.class);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  jdbc.sql(
                              "select count(*) from scheduled_tasks where task_name = 'run_cleanup'"
                                  + " and last_success is not null")
                          .query(Long.class)
                          .single()
                      > 0);
      jdbc.sql("delete from cleanup_items").update();
      jdbc.sql("delete from cleanup_runs").update();
      jdbc.sql(
              """
              insert into cleanup_runs (id, "trigger", parameters, dry_run, node, started_at,
                                        finished_at, outcome)
              values (:id, 'schedule', '{}', false, 'node-a:1', :started, :started, 'succeeded')
              """)
          .param("id", UUID.randomUUID())
          .param("started", Sql.ts(Instant.now().minus(Duration.ofDays(3))))
          .update();

      Http.Response health = app.http().get("/health", ADMIN);

      assertThat(health.status()).isEqualTo(503);
      JsonNode body = health.json();
      assertThat(body.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
      JsonNode storage = body.path("components").path("storage");
      assertThat(storage.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
      assertThat(storage.path("details").path("problem").asString())
          .contains("STORAGE_MIN_FREE_MB");
      assertThat(storage.path("details").path("min_free_bytes").asLong())
          .isEqualTo(1_000_000_000L * 1024 * 1024);
      assertThat(body.path("components").path("cleanup").path("status").asString())
          .isEqualTo("WARN");
      assertThat(app.http().get("/actuator/health").status()).isEqualTo(503);
    }
  }

  /**
   * Forwards a local port to PostgreSQL until cut: then every connection drops and new ones are
   * refused.
   */
  static final class TcpProxy implements AutoCloseable {
    private final int target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "tcp-proxy");
              thread.setDaemon(true);
              return thread;
            });
    private volatile ServerSocket server;
    private boolean cutOff;

    TcpProxy(int target) {
      this.target = target;
      this.server = listen(0);
      this.port = server.getLocalPort();
      accept(server);
    }

    int port() {
      return port;
    }

    /** Drops every connection and refuses new ones, including one being accepted right now. */
    synchronized void cut() {
      cutOff = true;
      close(server);
      open.forEach(TcpProxy::close);
      open.clear();
    }

    synchronized void restore() {
      cutOff = false;
      server = listen(port);
      accept(server);
    }

    /** Keeps a socket open until the next cut; closes it at once if the proxy is cut off. */
    private synchronized boolean register(Socket socket) {
      if (cutOff) {
        close(socket);
        return false;
      }
      open.add(socket);
      return true;
    }

    private static ServerSocket listen(int port) {
      try {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private void accept(ServerSocket listening) {
      threads.execute(
          () -> {
            while (!listening.isClosed()) {
              Socket client;
              try {
                client = listening.accept();
              } catch (IOException closed) {
                continue; // cut: the loop ends
              }
              if (!register(client)) {
                continue;
              }
              try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                if (register(upstream)) {
                  pump(client, upstream);
                  pump(upstream, client);
                } else {
                  close(client);
                }
              } catch (IOException refused) {
                close(client);
              }
            }
          });
    }

    private void pump(Socket from, Socket to) {
      threads.execute(
          () -> {
            try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
              in.transferTo(out);
            } catch (IOException dropped) {
              // either side closed
            } finally {
              close(from);
              close(to);
            }
          });
    }

    private static void close(java.io.Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    @Override
    public void close() {
      cut();
      threads.shutdownNow();
    }
  }
}
