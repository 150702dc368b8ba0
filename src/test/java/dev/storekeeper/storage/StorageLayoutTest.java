package dev.storekeeper.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

class StorageLayoutTest {

  private static final UUID JOB = UUID.fromString("0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d");

  private static StorageProperties properties(Path dataDir, String uploadDir, String outputDir) {
    return new StorageProperties(dataDir.toString(), uploadDir, outputDir, 1000L, 0L, null);
  }

  @Nested
  class SafeName {

    @ParameterizedTest
    @CsvSource(
        delimiterString = "=>",
        value = {
          "report.csv => report.csv",
          "../../etc/passwd => passwd",
          "/etc/shadow => shadow",
          "..\\..\\windows\\system32\\cmd.exe => cmd.exe",
          "C:\\Users\\me\\Desktop\\data.xlsx => data.xlsx",
          "a/b\\c/d.txt => d.txt",
          "a\\b/c\\d.txt => d.txt",
        })
    void keepsOnlyTheLastSegmentOfEitherSeparator(String original, String expected) {
      assertThat(StorageLayout.safeName(original)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
        delimiterString = "=>",
        value = {
          ".bashrc => bashrc",
          "...hidden.txt => hidden.txt",
          "../.env => env",
          "a.b.c => a.b.c",
          "trailing. => trailing.",
          "-rf => rf",
          "--help.txt => help.txt",
          ".-.-x => x",
          "-.-.tar.gz => tar.gz",
        })
    void stripsLeadingDotsAndDashes(String original, String expected) {
      assertThat(StorageLayout.safeName(original)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          ".", "..", "...", "/", "\\", "dir/", "dir\\", "../..", "a/..", "./.", "-", "--", "___",
          "履歴書", "😀", " ", "\u202e", "$()"
        })
    @NullAndEmptySource
    void turnsNamesWithNoLetterOrDigitLeftIntoUpload(String original) {
      assertThat(StorageLayout.safeName(original)).isEqualTo("upload");
    }

    @ParameterizedTest
    @CsvSource(
        delimiterString = "=>",
        value = {
          "'x;touch${IFS}INJECTED;#.txt' => x_touch_IFS_INJECTED_.txt",
          "'a$(id)b.csv' => a_id_b.csv",
          "'a`id`b.csv' => a_id_b.csv",
          "'it''s \"quoted\".txt' => it_s_quoted_.txt",
          "'a&b|c>d<e.txt' => a_b_c_d_e.txt",
          "'a{b,c}*?[d].txt' => a_b_c_d_.txt",
          "'~user!x#y%z^=+@.txt' => _user_x_y_z_.txt",
        })
    void replacesShellSyntaxWithUnderscores(String original, String expected) {
      assertThat(StorageLayout.safeName(original)).isEqualTo(expected);
    }

    @Test
    void replacesNulAndControlCharacters() {
      assertThat(StorageLayout.safeName("a\0b\u0001c\u001fd\u007fe\u0085f\u009fg.txt"))
          .isEqualTo("a_b_c_d_e_f_g.txt");
    }

    @Test
    void replacesWhitespaceOfEveryKind() {
      assertThat(StorageLayout.safeName("my file\tname\nx\ry\u2028z\u3000.txt"))
          .isEqualTo("my_file_name_x_y_z_.txt");
    }

    @Test
    void replacesCharactersWindowsTreatsSpecially() {
      assertThat(StorageLayout.safeName("a:b*c?d\"e<f>g|h.txt")).isEqualTo("a_b_c_d_e_f_g_h.txt");
    }

    @ParameterizedTest
    @CsvSource(
        delimiterString = "=>",
        value = {
          "résumé.pdf => r_sum_.pdf",
          "履歴書.pdf => _.pdf",
          "отчёт-2024.csv => _-2024.csv",
          "😀 party.png => _party.png",
          "ﬁle.txt => _le.txt",
          "abc\u202Etxt.exe => abc_txt.exe",
        })
    void replacesEveryRunOfNonAsciiCharactersWithOneUnderscore(String original, String expected) {
      assertThat(StorageLayout.safeName(original)).isEqualTo(expected);
    }

    @Test
    void keepsUnderscoresTheClientSent() {
      assertThat(StorageLayout.safeName("a__b_.txt")).isEqualTo("a__b_.txt");
    }

    @Test
    void replacesUnpairedSurrogatesThatNoFileSystemCanStore() {
      assertThat(StorageLayout.safeName("a\uD800b\uDC00c.txt")).isEqualTo("a_b_c.txt");
    }

    @Test
    void keepsTheExtensionOfAVeryLongName() {
      String safe = StorageLayout.safeName("a".repeat(300) + ".tar.gz");

      assertThat(safe).endsWith("a.tar.gz").hasSize(200);
    }

    @Test
    void capsANameOfMultiByteCharactersAfterReplacingThem() {
      String safe = StorageLayout.safeName("é".repeat(50) + "x".repeat(300) + ".pdf");

      assertThat(safe).hasSize(200).endsWith("x.pdf");
    }

    @Test
    void keepsANameOfExactly200Characters() {
      String name = "x".repeat(196) + ".txt";

      assertThat(StorageLayout.safeName(name)).isEqualTo(name);
    }

    @Test
    void stripsDotsAndDashesThatTruncationBringsToTheFront() {
      String safe = StorageLayout.safeName("a".repeat(50) + ".-".repeat(125) + "txt");

      assertThat(safe).isEqualTo("txt");
    }

    @Test
    void producesNamesTheFileSystemAccepts(@TempDir Path dir) throws IOException {
      String[] originals = {
        "é".repeat(300) + ".csv",
        "a\uD800b",
        "../../x",
        "\0",
        "line\nbreak.txt",
        " x",
        "😀".repeat(99)
      };
      for (String original : originals) {
        UUID job = UUID.randomUUID();
        Path created = Files.createFile(dir.resolve(StorageLayout.uploadName(job, original)));

        assertThat(created.getParent()).isEqualTo(dir);
        assertThat(StorageLayout.jobIdOfUpload(created.getFileName().toString())).contains(job);
      }
    }
  }

