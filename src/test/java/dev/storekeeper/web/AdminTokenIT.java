package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Without ADMIN_TOKEN the first start generates a private token in DATA_DIR; only its path is
 * logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminTokenIT {

  @Test
  void withoutAdminTokenAPrivateTokenIsGeneratedKeptAcrossRestartsAndOnlyItsPathLogged(
      CapturedOutput output) throws Exception {
    Path dataDir = RunningApp.tempDataDir("storekeeper-token").toRealPath();
    Map<String, String> settings = new HashMap<>(RunningApp.onH2(dataDir));
    settings.put("ADMIN_TOKEN", "");
    Path file = dataDir.resolve("admin-token");
    String token;

    try (RunningApp app = RunningApp.start(settings)) {
      assertThat(file).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      token = Files.readString(file).strip();
      assertThat(token).hasSizeGreaterThanOrEqualTo(40);
      Http http = app.http();
      assertThat(http.get("/cleanup/stats", "Authorization", "Bearer " + token).status())
          .isEqualTo(200);
      assertThat(
              http.get("/cleanup/stats", "Authorization", "Bearer " + StorekeeperIT.ADMIN_TOKEN)
                  .status())
          .isEqualTo(403);
      assertThat(http.get("/cleanup/stats").status()).isEqualTo(401);
    }
    assertThat(output.getAll())
        .contains(file.toString())
        .doesNotContain(token)
        .doesNotContain("generated security password");
    try (var stray = Files.list(dataDir)) {
      assertThat(stray.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.startsWith(".admin-token-"));
    }

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (RunningApp restarted = RunningApp.start(settings)) {
      assertThat(Files.readString(file).strip()).isEqualTo(token);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
      assertThat(
              restarted.http().get("/cleanup/stats", "Authorization", "Bearer " + token).status())
          .isEqualTo(200);
    }
    assertThat(output.getAll()).doesNotContain(token);
  }
}
