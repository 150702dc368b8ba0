package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

class SettingValuesTest {

  /**
   * The early check knows every settings class: one missing from its list would have its values
   * checked only when its bean binds, after the web server and Flyway have started.
   */
  @Test
  void checksEverySettingsClassOfTheApplication() {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false);
    scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
    List<String> found = new ArrayList<>();
    for (BeanDefinition candidate : scanner.findCandidateComponents("dev.storekeeper")) {
      found.add(candidate.getBeanClassName());
    }

    assertThat(SettingValues.SETTINGS.stream().map(Class::getName))
        .containsExactlyInAnyOrderElementsOf(found);
  }

  @Test
  void neverShowsATokenOrPassword() {
    assertThat(SettingValues.isSecret("ADMIN_TOKEN")).isTrue();
    assertThat(SettingValues.isSecret("storekeeper.tokens.api-token")).isTrue();
    assertThat(SettingValues.isSecret("SPRING_DATASOURCE_PASSWORD")).isTrue();
    assertThat(SettingValues.isSecret("RETENTION_FAILED_DAYS")).isFalse();
  }

  @Test
  void namesTypesTheWayOperatorsSayThem() {
    assertThat(SettingValues.typeName(Integer.class)).isEqualTo("whole number");
    assertThat(SettingValues.typeName(long.class)).isEqualTo("whole number");
    assertThat(SettingValues.typeName(Double.class)).isEqualTo("number");
    assertThat(SettingValues.typeName(Boolean.class)).isEqualTo("boolean (true or false)");
  }
}
