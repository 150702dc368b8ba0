package dev.storekeeper;

import dev.storekeeper.cli.CliLauncher;
import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

@SpringBootApplication
@ConfigurationPropertiesScan
public class StorekeeperApplication {

  public static void main(String[] args) {
    if (CliLauncher.isCommand(args)) {
      System.exit(CliLauncher.run(args));
    }
    SpringApplication.run(StorekeeperApplication.class, args);
  }

  /** The one source of "now" for business logic; tests replace it with a settable clock. */
  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }
}
