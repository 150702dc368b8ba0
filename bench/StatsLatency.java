import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;

/**
 * Calls GET /cleanup/stats {@code calls} times in a row (one keep-alive connection, after
 * {@code warmup} calls that are not counted) and prints nearest-rank percentiles in ms.
 *
 * <p>java bench/StatsLatency.java URL TOKEN CALLS WARMUP TARGET_P99_MS
 *
 * <p>TOKEN is sent as {@code Authorization: Bearer TOKEN}; {@code cookie:NAME=VALUE} sends that
 * cookie instead (a dashboard session, see DashboardLogin.java).
 */
public class StatsLatency {

  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    String token = args[1];
    int calls = Integer.parseInt(args[2]);
    int warmup = Integer.parseInt(args[3]);
    double target = Double.parseDouble(args[4]);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        token.startsWith("cookie:")
            ? HttpRequest.newBuilder(url).header("Cookie", token.substring(7)).GET().build()
            : HttpRequest.newBuilder(url).header("Authorization", "Bearer " + token).GET().build();

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
        "calls=%d warmup=%d first_call_ms=%.1f%n"
            + "min_ms=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f mean_ms=%.1f%n"
            + "target p99 < %.0f ms: %s%n",
        calls, warmup, ms(first), ms(nanos[0]), ms(rank(nanos, 0.50)), ms(rank(nanos, 0.95)), p99,
        ms(nanos[nanos.length - 1]), ms((long) Arrays.stream(nanos).average().orElse(0)), target,
        p99 < target ? "MET" : "MISSED");
    System.exit(p99 < target ? 0 : 1);
  }

  private static long call(HttpClient client, HttpRequest request) throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
    long took = System.nanoTime() - start;
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
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
