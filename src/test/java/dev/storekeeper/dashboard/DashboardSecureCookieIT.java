package dev.storekeeper.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.RunningApp;
import dev.storekeeper.StorekeeperIT;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a TLS-terminating proxy (SERVER_FORWARD_HEADERS_STRATEGY=native, as the README's proxy
 * section sets it) the session cookie is also {@code Secure}, so a browser never sends it over
 * plain HTTP. Its own application: the setting changes how every request is read.
 */
class DashboardSecureCookieIT {

  @Test
  void theSessionCookieIsSecureWhenTheRequestCameOverHttps() {
    Map<String, String> settings =
        new LinkedHashMap<>(RunningApp.onH2(RunningApp.tempDataDir("secure-cookie")));
    settings.put("server.forward-headers-strategy", "native");
    try (RunningApp app = RunningApp.start(settings)) {
      FormSession viaProxy = new FormSession(app.port(), "X-Forwarded-Proto", "https");

      // the login page opens the session that holds the form's CSRF token
      FormSession.Page login = viaProxy.get("/dashboard/login");

      assertThat(login.status()).isEqualTo(200);
      assertThat(login.response().headers().allValues("Set-Cookie"))
          .filteredOn(c -> c.startsWith("STOREKEEPER_SESSION="))
          .singleElement()
          .satisfies(c -> assertThat(c).contains("Secure", "HttpOnly", "SameSite=Strict"));
      // this client then talks plain HTTP, so it does not send the Secure cookie: refused
      FormSession.Page overHttp =
          viaProxy.post("/dashboard/login", Map.of("token", StorekeeperIT.ADMIN_TOKEN));
      assertThat(overHttp.status()).isEqualTo(403);
    }
  }
}
