package dev.storekeeper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bin/cleanup-storage runs every command of the jar, and only those, by name. */
class LauncherScriptTest {

  @Test
  void theScriptKnowsExactlyTheJarsCommands() throws IOException {
    String script = Files.readString(Path.of("bin/cleanup-storage"));
    Matcher list = Pattern.compile("(?m)^commands=\" (.*) \"$").matcher(script);

    assertThat(list.find()).as("a commands=\" ... \" line in bin/cleanup-storage").isTrue();
    assertThat(Arrays.asList(list.group(1).split(" ")))
        .containsExactlyInAnyOrderElementsOf(CliLauncher.commandNames());
  }
}
