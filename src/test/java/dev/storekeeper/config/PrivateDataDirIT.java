package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, section 1, as a local attacker tries it: the service runs from the built jar under
 * umask 000 (every file it does not narrow would be world-writable), takes an upload and processes
 * it; then the unprivileged account {@code nobody} can neither list nor read anything under
 * DATA_DIR, and its JDBC connections to the embedded database's AUTO_SERVER — with the port and key
 * read from the lock file, which it could not read itself — are refused without the password and
 * with a wrong one.
 *
 * <p>The tests run as root here and in CI; {@code runuser} drops to {@code nobody}.
 */
class PrivateDataDirIT {

  private static final Set<PosixFilePermission> GROUP_OR_OTHER =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  @Test
  void nothingUnderDataDirIsReachableByAnotherAccountAndItsDatabaseRefusesThem() throws Exception {
    Path parent = RunningApp.tempDataDir("storekeeper-private");
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path dataDir = parent.resolve("data");
    assertThat(asNobody("ls", parent.toString()).exitCode())
        .as("nobody can reach DATA_DIR's parent: a refusal below is DATA_DIR's own doing")
        .isZero();

    UploadedJob job;
    try (ServiceProcess service =
        ServiceProcess.start(
            parent,
            Map.of(
                "DATA_DIR",
                dataDir.toString(),
                "SERVER_PORT",
                "0",
                "ADMIN_TOKEN",
                StorekeeperIT.ADMIN_TOKEN,
                "CLEANUP_ENABLED",
                "false",
                "STORAGE_MIN_FREE_MB",
                "0",
                "ENV_FILE",
                parent.resolve("no-such.env").toString()),
            "000")) {
      Http http = new Http(service.awaitPort());
      String id = upload(http);
      job =
          new UploadedJob(
              dataDir.resolve("uploads").resolve(id + "_scan.csv"),
              dataDir.resolve("outputs").resolve(id));
      assertThat(job.upload()).exists();
      assertThat(job.outputDir()).isDirectory();

      List<Path> everything = everythingUnder(dataDir);
      assertThat(everything)
          .contains(
              dataDir.resolve("db.mv.db"),
              dataDir.resolve("db.lock.db"),
              dataDir.resolve("db-password"),
              dataDir.resolve("db-admin-password"),
              dataDir.resolve("uploads"),
              dataDir.resolve("outputs"),
              dataDir.resolve(".spool"));
      // the job's upload and its processed output tree included, whatever the umask
      assertThat(everything)
          .allSatisfy(
              path ->
                  assertThat(PosixFilePermissions.toString(permissions(path)))
                      .as("mode of %s", path)
                      .matches("r[w-][x-]------"));

      assertThat(asNobody("ls", dataDir.toString()).exitCode()).isNotZero();
      Result readable = asNobody(readableByNobody(everything));
      assertThat(readable.output()).as("paths nobody can read or list").isEmpty();

      Properties lock = new Properties();
      try (InputStream in = Files.newInputStream(dataDir.resolve("db.lock.db"))) {
        lock.load(in);
      }
      String server = lock.getProperty("server");
      String port = server.substring(server.lastIndexOf(':') + 1);
      assertThat(listeningAddresses(Integer.parseInt(port)))
          .as("the AUTO_SERVER listens on loopback only")
          .isNotEmpty()
          .allSatisfy(address -> assertThat(address).isIn("0100007F", LOOPBACK_V4_IN_V6));
      String url = "jdbc:h2:tcp://127.0.0.1:" + port + "/" + lock.getProperty("id");
      Path probe = jdbcProbe();
      try {
        String password = Files.readString(dataDir.resolve("db-password")).strip();

        for (String[] credentials :
            new String[][] {
              {"", ""}, {"sa", ""}, {"storekeeper", ""}, {"storekeeper", "wrong"}, {"", "wrong"}
            }) {
          assertThat(asNobody(probeCommand(probe, url, credentials[0], credentials[1])).output())
              .as("nobody connecting as '%s' / '%s'", credentials[0], credentials[1])
              .startsWith("REFUSED 28000");
        }
        assertThat(asNobody(probeCommand(probe, url, "storekeeper", password)).output())
            .as("the probe does connect when it is given what only the service user can read")
            .startsWith("CONNECTED");
      } finally {
        deleteTree(probe);
      }
    }
  }

  private static final String LOOPBACK_V4_IN_V6 = "0000000000000000FFFF00000100007F";

  record UploadedJob(Path upload, Path outputDir) {}

  /** Uploads a file and waits until its job is processed; returns the job id. */
  private static String upload(Http http) {
    Http.Response created =
        http.upload("file", "scan.csv", "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> http.get("/jobs/" + id),
            answer -> answer.json().get("status").asText().equals("completed"));
    return id;
  }

  private static List<Path> everythingUnder(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.toList();
    }
  }

  private static Set<PosixFilePermission> permissions(Path path) {
    try {
      return Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One shell run as nobody that prints every path it can read (files) or list (directories). */
  private static List<String> readableByNobody(List<Path> paths) {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "sh",
            "-c",
            "for p in \"$@\"; do"
                + " if [ -d \"$p\" ]; then ls \"$p\" >/dev/null 2>&1 && echo \"listed $p\";"
                + " else cat \"$p\" >/dev/null 2>&1 && echo \"read $p\"; fi;"
                + " [ -r \"$p\" ] && echo \"readable $p\"; done; true",
            "sh"));
    paths.forEach(path -> command.add(path.toString()));
    return command;
  }

  /** The listening sockets on {@code port}, as the kernel shows their local address. */
  private static List<String> listeningAddresses(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    List<String> addresses = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 3 && fields[1].endsWith(hexPort) && fields[3].equals("0A")) {
          addresses.add(fields[1].substring(0, fields[1].indexOf(':')).toUpperCase(Locale.ROOT));
        }
      }
    }
    return addresses;
  }

  /** The H2 driver and a tiny client, copied where nobody can read them. */
  private static Path jdbcProbe() throws Exception {
    Path dir = Files.createTempDirectory("h2-probe");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path jar =
        Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Files.copy(jar, dir.resolve("h2.jar"));
    Files.writeString(
        dir.resolve("Probe.java"),
        """
        import java.sql.*;
        public class Probe {
          public static void main(String[] a) {
            try (Connection c = DriverManager.getConnection(a[0], a[1], a[2])) {
              System.out.println("CONNECTED");
            } catch (SQLException e) {
              System.out.println("REFUSED " + e.getErrorCode() + " " + e.getMessage());
            }
          }
        }
        """);
    for (String name : List.of("h2.jar", "Probe.java")) {
      Files.setPosixFilePermissions(
          dir.resolve(name), PosixFilePermissions.fromString("rw-r--r--"));
    }
    return dir;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static List<String> probeCommand(Path probe, String url, String user, String password) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:-UsePerfData",
        "-cp",
        probe.resolve("h2.jar").toString(),
        probe.resolve("Probe.java").toString(),
        url,
        user,
        password);
  }

  record Result(int exitCode, String output) {}

  private static Result asNobody(String... command) throws Exception {
    return asNobody(List.of(command));
  }

  private static Result asNobody(List<String> command) throws Exception {
    List<String> full = new ArrayList<>(List.of("runuser", "-u", "nobody", "--"));
    full.addAll(command);
    Process process =
        new ProcessBuilder(full)
            .directory(Path.of("/").toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output.strip());
  }
}