  @Nested
  class EntryNames {

    @Test
    void readsTheJobIdOfAnUpload() {
      assertThat(StorageLayout.jobIdOfUpload(JOB + "_report.csv")).contains(JOB);
      assertThat(StorageLayout.jobIdOfUpload(StorageLayout.uploadName(JOB, "../x y.csv")))
          .contains(JOB);
      assertThat(StorageLayout.isTempUpload(JOB + "_report.csv")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "_my résumé (1).pdf",
          "_x;touch${IFS}INJECTED;#.txt",
          "_.hidden",
          "_-rf",
          "_a\u202Etxt.exe",
          "_履歴書.pdf"
        })
    void readsTheJobIdOfAnUploadStoredUnderAnOlderLooserName(String suffix) {
      assertThat(StorageLayout.jobIdOfUpload(JOB + suffix)).contains(JOB);
    }

    @Test
    void readsTheJobIdOfATemporaryUpload() {
      String temp = StorageLayout.tempUploadName(JOB);

      assertThat(temp).isEqualTo(".incoming-" + JOB + ".part");
      assertThat(StorageLayout.jobIdOfUpload(temp)).contains(JOB);
      assertThat(StorageLayout.isTempUpload(temp)).isTrue();
    }

    @Test
    void readsTheJobIdOfAnOutputDirectory() {
      assertThat(StorageLayout.jobIdOfOutput(JOB.toString())).contains(JOB);
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0B7E6A52-3F1C-4C2E-9D1A-5E8F7A6B4C3D_report.csv",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3dreport.csv",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d_",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3",
          "0b7e6a523f1c4c2e9d1a5e8f7a6b4c3d_report.csv",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3g_report.csv",
          "x0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d_report.csv",
          " 0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d_report.csv",
          ".incoming-0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d.part.bak",
          ".incoming-0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d",
          ".incoming-0B7E6A52-3F1C-4C2E-9D1A-5E8F7A6B4C3D.part",
          "incoming-0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d.part",
          "report.csv",
          "",
        })
    void recognisesNoJobIdInNamesWeNeverCreate(String name) {
      assertThat(StorageLayout.jobIdOfUpload(name)).isEmpty();
      assertThat(StorageLayout.isTempUpload(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
        strings = {
          "0B7E6A52-3F1C-4C2E-9D1A-5E8F7A6B4C3D",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d_report.csv",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d.old",
          "0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d\n",
          " 0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d",
          "0b7e6a523f1c4c2e9d1a5e8f7a6b4c3d",
          ".incoming-0b7e6a52-3f1c-4c2e-9d1a-5e8f7a6b4c3d.part",
          "",
        })
    void recognisesNoJobIdInOutputNamesWeNeverCreate(String name) {
      assertThat(StorageLayout.jobIdOfOutput(name)).isEmpty();
    }

    @Test
    void neverReadsAnUppercaseNameAsTheSameJob() {
      String upper = JOB.toString().toUpperCase(Locale.ROOT);

      assertThat(StorageLayout.jobIdOfOutput(upper)).isEmpty();
      assertThat(StorageLayout.jobIdOfUpload(upper + "_a.txt")).isEmpty();
    }
  }

  @Nested
  class Roots {

    @Test
    void putsUploadsOutputsAndSpoolInsideTheDataDirectory(@TempDir Path tmp) throws IOException {
      StorageLayout layout = new StorageLayout(properties(tmp.resolve("data"), "", null));
      Path data = tmp.resolve("data").toRealPath();

      assertThat(layout.dataDir()).isEqualTo(data);
      assertThat(layout.uploadsRoot()).isEqualTo(data.resolve("uploads")).isDirectory();
      assertThat(layout.outputsRoot()).isEqualTo(data.resolve("outputs")).isDirectory();
      assertThat(layout.spoolDir()).isEqualTo(data.resolve(".spool")).isDirectory();
      assertThat(layout.outputDir(JOB)).isEqualTo(data.resolve("outputs").resolve(JOB.toString()));
    }

    @Test
    void resolvesADataDirectoryThatIsASymbolicLinkOnce(@TempDir Path tmp) throws IOException {
      Path real = Files.createDirectory(tmp.resolve("real"));
      Path elsewhere = Files.createDirectory(tmp.resolve("elsewhere"));
      Path link = Files.createSymbolicLink(tmp.resolve("data"), real);

      StorageLayout layout = new StorageLayout(properties(link, null, null));
      Files.delete(link);
      Files.createSymbolicLink(link, elsewhere);

      assertThat(layout.dataDir()).isEqualTo(real.toRealPath());
      assertThat(layout.uploadsRoot()).isEqualTo(real.toRealPath().resolve("uploads"));
      assertThat(layout.outputsRoot()).isEqualTo(real.toRealPath().resolve("outputs"));
      assertThat(layout.outputDir(JOB).startsWith(real.toRealPath())).isTrue();
      assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void resolvesSymbolicLinksInsideTheConfiguredPath(@TempDir Path tmp) throws IOException {
      Path real = Files.createDirectories(tmp.resolve("volume/storekeeper"));
      Files.createSymbolicLink(tmp.resolve("mnt"), tmp.resolve("volume"));

      StorageLayout layout = new StorageLayout(properties(tmp.resolve("mnt/storekeeper"), "", ""));

      assertThat(layout.dataDir()).isEqualTo(real.toRealPath());
      assertThat(layout.uploadsRoot()).isEqualTo(real.toRealPath().resolve("uploads"));
    }

    @Test
    void usesUploadAndOutputDirectoriesGivenExplicitly(@TempDir Path tmp) throws IOException {
      Path uploads = tmp.resolve("volume-a/up");
      Path outputs = tmp.resolve("volume-b/out");

      StorageLayout layout =
          new StorageLayout(
              properties(tmp.resolve("data"), uploads.toString(), outputs.toString()));

      assertThat(layout.uploadsRoot()).isEqualTo(uploads.toRealPath());
      assertThat(layout.outputsRoot()).isEqualTo(outputs.toRealPath());
      assertThat(layout.outputDir(JOB)).isEqualTo(outputs.toRealPath().resolve(JOB.toString()));
      assertThat(tmp.resolve("data/uploads")).doesNotExist();
      assertThat(tmp.resolve("data/outputs")).doesNotExist();
      assertThat(layout.spoolDir()).isEqualTo(tmp.resolve("data/.spool").toRealPath());
    }

    @Test
    void resolvesAnUploadDirectoryThatIsASymbolicLink(@TempDir Path tmp) throws IOException {
      Path real = Files.createDirectory(tmp.resolve("real-uploads"));
      Path link = Files.createSymbolicLink(tmp.resolve("uploads-link"), real);

      StorageLayout layout =
          new StorageLayout(properties(tmp.resolve("data"), link.toString(), ""));

      assertThat(layout.uploadsRoot()).isEqualTo(real.toRealPath());
    }

    @Test
    void refusesUploadsAndOutputsInTheSameDirectory(@TempDir Path tmp) {
      String shared = tmp.resolve("shared").toString();

      assertThatThrownBy(() -> new StorageLayout(properties(tmp.resolve("data"), shared, shared)))
          .hasMessageContaining("UPLOAD_DIR")
          .hasMessageContaining("OUTPUT_DIR");
    }

    @Test
    void refusesTheSameDirectoryReachedThroughALink(@TempDir Path tmp) throws IOException {
      Path shared = Files.createDirectory(tmp.resolve("shared"));
      Path link = Files.createSymbolicLink(tmp.resolve("link"), shared);

      assertThatThrownBy(
              () ->
                  new StorageLayout(
                      properties(tmp.resolve("data"), shared.toString(), link.toString())))
          .hasMessageContaining("UPLOAD_DIR")
          .hasMessageContaining("OUTPUT_DIR");
    }

    @Test
    void refusesOutputsInsideUploads(@TempDir Path tmp) {
      String uploads = tmp.resolve("up").toString();
      String outputs = tmp.resolve("up/out").toString();

      assertThatThrownBy(() -> new StorageLayout(properties(tmp.resolve("data"), uploads, outputs)))
          .hasMessageContaining("UPLOAD_DIR")
          .hasMessageContaining("OUTPUT_DIR");
    }

    @Test
    void refusesUploadsInsideOutputs(@TempDir Path tmp) {
      String uploads = tmp.resolve("out/up").toString();
      String outputs = tmp.resolve("out").toString();

      assertThatThrownBy(() -> new StorageLayout(properties(tmp.resolve("data"), uploads, outputs)))
          .hasMessageContaining("UPLOAD_DIR")
          .hasMessageContaining("OUTPUT_DIR");
    }

    @ParameterizedTest
    @ValueSource(strings = {"data", ".", "data/.spool"})
    void refusesAnUploadDirectoryHoldingTheDataDirectory(String relative, @TempDir Path tmp) {
      String uploads = tmp.resolve(relative).toString();

      assertThatThrownBy(() -> new StorageLayout(properties(tmp.resolve("data"), uploads, "")))
          .hasMessageContaining("UPLOAD_DIR")
          .hasMessageContaining("DATA_DIR");
    }

    @Test
    void refusesAnOutputDirectoryThatIsTheDataDirectory(@TempDir Path tmp) {
      String data = tmp.resolve("data").toString();

      assertThatThrownBy(() -> new StorageLayout(properties(Path.of(data), "", data)))
          .hasMessageContaining("OUTPUT_DIR")
          .hasMessageContaining("DATA_DIR");
    }

    @Test
    void allowsRootsInsideTheDataDirectoryUnderOtherNames(@TempDir Path tmp) throws IOException {
      Path data = tmp.resolve("data");

      StorageLayout layout =
          new StorageLayout(
              properties(data, data.resolve("in").toString(), data.resolve("out").toString()));

      assertThat(layout.uploadsRoot()).isEqualTo(data.toRealPath().resolve("in"));
      assertThat(layout.outputsRoot()).isEqualTo(data.toRealPath().resolve("out"));
    }

    @Test
    void namesTheDirectoryItCannotCreate(@TempDir Path tmp) throws IOException {
      Path file = Files.writeString(tmp.resolve("a-file"), "x");

      assertThatThrownBy(() -> new StorageLayout(properties(file.resolve("data"), null, null)))
          .hasMessageContaining(file.resolve("data").toString());
    }
  }

  /** Issue 11, section 1: what Storekeeper keeps in DATA_DIR is private, whatever the umask. */
  @Nested
  @ExtendWith(OutputCaptureExtension.class)
  class Privacy {

    private String mode(Path path) throws IOException {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void createsTheDataDirectoryAndRootsPrivateAndParentsWritableOnlyByUs(@TempDir Path tmp)
        throws IOException {
      Path data = tmp.resolve("a/b/data");

      StorageLayout layout = new StorageLayout(properties(data, null, null));

      assertThat(mode(tmp.resolve("a"))).isEqualTo("rwxr-xr-x");
      assertThat(mode(tmp.resolve("a/b"))).isEqualTo("rwxr-xr-x");
      for (Path dir :
          List.of(
              layout.dataDir(), layout.uploadsRoot(), layout.outputsRoot(), layout.spoolDir())) {
        assertThat(mode(dir)).as("%s", dir).isEqualTo("rwx------");
      }
    }

    @Test
    void narrowsWhatAnEarlierVersionLeftOpenAndLogsEachChange(@TempDir Path tmp, CapturedOutput log)
        throws IOException {
      Path data = tmp.resolve("data");
      Path uploads = Files.createDirectories(data.resolve("uploads"));
      Path outputs = Files.createDirectories(data.resolve("outputs"));
      Path token = Files.writeString(data.resolve("admin-token"), "t");
      Path database = Files.writeString(data.resolve("db.mv.db"), "h2");
      Path alreadyPrivate = Files.writeString(data.resolve("db-password"), "p");
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(uploads, PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.setPosixFilePermissions(outputs, PosixFilePermissions.fromString("rwx--x--x"));
      Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-rw-rw-"));
      Files.setPosixFilePermissions(alreadyPrivate, PosixFilePermissions.fromString("r--------"));

      new StorageLayout(properties(data, null, null));

      assertThat(mode(data)).isEqualTo("rwx------");
      assertThat(mode(uploads)).isEqualTo("rwx------");
      assertThat(mode(outputs)).isEqualTo("rwx------");
      assertThat(mode(token)).isEqualTo("rw-------");
      assertThat(mode(database)).isEqualTo("rw-------");
      assertThat(mode(alreadyPrivate)).as("owner-only modes are left alone").isEqualTo("r--------");
      Path real = data.toRealPath();
      assertThat(log.getAll())
          .contains(real + " was open to other users (mode 0755 -> 0700)")
          .contains(real.resolve("uploads") + " was open to other users (mode 0777 -> 0700)")
          .contains(real.resolve("outputs") + " was open to other users (mode 0711 -> 0700)")
          .contains(real.resolve("admin-token") + " was open to other users (mode 0644 -> 0600)")
          .contains(real.resolve("db.mv.db") + " was open to other users (mode 0666 -> 0600)")
          .doesNotContain("db-password");
    }

    @Test
    void leavesWhatIsBelowTheRootsAndLinksAlone(@TempDir Path tmp) throws IOException {
      Path data = tmp.resolve("data");
      Path job = Files.createDirectories(data.resolve("outputs/" + JOB));
      Path result = Files.writeString(job.resolve("results.json"), "{}");
      Path elsewhere = Files.writeString(tmp.resolve("elsewhere.txt"), "not ours");
      Path operatorsDir = Files.createDirectories(data.resolve("backups"));
      Files.setPosixFilePermissions(job, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(result, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-r--r--"));
      Files.setPosixFilePermissions(operatorsDir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.createSymbolicLink(data.resolve("link.txt"), elsewhere);

      new StorageLayout(properties(data, null, null));

      // the 0700 root keeps other users out of the trees below it; a start never walks them
      assertThat(mode(job)).isEqualTo("rwxr-xr-x");
      assertThat(mode(result)).isEqualTo("rw-r--r--");
      assertThat(mode(operatorsDir)).isEqualTo("rwxr-xr-x");
      assertThat(mode(elsewhere)).as("a link is never followed").isEqualTo("rw-r--r--");
    }

    @Test
    void narrowsUploadAndOutputDirectoriesGivenElsewhere(@TempDir Path tmp) throws IOException {
      Path in = Files.createDirectories(tmp.resolve("shared/in"));
      Files.setPosixFilePermissions(in, PosixFilePermissions.fromString("rwxrwxr-x"));

      StorageLayout layout =
          new StorageLayout(
              properties(tmp.resolve("data"), in.toString(), tmp.resolve("new/out").toString()));

      assertThat(mode(layout.uploadsRoot())).isEqualTo("rwx------");
      assertThat(mode(layout.outputsRoot())).isEqualTo("rwx------");
      assertThat(mode(tmp.resolve("new"))).isEqualTo("rwxr-xr-x");
    }
  }
}
