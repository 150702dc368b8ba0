package dev.storekeeper.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The job's {@code filename}: the client's name as sent, minus what would mislead a reader. */
class DisplayNameTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "report.csv",
        "x;touch${IFS}INJECTED;#.txt",
        "my résumé (final).pdf",
        "履歴書.pdf",
        "عربي.txt",
        "👨\u200D👩\u200D👧 family.png",
        "می\u200Cخواهم.txt",
        "../../etc/passwd",
        "  spaced  .txt"
      })
  void keepsAPrintableNameAsSent(String original) {
    assertThat(JobService.displayName(original)).isEqualTo(original);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "invoice\u202Efdp.exe => invoicefdp.exe",
        "a\u202Ab\u202Bc\u202Cd\u202De.txt => abcde.txt",
        "\u2066x\u2067y\u2068z\u2069.txt => xyz.txt",
        "l\u200Er\u200Fm\u061C.txt => lrm.txt",
        "zero\u200Bwidth\u2060joiner\uFEFF.txt => zerowidthjoiner.txt",
        "soft\u00ADhyphen.txt => softhyphen.txt",
        "tag\uDB40\uDC41\uDB40\uDC7F.txt => tag.txt",
      })
  void removesBidiAndOtherFormatControls(String original, String expected) {
    assertThat(JobService.displayName(original)).isEqualTo(expected);
  }

  @Test
  void removesControlCharactersNulAndLineBreaks() {
    assertThat(
            JobService.displayName(
                "a\0b\u0001c\u001b[31md\u007fe\u0085f\u009fg\nh\ri\tj\u2028k\u2029l.txt"))
        .isEqualTo("abc[31mdefghijkl.txt");
  }

  @Test
  void replacesAnUnpairedSurrogate() {
    assertThat(JobService.displayName("a\uD800b\uDC00.txt")).isEqualTo("a\uFFFDb\uFFFD.txt");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\u202E", "\0\n\t", "\u2066\u2069\u200E"})
  void callsANameWithNothingVisibleLeftUpload(String original) {
    assertThat(JobService.displayName(original)).isEqualTo("upload");
  }

  @Test
  void capsTheNameAtTheColumnWidthWithoutSplittingACharacter() {
    assertThat(JobService.displayName("n".repeat(2000))).hasSize(1024);
    String emoji = JobService.displayName("x" + "😀".repeat(600));

    assertThat(emoji).hasSize(1023).endsWith("😀");
  }
}
