package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 7, case 5: a data directory that is itself a symbolic link is resolved once, at start. */
class StorageLayoutTest {

  @TempDir Path tmp;

  static StorageProperties dataDir(Path dir) {
    return new StorageProperties(dir.toString(), null, null, 1000L, 0L);
  }

  @Test
  void resolvesADataDirectoryThatIsALinkOnceAndKeepsItWhenTheLinkIsSwapped() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("volume/real"));
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path link = Files.createSymbolicLink(tmp.resolve("data"), real);

    StorageLayout layout = new StorageLayout(dataDir(link));
    Files.delete(link);
    Files.createSymbolicLink(link, elsewhere);

    assertThat(layout.dataDir()).isEqualTo(real.toRealPath());
    assertThat(layout.uploadsRoot()).isEqualTo(real.toRealPath().resolve("uploads"));
    assertThat(layout.outputsRoot()).isEqualTo(real.toRealPath().resolve("outputs"));
    assertThat(real.resolve("uploads")).isDirectory();
    assertThat(elsewhere).isEmptyDirectory();
  }

  @Test
  void neverMakesAStoredNameThatLeavesTheUploadsDirectory() {
    for (String hostile :
        new String[] {
          "../../etc/passwd",
          "/abs/x",
          "..\\..\\win.ini",
          "a\0b",
          "line\nbreak",
          "\u202eexe.csv",
          "..",
          ".",
          "",
          null,
          "x".repeat(10_000)
        }) {
      String name = StorageLayout.safeName(hostile);
      assertThat(name)
          .as(String.valueOf(hostile))
          .isNotEmpty()
          .doesNotContain("/", "\\", "\0", "\n")
          .doesNotStartWith(".");
      assertThat(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(201);
    }
  }
}
