package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTemplateTest {

  @Test
  void splitsOnAnyRunOfWhitespace() {
    assertThat(CommandTemplate.parse("  tool  -v\t--fast \n x  ").arguments())
        .containsExactly("tool", "-v", "--fast", "x");
  }

  @Test
  void groupsWhitespaceInsideDoubleQuotes() {
    assertThat(CommandTemplate.parse("tool \"a  b\" c").arguments())
        .containsExactly("tool", "a  b", "c");
  }

  @Test
  void keepsDoubleQuotesInsideSingleQuotesAndViceVersa() {
    assertThat(CommandTemplate.parse("sh -c 'echo \"hi\"' \"it's\"").arguments())
        .containsExactly("sh", "-c", "echo \"hi\"", "it's");
  }

  @Test
  void joinsQuotedAndUnquotedTextThatTouch() {
    assertThat(CommandTemplate.parse("tool --name=\"a b\"c'd e'").arguments())
        .containsExactly("tool", "--name=a bcd e");
  }

  @Test
  void turnsEmptyQuotesIntoAnEmptyArgument() {
    assertThat(CommandTemplate.parse("tool \"\" '' x").arguments())
        .containsExactly("tool", "", "", "x");
  }

  @Test
  void treatsBackslashAsAnOrdinaryCharacter() {
    assertThat(CommandTemplate.parse("tool C:\\data a\\ b \"x\\\"").arguments())
        .containsExactly("tool", "C:\\data", "a\\", "b", "x\\");
  }

  @Nested
  class Render {

    @Test
    void substitutesPlaceholdersInsideArguments() {
      CommandTemplate template = CommandTemplate.parse("tool --in={input} {output_dir}/out.txt");

      assertThat(template.render("/uploads/my file.csv", "/outputs/job"))
          .containsExactly("tool", "--in=/uploads/my file.csv", "/outputs/job/out.txt");
    }

    @Test
    void substitutesPlaceholdersInsideQuotes() {
      CommandTemplate template = CommandTemplate.parse("sh -c 'wc -l < {input}'");

      assertThat(template.render("/in.txt", "/out")).containsExactly("sh", "-c", "wc -l < /in.txt");
    }

    @Test
    void keepsAPathWithSpacesAsOneArgument() {
      CommandTemplate template = CommandTemplate.parse("tool {input} {output_dir}");

      assertThat(template.render("/a b/c d.txt", "/e f"))
          .containsExactly("tool", "/a b/c d.txt", "/e f");
    }

    @Test
    void neverLooksForPlaceholdersInsideSubstitutedValues() {
      CommandTemplate template = CommandTemplate.parse("tool {input} {output_dir}");

      assertThat(template.render("/up/{output_dir}.txt", "/out/{input}"))
          .containsExactly("tool", "/up/{output_dir}.txt", "/out/{input}");
    }

    @Test
    void keepsBracesThatAreNotPlaceholders() {
      CommandTemplate template = CommandTemplate.parse("awk '{print $1}' {input} {inputs}");

      assertThat(template.render("/in.txt", "/out"))
          .containsExactly("awk", "{print $1}", "/in.txt", "{inputs}");
    }

    @Test
    void substitutesEveryOccurrence() {
      CommandTemplate template = CommandTemplate.parse("tool {input}:{input}");

      assertThat(template.render("/a", "/o")).containsExactly("tool", "/a:/a");
    }
  }

  @Nested
  class Rejects {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t\n"})
    void anEmptyTemplate(String template) {
      assertThatThrownBy(() -> CommandTemplate.parse(template))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("PROCESSOR_COMMAND is empty");
    }

    @Test
    void anUnterminatedDoubleQuoteAndSaysWhere() {
      assertThatThrownBy(() -> CommandTemplate.parse("tool \"abc {input}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unterminated double quote starting at position 6");
    }

    @Test
    void anUnterminatedSingleQuote() {
      assertThatThrownBy(() -> CommandTemplate.parse("sh -c 'echo \"hi\""))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unterminated single quote");
    }
  }
}
