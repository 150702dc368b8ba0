package dev.storekeeper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class StorekeeperApplication {
  public static void main(String[] args) {
    SpringApplication.run(StorekeeperApplication.class, args);
  }
}
