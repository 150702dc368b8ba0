package dev.storekeeper.cleanup;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether the service is answering requests now: the cleanup paces itself while it is ({@link
 * CleanupPace}). The web layer reports each request's start and end; in the CLI nothing does, and
 * the cleanup runs at full speed (it runs under {@code nice} instead).
 */
@Component
public class RequestActivity {

  /** Requests this close together are one stream of traffic, not a pause to work in. */
  static final long QUIET_NANOS = 200_000_000L;

  private final LongSupplier nanoTime;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastEnded;

  @Autowired
  public RequestActivity() {
    this(System::nanoTime);
  }

  RequestActivity(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.lastEnded = new AtomicLong(nanoTime.getAsLong() - QUIET_NANOS);
  }

  public void started() {
    inFlight.incrementAndGet();
  }

  public void ended() {
    lastEnded.set(nanoTime.getAsLong());
    inFlight.decrementAndGet();
  }

  /** A request is being answered, or one ended less than {@link #QUIET_NANOS} ago. */
  public boolean busy() {
    return inFlight.get() > 0 || nanoTime.getAsLong() - lastEnded.get() < QUIET_NANOS;
  }
}
