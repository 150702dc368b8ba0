import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logs in to the dashboard like a browser (login page, CSRF token, form post, session cookie),
 * then loads PATH {@code calls} times in a row (one keep-alive connection, after {@code warmup}
 * calls that are not counted) and prints nearest-rank percentiles in ms.
 *
 * <p>java bench/DashboardLatency.java BASE_URL TOKEN PATH CALLS WARMUP TARGET_P99_MS
 */
public class DashboardLatency {

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String token = args[1];
    String path = args[2];
    int calls = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    double target = Double.parseDouble(args[5]);
    HttpClient client =
        HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    String page =
        client
            .send(
                HttpRequest.newBuilder(URI.create(base + "/dashboard/login")).GET().build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
    if (!csrf.find()) {
      throw new IllegalStateException("no CSRF token on the login page");
    }
    String form =
        "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
    HttpResponse<String> login =
        client.send(
            HttpRequest.newBuilder(URI.create(base + "/dashboard/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String location = login.headers().firstValue("Location").orElse("");
    if (!location.endsWith("/dashboard")) {
      throw new IllegalStateException("login failed: " + login.statusCode() + " " + location);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).GET().build();

    long first = 0;
    for (int i = 0; i < warmup; i++) {
      long took = call(client, request);
      if (i == 0) {
        first = took;
      }
    }
    long[] nanos = new long[calls];
    for (int i = 0; i < calls; i++) {
      nanos[i] = call(client, request);
    }
    Arrays.sort(nanos);
    double p99 = ms(rank(nanos, 0.99));
    System.out.printf(
        "%s calls=%d warmup=%d first_call_ms=%.1f%n"
            + "min_ms=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f%n"
            + "target p99 < %.0f ms: %s%n",
        path, calls, warmup, ms(first), ms(nanos[0]), ms(rank(nanos, 0.50)),
        ms(rank(nanos, 0.95)), p99, ms(nanos[nanos.length - 1]), target,
        p99 < target ? "MET" : "MISSED");
    System.exit(p99 < target ? 0 : 1);
  }

  private static long call(HttpClient client, HttpRequest request) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + " for " + request.uri());
    }
    return took;
  }

  /** Nearest-rank percentile of sorted values. */
  private static long rank(long[] sorted, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000d;
  }
}
