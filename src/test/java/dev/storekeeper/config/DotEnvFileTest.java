package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Issue 11, section 7: the settings file is read as operators write it, or refused by line. */
class DotEnvFileTest {

  private static final Path FILE = Path.of("/srv/storekeeper/.env");

  private static DotEnvFile.Contents parse(String... lines) {
    return DotEnvFile.parse(FILE, List.of(lines));
  }

  private static Map<String, Object> values(String... lines) {
    DotEnvFile.Contents contents = parse(lines);
    assertThat(contents.problems()).as("problems").isEmpty();
    return contents.values();
  }

  @Test
  void readsAssignmentsAndSkipsBlankLinesAndComments() {
    assertThat(values("", "# retention", "   ", "RETENTION_FAILED_DAYS=7", "  # indented"))
        .containsExactly(Map.entry("RETENTION_FAILED_DAYS", "7"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "export RETENTION_COMPLETED_DAYS=90 => 90",
        "export   RETENTION_COMPLETED_DAYS=90 => 90",
        "RETENTION_COMPLETED_DAYS = 90 => 90",
        "  RETENTION_COMPLETED_DAYS=90   => 90",
        "RETENTION_COMPLETED_DAYS=\"90\" => 90",
        "RETENTION_COMPLETED_DAYS='90' => 90",
        "export RETENTION_COMPLETED_DAYS=\"90\" # ninety => 90",
        "RETENTION_COMPLETED_DAYS=90 # ninety => 90",
        "RETENTION_COMPLETED_DAYS=90#not-a-comment => 90#not-a-comment",
        "RETENTION_COMPLETED_DAYS=\"a # b\" => a # b",
        "RETENTION_COMPLETED_DAYS='a \\n b' => a \\n b",
        "RETENTION_COMPLETED_DAYS=C:\\data => C:\\data",
        "RETENTION_COMPLETED_DAYS=\"say \\\"hi\\\" \\\\ \\$HOME\" => say \"hi\" \\ $HOME",
        "RETENTION_COMPLETED_DAYS=a=b => a=b",
        "RETENTION_COMPLETED_DAYS=sh -c 'x y' => sh -c 'x y'",
      })
  void acceptsShellStyleLines(String line, String expected) {
    assertThat(values(line)).containsEntry("RETENTION_COMPLETED_DAYS", expected);
  }

  @Test
  void anEmptyValueIsKeptAsEmpty() {
    assertThat(values("PROCESSOR_COMMAND=", "API_TOKEN=''", "ADMIN_TOKEN=\"\""))
        .containsEntry("PROCESSOR_COMMAND", "")
        .containsEntry("API_TOKEN", "")
        .containsEntry("ADMIN_TOKEN", "");
  }

  @Test
  void doubleQuotesUnderstandNewlinesAndTabs() {
    assertThat(values("PROCESSOR_COMMAND=\"a\\nb\\tc\\rd\""))
        .containsEntry("PROCESSOR_COMMAND", "a\nb\tc\rd");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      value = {
        "RETENTION_FAILED_DAYS 7 => line 3: expected NAME=value",
        "export => line 3: expected NAME=value",
        "export RETENTION_FAILED_DAYS => line 3: expected NAME=value",
        "=7 => line 3: nothing before '=' (expected NAME=value)",
        "7DAYS=7 => line 3: \"7DAYS\" is not a variable name (expected NAME=value)",
        "RETENTION$DAYS=7 => line 3: \"RETENTION$DAYS\" is not a variable name",
        "RETENTION_FAILED_DAYS=\"7 => line 3: unclosed double quote in the value of"
            + " RETENTION_FAILED_DAYS",
        "RETENTION_FAILED_DAYS='7 => line 3: unclosed single quote in the value of"
            + " RETENTION_FAILED_DAYS",
        "RETENTION_FAILED_DAYS=\"7\" days => line 3: text after the closing quote in the value of"
            + " RETENTION_FAILED_DAYS",
        "RETENTION_FAILED_DAYS='7'x => line 3: text after the closing quote",
        "DATA_DIR=\"C:\\data\" => line 3: unknown escape \\d inside double quotes",
        "DATA_DIR=\"ends with \\ => line 3: unclosed double quote",
      })
  void refusesAMalformedLineNamingTheFileAndTheLine(String line, String problem) {
    DotEnvFile.Contents contents = parse("# settings", "CLEANUP_ENABLED=true", line, "");

    assertThat(contents.problems()).singleElement().asString().startsWith(FILE + " " + problem);
    assertThat(contents.values()).containsOnlyKeys("CLEANUP_ENABLED");
  }

  @Test
  void refusesANameSetTwiceNamingBothLines() {
    DotEnvFile.Contents contents =
        parse("RETENTION_FAILED_DAYS=7", "CLEANUP_ENABLED=true", "export RETENTION_FAILED_DAYS=1");

    assertThat(contents.problems())
        .containsExactly(
            FILE + " line 3: RETENTION_FAILED_DAYS is already set on line 1; set it once");
  }

  @Test
  void neverEchoesAValueInAProblem() {
    DotEnvFile.Contents contents =
        parse("ADMIN_TOKEN=\"s3cret-value-that-must-not-leak", "s3cret-value-without-a-name");

    assertThat(contents.problems())
        .hasSize(2)
        .allSatisfy(problem -> assertThat(problem).doesNotContain("s3cret"));
  }

  @Test
  void ignoresAByteOrderMarkAndWindowsLineEnds(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(".env");
    Files.write(
        file,
        "\uFEFFRETENTION_FAILED_DAYS=7\r\nCLEANUP_ENABLED=false\r\n"
            .getBytes(StandardCharsets.UTF_8));

    DotEnvFile.Contents contents = DotEnvFile.read(file);

    assertThat(contents.problems()).isEmpty();
    assertThat(contents.values())
        .containsExactly(
            Map.entry("RETENTION_FAILED_DAYS", "7"), Map.entry("CLEANUP_ENABLED", "false"));
  }

  @Test
  void refusesAFileThatIsNotText(@TempDir Path dir) throws IOException {
    Path file = Files.write(dir.resolve(".env"), new byte[] {'A', '=', (byte) 0xff, '\n'});

    assertThat(DotEnvFile.read(file).problems()).containsExactly(file + " is not UTF-8 text");
  }

  @Test
  void aMissingFileIsEmpty(@TempDir Path dir) {
    DotEnvFile.Contents contents = DotEnvFile.read(dir.resolve("absent"));

    assertThat(contents.values()).isEmpty();
    assertThat(contents.problems()).isEmpty();
  }

  // ---- generated -------------------------------------------------------------------------------

  /** Any line at all: either read, or refused naming its line; never an exception. */
  @Property(tries = 2000)
  void anyLineIsReadOrRefusedByLineNumber(@ForAll("hostileLines") List<String> lines) {
    DotEnvFile.Contents contents = DotEnvFile.parse(FILE, lines);

    assertThat(contents.problems())
        .allSatisfy(problem -> assertThat(problem).matches("(?s)\\Q" + FILE + "\\E line \\d+: .+"));
    assertThat(contents.entries().values())
        .allSatisfy(entry -> assertThat(entry.line()).isBetween(1, lines.size()));
  }

  /** Whatever a value holds, quoting it as documented gives it back exactly. */
  @Property(tries = 2000)
  void aQuotedValueComesBackExactly(
      @ForAll("names") String name, @ForAll("values") String value, @ForAll boolean export) {
    String escaped =
        value
            .replace("\\", "\\\\")
            .replace("\"", "\\\"")
            .replace("$", "\\$")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t");
    String line = (export ? "export " : "") + name + "=\"" + escaped + "\" # comment";

    assertThat(values(line)).containsExactly(Map.entry(name, value));
  }

  @Provide
  Arbitrary<String> names() {
    return Combinators.combine(
            Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ_").ofLength(1),
            Arbitraries.strings()
                .withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
                .ofMaxLength(30))
        .as((first, rest) -> first + rest);
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.strings()
        .withChars("abc 019#'\"\\$=\t\n\r{}")
        .withCharRange('\u0080', '\u00ff')
        .ofMaxLength(40);
  }

  @Provide
  Arbitrary<List<String>> hostileLines() {
    Arbitrary<String> fragments =
        Arbitraries.of(
            "export ", "NAME", "=", "\"", "'", "\\", "#", " ", "\t", "x", "7", "$", "\u0000", "é",
            "\u202e", "==", "export", "A B");
    return fragments.list().ofMaxSize(8).map(parts -> String.join("", parts)).list().ofMaxSize(6);
  }
}
