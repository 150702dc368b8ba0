package dev.storekeeper.processing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class ProcessorEnvironmentTest {

  private static Map<String, String> service() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("HOME", "/home/storekeeper");
    env.put("LANG", "C.UTF-8");
    env.put("LC_ALL", "C.UTF-8");
    env.put("LC_CTYPE", "C.UTF-8");
    env.put("TMPDIR", "/tmp/sk");
    env.put("ADMIN_TOKEN", "admin-secret");
    env.put("API_TOKEN", "api-secret");
    env.put("SPRING_DATASOURCE_PASSWORD", "db-secret");
    env.put("SPRING_DATASOURCE_USERNAME", "storekeeper");
    env.put("AWS_SECRET_ACCESS_KEY", "aws-secret");
    env.put("DATA_DIR", "/srv/storekeeper");
    env.put("PIPELINE_MODE", "fast");
    env.put("TZ", "UTC");
    return env;
  }

  @Test
  void passesOnlyTheBasicVariablesWhenNothingIsListed() {
    assertThat(ProcessorEnvironment.parse("").select(service()))
        .containsOnlyKeys("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR")
        .containsEntry("PATH", "/usr/bin:/bin");
  }

  @Test
  void addsTheListedVariablesThatAreSet() {
    assertThat(ProcessorEnvironment.parse(" PIPELINE_MODE ,TZ,NOT_SET").select(service()))
        .containsOnlyKeys(
            "PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PIPELINE_MODE", "TZ")
        .containsEntry("PIPELINE_MODE", "fast");
  }

  @Test
  void passesNoBasicVariableTheServiceDoesNotHave() {
    assertThat(ProcessorEnvironment.parse(null).select(Map.of("ADMIN_TOKEN", "x", "LANG", "C")))
        .isEqualTo(Map.of("LANG", "C"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "PIPELINE_MODE", "A,B", " A , B ", "_X", "a1_b2", "A,A", "HOME"})
  void acceptsValidNamesThatHoldNoSecrets(String value) {
    assertThat(ProcessorEnvironment.problemWith(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ADMIN_TOKEN",
        "API_TOKEN",
        "admin_token",
        "SPRING_DATASOURCE_PASSWORD",
        "SPRING_DATASOURCE_USERNAME",
        "SPRING_APPLICATION_JSON",
        "DB_PASSWORD",
        "PGPASSWORD",
        "PGPASSFILE",
        "MY_SECRET",
        "GITHUB_TOKEN",
        "OPENAI_API_KEY",
        "SSH_AUTH_SOCK",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "AWS_REGION",
        "AZURE_CLIENT_ID",
        "SESSION_ID",
        "PRIVATE_DATA",
        "DATABASE_URL",
      })
  void refusesNamesThatAreOrLookLikeSecrets(String name) {
    assertThat(ProcessorEnvironment.problemWith("PIPELINE_MODE," + name))
        .hasValueSatisfying(problem -> assertThat(problem).startsWith("must not list " + name));
    assertThatThrownBy(() -> ProcessorEnvironment.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1ABC", "A-B", "A B", "A=1", "$HOME", "A;B", "É", "A\u202EB", "A\nB"})
  void refusesWhatIsNotAVariableName(String name) {
    assertThat(ProcessorEnvironment.problemWith("PIPELINE_MODE," + name))
        .hasValueSatisfying(
            problem ->
                assertThat(problem)
                    .startsWith("must be variable names separated by commas")
                    .contains("\"" + name.strip() + "\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {",", "A,", ",A", "A,,B", "A, ,B"})
  void refusesAnEmptyEntry(String value) {
    assertThat(ProcessorEnvironment.problemWith(value))
        .hasValueSatisfying(problem -> assertThat(problem).contains("empty entry"));
  }

  @Test
  void failsValidationOfTheSettingsWithTheProblemAsWrittenNotAsATemplate() {
    Validator validator = Validation.buildDefaultValidatorFactory().getValidator();

    Set<ConstraintViolation<ProcessingProperties>> violations =
        validator.validate(new ProcessingProperties("command", "true", "A{x},${1+1}", 2, 3600L, 3));

    assertThat(violations)
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.getPropertyPath()).hasToString("processorEnv");
              assertThat(violation.getMessage()).contains("\"A{x}\"");
            });
    assertThat(
            validator.validate(
                new ProcessingProperties("command", "true", "PIPELINE_MODE", 2, 3600L, 3)))
        .isEmpty();
  }
}
