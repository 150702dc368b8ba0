package dev.storekeeper.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.Http;
import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * No query string makes the cleanup API fail with a 5xx: arbitrary names and values (known and
 * unknown, valid and not, any Unicode, repeated) only ever get a 2xx or 4xx answer. jqwik cannot
 * use Spring's test support, so the application is started once for this class, on H2 in a
 * temporary directory. Every run request carries {@code dry_run=true}; a second {@code dry_run} is
 * refused as repeated, so no query can turn one into a real run (and the ledger is checked).
 */
class CleanupApiFuzzIT {

  private static final String[] ADMIN = {"Authorization", "Bearer " + StorekeeperIT.ADMIN_TOKEN};
  private static final List<String> KNOWN =
      List.of(
          "dry_run",
          "orphaned_only",
          "old_completed",
          "old_failed",
          "completed_days",
          "failed_days",
          "cancelled_days",
          "include_unrecognized",
          "wait",
          "items_limit",
          "scan",
          "capacity",
          "days");

  private static RunningApp app;
  private static Http http;

  @BeforeContainer
  static void start() {
    app = RunningApp.start(RunningApp.onH2(RunningApp.tempDataDir("storekeeper-fuzz")));
    http = app.http();
  }

  @AfterContainer
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Property(tries = 300)
  void aDryRunNeverAnswers5xx(@ForAll("queries") String query) {
    Http.Response response =
        http.post("/cleanup/run?dry_run=true" + (query.isEmpty() ? "" : "&" + query), ADMIN);

    Statistics.collect(response.status());
    assertThat(response.status()).as(query + " -> " + response.body()).isBetween(200, 499);
    assertThat(realRuns()).as("a real run was started by " + query).isZero();
  }

  @Property(tries = 200)
  void theForecastNeverAnswers5xx(@ForAll("queries") String query) {
    Http.Response response =
        http.get("/cleanup/forecast" + (query.isEmpty() ? "" : "?" + query), ADMIN);

    Statistics.collect(response.status());
    assertThat(response.status()).as(query + " -> " + response.body()).isBetween(200, 499);
  }

  @Property(tries = 300)
  void statsNeverAnswer5xx(@ForAll("queries") String query) {
    Http.Response response =
        http.get("/cleanup/stats" + (query.isEmpty() ? "" : "?" + query), ADMIN);

    Statistics.collect(response.status());
    assertThat(response.status()).as(query + " -> " + response.body()).isBetween(200, 499);
  }

  private static long realRuns() {
    return app.bean(JdbcClient.class)
        .sql("select count(*) from cleanup_runs where dry_run = false")
        .query(Long.class)
        .single();
  }

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of(KNOWN)),
            Tuple.of(
                2,
                Arbitraries.strings().withCharRange('a', 'z').withChars('_', '-').ofMaxLength(15)),
            Tuple.of(2, Arbitraries.strings().all().ofMaxLength(20)));
    Arbitrary<String> values =
        Arbitraries.frequencyOf(
            Tuple.of(
                4,
                Arbitraries.of(
                    "true",
                    "false",
                    "TRUE",
                    "False",
                    "yes",
                    "no",
                    "1",
                    "0",
                    "",
                    "null",
                    "NaN",
                    "-0",
                    "+1",
                    " 1",
                    "1 ",
                    "\u0661\u0662",
                    "1e3",
                    "0x1F",
                    "%",
                    "%%",
                    "&",
                    "=",
                    "36500",
                    "36501",
                    "1000",
                    "1001",
                    "-1",
                    "9223372036854775808",
                    "\u0000")),
            Tuple.of(2, Arbitraries.integers().map(String::valueOf)),
            Tuple.of(1, Arbitraries.longs().map(n -> n + "" + Math.abs(n))),
            Tuple.of(1, Arbitraries.doubles().map(String::valueOf)),
            Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)));
    Arbitrary<String> pair =
        Combinators.combine(names, values, Arbitraries.integers().between(0, 3))
            .as(
                (name, value, form) ->
                    switch (form) {
                      case 0 -> encode(name);
                      case 1 -> encode(name) + "=";
                      default -> encode(name) + "=" + encode(value);
                    });
    return pair.list().ofMaxSize(5).map(pairs -> String.join("&", pairs));
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
