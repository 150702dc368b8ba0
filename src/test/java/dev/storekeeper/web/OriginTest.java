package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11, section 4: origins as browsers send them, and CORS_ALLOWED_ORIGINS checked at start.
 */
class OriginTest {

  @ParameterizedTest
  @CsvSource({
    "https://app.example.com, https://app.example.com",
    "HTTPS://App.Example.COM, https://app.example.com",
    "https://app.example.com:443, https://app.example.com",
    "http://app.example.com:80, http://app.example.com",
    "http://localhost:3000, http://localhost:3000",
    "http://[::1]:8000, http://[::1]:8000",
  })
  void parsesOriginsIntoTheFormBrowsersSend(String text, String expected) {
    assertThat(Origin.parse(text)).map(Origin::toString).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "null",
        "*",
        "https://*.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://app.example.com?x=1",
        "https://app.example.com#top",
        "https://user@app.example.com",
        "app.example.com",
        "//app.example.com",
        "ftp://app.example.com",
        "file:///etc/passwd",
        "https://",
        "https://app example.com",
      })
  void refusesWhatIsNotExactlyAnOrigin(String text) {
    assertThat(Origin.parse(text)).isEmpty();
  }

  @Test
  void theAllowedOriginsSettingIsAListOfExactOrigins() {
    assertThat(CorsOrigins.parse("https://a.example, http://localhost:3000"))
        .extracting(Origin::toString)
        .containsExactly("https://a.example", "http://localhost:3000");
    assertThat(CorsOrigins.parse("")).isEmpty();
    assertThat(CorsOrigins.parse(null)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "*",
        "https://a.example/app",
        "https://a.example,",
        "a.example",
        "https://a.example,,https://b.example"
      })
  void aWrongEntryStopsStartupNamingTheVariable(String setting) {
    assertThatThrownBy(() -> CorsOrigins.parse(setting))
        .isInstanceOf(StartupRefusedException.class)
        .hasMessageContaining("CORS_ALLOWED_ORIGINS")
        .hasMessageContaining("not an origin");
  }
}
