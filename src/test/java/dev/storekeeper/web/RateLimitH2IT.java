package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.OnH2;
import dev.storekeeper.RawHttp;
import dev.storekeeper.StorekeeperIT;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 11, section 8: wrong tokens from one address are limited to AUTH_FAILURES_PER_MINUTE (the
 * default 10 here). Time is the test clock's: the limit is lifted by moving it, not by waiting.
 * Nothing here touches the database beyond the application's start, so H2 only.
 */
@OnH2
@TestPropertySource(properties = "AUTH_FAILURES_PER_MINUTE=10")
@ExtendWith(OutputCaptureExtension.class)
class RateLimitH2IT extends StorekeeperIT {

  /** Each test starts in its own hour: the limiter keeps the failures of earlier tests. */
  private static final AtomicInteger HOUR = new AtomicInteger();

  RawHttp raw;

  @BeforeEach
  void freshMinute() {
    raw = new RawHttp(port);
    clock.set(START.plus(Duration.ofHours(HOUR.incrementAndGet())));
  }

  RawHttp.Response stats(String token) {
    RawHttp.Request request = raw.request("GET", "/cleanup/stats");
    return token == null
        ? request.send()
        : request.header("Authorization", "Bearer " + token).send();
  }

  @Test
  void theEleventhWrongTokenWithinAMinuteIsRefusedWithRetryAfter(CapturedOutput output) {
    for (int i = 1; i <= 10; i++) {
      assertThat(stats("wrong-" + i).status()).as("attempt %d", i).isEqualTo(403);
      clock.advance(Duration.ofSeconds(2));
    }

    RawHttp.Response refused = stats("wrong-11");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("40");
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    assertThat(refused.json().get("type").asText()).isEqualTo("/problems/too-many-failed-attempts");
    assertThat(output.getAll()).contains("10 requests with a wrong bearer token from 127.0.0.1");
  }

  @Test
  void whileBlockedEvenTheRightTokenIsRefusedButRequestsWithoutOneAreServed() {
    for (int i = 1; i <= 10; i++) {
      stats("wrong-" + i);
    }

    assertThat(stats(ADMIN_TOKEN).status()).isEqualTo(429);
    assertThat(raw.request("GET", "/jobs").send().status()).isEqualTo(200);
    assertThat(raw.request("GET", "/health").send().status()).isEqualTo(200);
    assertThat(stats(null).status()).isEqualTo(401);
  }

  @Test
  void theLimitIsLiftedWhenTheMinuteIsOver() {
    for (int i = 1; i <= 10; i++) {
      stats("wrong-" + i);
    }
    clock.advance(Duration.ofSeconds(59));
    assertThat(stats(ADMIN_TOKEN).status()).isEqualTo(429);

    clock.advance(Duration.ofSeconds(1));

    assertThat(stats(ADMIN_TOKEN).status()).isEqualTo(200);
    assertThat(stats("wrong-again").status()).isEqualTo(403);
  }

  @Test
  void rightTokensAndWrongOnesSpreadOverMinutesAreNeverLimited() {
    for (int i = 0; i < 30; i++) {
      assertThat(stats(ADMIN_TOKEN).status()).isEqualTo(200);
      assertThat(stats("wrong-" + i).status()).isEqualTo(403);
      clock.advance(Duration.ofSeconds(10));
    }
  }

  @Test
  void wrongTokensAtTheDashboardLoginCountAgainstTheSameLimit() {
    dev.storekeeper.dashboard.LoginForm form = new dev.storekeeper.dashboard.LoginForm(port);
    for (int i = 1; i <= 10; i++) {
      assertThat(form.login("wrong-" + i)).as("attempt %d", i).endsWith("/dashboard/login?error");
    }

    assertThat(form.login(ADMIN_TOKEN)).endsWith("/dashboard/login?blocked");
    assertThat(stats(ADMIN_TOKEN).status()).isEqualTo(429);

    clock.advance(Duration.ofMinutes(1));
    assertThat(form.login(ADMIN_TOKEN)).endsWith("/dashboard");
  }
}
