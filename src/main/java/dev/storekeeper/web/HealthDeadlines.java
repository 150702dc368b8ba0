package dev.storekeeper.web;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every health check answers within {@link #DEADLINE}, so {@code /health} and {@code
 * /actuator/health} keep answering when what they check hangs. The usual case is the database being
 * unreachable: each check that needs a connection would otherwise wait the pool's whole connection
 * timeout (30 s), one after the other. A check that misses its deadline is reported DOWN with what
 * it is waiting for; it goes on in the background, and callers meanwhile share it instead of
 * starting another, so an outage cannot pile up threads.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class HealthDeadlines {

  static final Duration DEADLINE = Duration.ofSeconds(2);

  @Bean
  static Wrapper healthDeadlineWrapper() {
    return new Wrapper();
  }

  /** Wraps each health indicator bean as it is created. */
  static final class Wrapper implements BeanPostProcessor, DisposableBean {
    private final ExecutorService checks =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "health-check");
              thread.setDaemon(true);
              return thread;
            });

    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
      if (bean instanceof HealthIndicator indicator && !(bean instanceof Bounded)) {
        return new Bounded(name, indicator, checks);
      }
      return bean;
    }

    @Override
    public void destroy() {
      checks.shutdownNow();
    }
  }

  /** One indicator with a deadline; at most one check of it runs at a time. */
  static final class Bounded implements HealthIndicator {
    private final String name;
    private final HealthIndicator delegate;
    private final ExecutorService checks;
    private Future<Health> running;
    private long runningSince;

    Bounded(String name, HealthIndicator delegate, ExecutorService checks) {
      this.name = name;
      this.delegate = delegate;
      this.checks = checks;
    }

    @Override
    public Health health() {
      Future<Health> check;
      long since;
      synchronized (this) {
        if (running == null || running.isDone()) {
          running = checks.submit((Callable<Health>) delegate::health);
          runningSince = System.nanoTime();
        }
        check = running;
        since = runningSince;
      }
      long waited = System.nanoTime() - since;
      try {
        return check.get(Math.max(0, DEADLINE.toNanos() - waited), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        return Health.down()
            .withDetail(
                "error",
                "no answer within "
                    + DEADLINE.toSeconds()
                    + " s; the check has been waiting for "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - since)
                    + " s (an unreachable database or data volume?)")
            .build();
      } catch (ExecutionException e) {
        return Health.down().withException(e.getCause()).build();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Health.unknown().withDetail("error", "interrupted").build();
      }
    }

    @Override
    public String toString() {
      return "health check " + name;
    }
  }
}
