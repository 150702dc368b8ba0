package dev.storekeeper.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.storekeeper.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Issue 11, section 8: failed token attempts are limited per client address. */
class FailedAttemptsTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
  private final FailedAttempts attempts = new FailedAttempts(10, clock);

  @Test
  void anAddressIsBlockedForTheRestOfTheMinuteAfterItsTenthFailure() {
    for (int i = 1; i <= 9; i++) {
      assertThat(attempts.fail("10.0.0.1")).isFalse();
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(attempts.blockedFor("10.0.0.1")).isEmpty();

    assertThat(attempts.fail("10.0.0.1")).isTrue();

    assertThat(attempts.blockedFor("10.0.0.1")).contains(Duration.ofSeconds(51));
    assertThat(attempts.blockedFor("10.0.0.2")).isEmpty();
    clock.advance(Duration.ofSeconds(50));
    assertThat(attempts.blockedFor("10.0.0.1")).contains(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(attempts.blockedFor("10.0.0.1")).isEmpty();
  }

  @Test
  void failuresSpreadOverMoreThanAMinuteNeverBlock() {
    for (int i = 0; i < 100; i++) {
      attempts.fail("10.0.0.1");
      assertThat(attempts.blockedFor("10.0.0.1")).as("failure %d", i).isEmpty();
      clock.advance(Duration.ofSeconds(i % 9 == 8 ? 60 : 1));
    }
  }

  @Test
  void memoryStaysBoundedWhateverTheNumberOfAddresses() {
    for (int i = 0; i < 200_000; i++) {
      attempts.fail("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
    }

    assertThat(attempts.trackedAddresses()).isEqualTo(FailedAttempts.MAX_ADDRESSES);
  }

  @Test
  void anAddressThatKeepsFailingIsNotForgottenWhileOthersComeAndGo() {
    for (int i = 0; i < 10; i++) {
      attempts.fail("192.0.2.7");
    }
    for (int i = 0; i < 3 * FailedAttempts.MAX_ADDRESSES; i++) {
      attempts.fail("10.1." + (i >> 8 & 255) + "." + (i & 255));
      if (i % 1000 == 0) {
        // a blocked client still knocking keeps its entry fresh
        assertThat(attempts.blockedFor("192.0.2.7")).isPresent();
      }
    }
    assertThat(attempts.blockedFor("192.0.2.7")).isPresent();
  }

  @Test
  void ipv6ClientsCountPerSlash64AndIpv4MappedAddressesAsIpv4() {
    assertThat(FailedAttempts.key("2001:db8:1:2:aaaa::1"))
        .isEqualTo(FailedAttempts.key("2001:db8:1:2:bbbb:cccc:dddd:eeee"))
        .isNotEqualTo(FailedAttempts.key("2001:db8:1:3::1"));
    assertThat(FailedAttempts.key("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    assertThat(FailedAttempts.key("192.0.2.1")).isEqualTo("192.0.2.1");
  }
}
