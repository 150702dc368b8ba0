package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever PROCESSOR_ENV says, it is refused or no secret of the service reaches the processor. */
class ProcessorEnvironmentPropertyTest {

  private static final Map<String, String> SERVICE =
      Map.of(
          "PATH", "/bin",
          "ADMIN_TOKEN", "s1",
          "API_TOKEN", "s2",
          "SPRING_DATASOURCE_PASSWORD", "s3",
          "spring_datasource_password", "s4",
          "Db_Password", "s5",
          "AWS_ACCESS_KEY_ID", "s6",
          "MY_SECRET_VALUE", "s7",
          "HARMLESS", "ok");

  @Provide
  Arbitrary<String> processorEnv() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of(SERVICE.keySet()),
            Arbitraries.strings().withChars("AZaz_09,- ${}=\u202E\n").ofMaxLength(12));
    return names.list().ofMaxSize(5).map(list -> String.join(",", list));
  }

  @Property(tries = 2000)
  void neverPassesASecret(@ForAll("processorEnv") String value) {
    if (ProcessorEnvironment.problemWith(value).isPresent()) {
      return;
    }
    Map<String, String> child = ProcessorEnvironment.parse(value).select(SERVICE);

    assertThat(child.values()).doesNotContain("s1", "s2", "s3", "s4", "s5", "s6", "s7");
    assertThat(child.keySet())
        .allMatch(name -> name.equals("PATH") || value.contains(name))
        .noneMatch(name -> name.toUpperCase(Locale.ROOT).contains("TOKEN"));
  }
}
