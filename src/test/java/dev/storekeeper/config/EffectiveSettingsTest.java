package dev.storekeeper.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EffectiveSettingsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "jdbc:postgresql://db.example:5432/storekeeper => PostgreSQL db.example:5432/storekeeper",
        "jdbc:postgresql://db.example/storekeeper?user=sk&password=s3cret"
            + " => PostgreSQL db.example/storekeeper",
        "jdbc:postgresql://sk:s3cret@db.example:5432/storekeeper;x=y"
            + " => PostgreSQL db.example:5432/storekeeper",
        "jdbc:h2:file:/srv/data/db;MODE=PostgreSQL;PASSWORD=s3cret => H2 embedded, /srv/data/db",
        "jdbc:h2:tcp://db.example/x;PASSWORD=s3cret => H2 (tcp)",
        "jdbc:mysql://db.example/x?password=s3cret => mysql",
      })
  void namesTheDatabaseWithoutCredentials(String url, String shown) {
    assertThat(EffectiveSettings.database(url)).isEqualTo(shown).doesNotContain("s3cret");
  }
}
