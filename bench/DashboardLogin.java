import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logs in to the dashboard like a browser (login page, CSRF token, form post) and prints the
 * session cookie as {@code cookie:NAME=VALUE}, for StatsLatency.java to send.
 *
 * <p>java bench/DashboardLogin.java BASE_URL TOKEN
 */
public class DashboardLogin {

  public static void main(String[] args) throws Exception {
    String base = args[0];
    CookieManager cookies = new CookieManager();
    HttpClient client =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
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
        "token=" + URLEncoder.encode(args[1], StandardCharsets.UTF_8) + "&_csrf=" + csrf.group(1);
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
    HttpCookie session =
        cookies.getCookieStore().getCookies().stream()
            .filter(c -> c.getName().equals("STOREKEEPER_SESSION"))
            .findFirst()
            .orElseThrow();
    System.out.println("cookie:" + session.getName() + "=" + session.getValue());
  }
}
