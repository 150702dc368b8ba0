package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** Issue 11, section 7: every start says, in one line, what the service will do. */
@ExtendWith(OutputCaptureExtension.class)
class EffectiveSettingsIT {

  private static String policyLine(CapturedOutput log) {
    return log.getAll()
        .lines()
        .filter(line -> line.contains("Effective settings: "))
        .reduce((first, second) -> second)
        .orElseThrow(() -> new AssertionError("no policy line in:\n" + log.getAll()));
  }

  @Test
  void statesRetentionScheduleDirectoriesDatabaseAddressAndAuthWithoutSecrets(CapturedOutput log)
      throws Exception {
    Path dataDir = RunningApp.tempDataDir("storekeeper-policy").toRealPath();
    Map<String, String> settings = new HashMap<>(RunningApp.onH2(dataDir));
    settings.put("RETENTION_COMPLETED_DAYS", "60");
    settings.put("RETENTION_FAILED_DAYS", "3");
    settings.put("ORPHAN_GRACE_HOURS", "12");
    settings.put("CLEANUP_ENABLED", "true");
    settings.put("CLEANUP_INTERVAL_HOURS", "6");
    int port;

    try (RunningApp app = RunningApp.start(settings)) {
      port = app.port();
    }

    String line = policyLine(log);
    assertThat(line)
        .contains(" INFO ")
        .contains(
            "Effective settings: retention completed 60 d, failed 3 d, cancelled 3 d; orphan"
                + " grace 12 h; scheduled cleanup every 6 h, next run 20")
        .contains(
            "; data %s (uploads %s, outputs %s); "
                .formatted(dataDir, dataDir.resolve("uploads"), dataDir.resolve("outputs")))
        .contains("; database H2 embedded, " + dataDir.resolve("db") + ";")
        .contains("; listening on 127.0.0.1 port " + port + " (loopback only);")
        .contains(
            "; admin token from ADMIN_TOKEN; job endpoints anonymous (the service listens on"
                + " loopback only)")
        .doesNotContain(StorekeeperIT.ADMIN_TOKEN)
        .doesNotContain(Files.readString(dataDir.resolve("db-password")).strip());
  }

  @Test
  void namesTheFilesTheAdminTokenAndSettingsComeFrom(CapturedOutput log) throws Exception {
    Path dataDir = RunningApp.tempDataDir("storekeeper-policy").toRealPath();
    Map<String, String> settings = new HashMap<>(RunningApp.onH2(dataDir));
    settings.put("ADMIN_TOKEN", "");
    settings.put("ENV_FILE", dataDir.resolve("storekeeper.env").toString());
    settings.put("server.address", "127.0.0.1");

    try (RunningApp app = RunningApp.start(settings)) {
      assertThat(app.port()).isPositive();
    }

    assertThat(policyLine(log))
        .contains("scheduled cleanup off (CLEANUP_ENABLED=false)")
        .contains("settings file " + dataDir.resolve("storekeeper.env") + " (absent)")
        .contains("listening on 127.0.0.1 port ")
        .contains("(loopback only)")
        .contains("admin token from " + dataDir.resolve("admin-token"))
        .doesNotContain(Files.readString(dataDir.resolve("admin-token")).strip());
  }
}
