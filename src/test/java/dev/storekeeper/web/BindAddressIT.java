package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 11, section 4: the service listens on loopback unless told otherwise, and never on the
 * network with the job endpoints open to anyone unless that is asked for in so many words. Each
 * case starts the application for the purpose.
 */
@ExtendWith(OutputCaptureExtension.class)
class BindAddressIT {

  static final String API_TOKEN = "api-token-for-bind-tests-0123456789abcdef";

  private static Map<String, String> settings(String... pairs) {
    Path dataDir = RunningApp.tempDataDir("storekeeper-bind");
    Map<String, String> settings = new HashMap<>(RunningApp.onH2(dataDir));
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      settings.put(pairs[i], pairs[i + 1]);
    }
    return settings;
  }

  @Test
  void listensOnLoopbackByDefaultWithTheJobEndpointsOpenToLocalClients() {
    try (RunningApp app = RunningApp.start(settings())) {
      assertThat(app.listeningAddress()).isNotNull();
      assertThat(app.listeningAddress().isLoopbackAddress()).isTrue();
      assertThat(app.listeningAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(app.http().get("/jobs").status()).isEqualTo(200);
    }
  }

  @Test
  void refusesToStartOnAllInterfacesWithoutAnApiTokenBeforeOpeningTheDatabase(
      CapturedOutput output) {
    Map<String, String> settings = settings("SERVER_ADDRESS", "0.0.0.0");
    Path dataDir = Path.of(settings.get("DATA_DIR"));

    assertThatThrownBy(() -> RunningApp.start(settings).close())
        .satisfies(
            e -> assertThat(refusal(e)).contains("API_TOKEN is not set").contains("0.0.0.0"));
    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("API_TOKEN")
        .contains("ALLOW_ANONYMOUS_JOBS=true");
    assertThat(dataDir.resolve("db.mv.db")).doesNotExist();
  }

  @Test
  void anEmptyServerAddressMeansAllInterfacesAndIsRefusedLikeThem() {
    assertThatThrownBy(() -> RunningApp.start(settings("SERVER_ADDRESS", "")).close())
        .satisfies(e -> assertThat(refusal(e)).contains("all interfaces").contains("API_TOKEN"));
  }

  @Test
  void startsOnAllInterfacesWhenAnonymousJobsAreAllowedOnPurposeAndSaysSo(CapturedOutput output) {
    try (RunningApp app =
        RunningApp.start(settings("SERVER_ADDRESS", "0.0.0.0", "ALLOW_ANONYMOUS_JOBS", "true"))) {
      assertThat(app.listeningAddress().isAnyLocalAddress()).isTrue();
      assertThat(app.http().get("/jobs").status()).isEqualTo(200);
    }
    assertThat(output.getAll()).contains("WARN").contains("ALLOW_ANONYMOUS_JOBS=true: anyone");
  }

  @Test
  void startsOnAllInterfacesWithAnApiTokenAndThenTheJobEndpointsNeedIt() {
    try (RunningApp app =
        RunningApp.start(settings("SERVER_ADDRESS", "0.0.0.0", "API_TOKEN", API_TOKEN))) {
      Http http = app.http();
      assertThat(app.listeningAddress().isAnyLocalAddress()).isTrue();
      assertThat(http.get("/jobs").status()).isEqualTo(401);
      assertThat(http.get("/jobs", "Authorization", "Bearer " + API_TOKEN).status()).isEqualTo(200);
      assertThat(http.get("/health").status()).isEqualTo(200);
    }
  }

  @Test
  void anApiTokenEqualToTheAdminTokenIsRefused() {
    assertThatThrownBy(
            () -> RunningApp.start(settings("API_TOKEN", StorekeeperIT.ADMIN_TOKEN)).close())
        .satisfies(
            e -> assertThat(refusal(e)).contains("API_TOKEN is the same as the admin token"));
  }

  @Test
  void anAllowedOriginThatIsNotAnOriginStopsStartupNamingTheVariable(CapturedOutput output) {
    assertThatThrownBy(
            () ->
                RunningApp.start(settings("CORS_ALLOWED_ORIGINS", "https://app.example.com/ui"))
                    .close())
        .satisfies(
            e ->
                assertThat(refusal(e))
                    .contains("CORS_ALLOWED_ORIGINS")
                    .contains("https://app.example.com/ui"));
    assertThat(output.getAll()).contains("scheme://host");
  }

  /** The message of the refusal somewhere in the start-up failure's causes. */
  private static String refusal(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StartupRefusedException) {
        return cause.getMessage();
      }
    }
    throw new AssertionError("no StartupRefusedException in", failure);
  }
}
