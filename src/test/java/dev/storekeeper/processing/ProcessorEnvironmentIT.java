package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.storekeeper.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11, section 2: a processor sees none of the service's secrets. Today {@code env > out.txt}
 * in a processor publishes the admin token through the output download. The service runs as its own
 * process here, with secrets in its real environment.
 */
@DisabledOnOs(OS.WINDOWS)
class ProcessorEnvironmentIT {

  private static final String ADMIN_TOKEN = "admin-token-that-must-not-leak-0123456789";
  private static final String DB_PASSWORD = "datasource-password-that-must-not-leak";
  private static final String[] AUTH = {"Authorization", "Bearer " + ADMIN_TOKEN};

  /** What {@code sh} adds to any environment it runs with. */
  private static final Set<String> SHELL_OWN = Set.of("PWD", "OLDPWD", "SHLVL", "_");

  @TempDir Path workDir;

  private Map<String, String> serviceEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    env.put("HOME", workDir.toString());
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    env.put("TMPDIR", workDir.toString());
    env.put("DATA_DIR", workDir.resolve("data").toString());
    env.put("SERVER_PORT", "0");
    env.put("CLEANUP_ENABLED", "false");
    env.put("STORAGE_MIN_FREE_MB", "0");
    env.put("PROCESSOR", "command");
    env.put("PROCESSOR_COMMAND", "sh -c 'env > {output_dir}/env.txt'");
    env.put("ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("SPRING_DATASOURCE_PASSWORD", DB_PASSWORD);
    env.put("PIPELINE_MODE", "listed-and-passed");
    env.put("UNLISTED_SETTING", "not-listed-so-not-passed");
    env.put("PROCESSOR_ENV", "PIPELINE_MODE, NOT_SET_ANYWHERE");
    return env;
  }

  @Test
  void theProcessorSeesOnlyTheBasicVariablesAndThoseListedInProcessorEnv() throws Exception {
    try (ServiceProcess service = ServiceProcess.start(workDir, serviceEnvironment())) {
      int port = service.awaitStarted();
      Http http = new Http(port);

      String id = upload(http, port);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> !status(http, id).matches("pending|running"));

      assertThat(status(http, id)).as(service.output()).isEqualTo("completed");
      String env = Files.readString(workDir.resolve("data/outputs").resolve(id).resolve("env.txt"));
      Map<String, String> seen =
          env.lines()
              .filter(line -> line.contains("="))
              .collect(
                  Collectors.toMap(
                      line -> line.substring(0, line.indexOf('=')),
                      line -> line.substring(line.indexOf('=') + 1),
                      (a, b) -> b));
      assertThat(seen)
          .containsEntry("PATH", serviceEnvironment().get("PATH"))
          .containsEntry("HOME", workDir.toString())
          .containsEntry("LANG", "C.UTF-8")
          .containsEntry("LC_ALL", "C.UTF-8")
          .containsEntry("TMPDIR", workDir.toString())
          .containsEntry("PIPELINE_MODE", "listed-and-passed")
          .doesNotContainKeys(
              "ADMIN_TOKEN",
              "SPRING_DATASOURCE_PASSWORD",
              "UNLISTED_SETTING",
              "NOT_SET_ANYWHERE",
              "DATA_DIR",
              "PROCESSOR_COMMAND",
              "PROCESSOR_ENV");
      assertThat(seen.keySet())
          .allMatch(
              name ->
                  Set.of("PATH", "HOME", "LANG", "TMPDIR", "PIPELINE_MODE").contains(name)
                      || name.startsWith("LC_")
                      || SHELL_OWN.contains(name),
              "only allowed names");
      assertThat(env).doesNotContain(ADMIN_TOKEN).doesNotContain(DB_PASSWORD);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "ADMIN_TOKEN => PROCESSOR_ENV must not list ADMIN_TOKEN",
        "PIPELINE_MODE,SPRING_DATASOURCE_PASSWORD => must not list SPRING_DATASOURCE_PASSWORD",
        "db_password => must not list db_password",
        "PIPELINE-MODE => PROCESSOR_ENV must be variable names separated by commas",
      })
  void startupFailsNamingProcessorEnvWhenItListsASecretOrABadName(String value, String message)
      throws Exception {
    Map<String, String> env = serviceEnvironment();
    env.put("PROCESSOR_ENV", value);

    try (ServiceProcess service = ServiceProcess.start(workDir, env)) {
      int exitCode = service.awaitExit();

      assertThat(exitCode).isNotZero();
      assertThat(service.output()).contains(message).doesNotContain("started on port");
    }
  }

  private static String upload(Http http, int port) {
    String boundary = "----storekeeper-env";
    String body =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\""
            + "\r\nContent-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--"
            + boundary
            + "--\r\n";
    Http.Response created =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)),
            AUTH);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  private static String status(Http http, String id) {
    return http.get("/jobs/" + id, AUTH).json().get("status").asText();
  }
}
