package dev.storekeeper.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts failed bearer-token attempts per client address so that tokens cannot be guessed at
 * network speed: after {@code limit} failures within a minute, every request from that address that
 * carries a token is refused until the minute is over (a right token too, or the refusal would tell
 * a guesser when it guessed right). IPv6 clients count per /64 network, since one host commonly
 * owns a whole /64.
 *
 * <p>Memory is bounded whatever the number of addresses: at most {@link #MAX_ADDRESSES} are
 * tracked, and the one whose last failure is oldest is forgotten first. An attacker who controls
 * more addresses than that gets {@code limit} guesses per address either way.
 */
final class FailedAttempts {

  static final int MAX_ADDRESSES = 10_000;
  static final Duration WINDOW = Duration.ofMinutes(1);

  private final int limit;
  private final Clock clock;
  private final Map<String, Window> byAddress =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
          return size() > MAX_ADDRESSES;
        }
      };

  FailedAttempts(int limit, Clock clock) {
    this.limit = limit;
    this.clock = clock;
  }

  /** The failures of one address in the minute that started with the first of them. */
  private record Window(Instant start, int failures) {}

  /** How long token requests from {@code address} are still refused; empty if they are not. */
  synchronized Optional<Duration> blockedFor(String address) {
    Instant now = clock.instant();
    String key = key(address);
    Window window = byAddress.get(key);
    if (window == null) {
      return Optional.empty();
    }
    Instant end = window.start().plus(WINDOW);
    if (!now.isBefore(end)) {
      byAddress.remove(key);
      return Optional.empty();
    }
    return window.failures() >= limit ? Optional.of(Duration.between(now, end)) : Optional.empty();
  }

  /** Records one failure; true when it is the one that reaches the limit. */
  synchronized boolean fail(String address) {
    Instant now = clock.instant();
    String key = key(address);
    Window window = byAddress.get(key);
    if (window == null || !now.isBefore(window.start().plus(WINDOW))) {
      window = new Window(now, 0);
    }
    window = new Window(window.start(), window.failures() + 1);
    byAddress.put(key, window);
    return window.failures() == limit;
  }

  synchronized int trackedAddresses() {
    return byAddress.size();
  }

  int limit() {
    return limit;
  }

  static String key(String address) {
    if (address == null || address.indexOf(':') < 0) {
      return String.valueOf(address);
    }
    try {
      byte[] bytes = InetAddress.getByName(address).getAddress();
      if (bytes.length == 16) {
        return "v6:" + java.util.HexFormat.of().formatHex(Arrays.copyOf(bytes, 8)) + "/64";
      }
      return InetAddress.getByAddress(bytes).getHostAddress();
    } catch (UnknownHostException notALiteral) {
      return address;
    }
  }
}
