package dev.storekeeper.processing;

import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the processor named by {@code PROCESSOR}. */
@Configuration(proxyBeanMethods = false)
class ProcessingConfig {

  @Bean
  JobProcessor jobProcessor(ProcessingProperties properties) {
    if (!properties.usesCommand()) {
      return new ProfileProcessor();
    }
    String template = properties.processorCommand();
    if (template == null || template.isBlank()) {
      throw new IllegalStateException(
          "Invalid configuration: PROCESSOR=command needs PROCESSOR_COMMAND, a command template"
              + " with {input} and {output_dir}");
    }
    try {
      CommandTemplate.parse(template);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "Invalid configuration: PROCESSOR_COMMAND is not a valid command template: "
              + e.getMessage(),
          e);
    }
    // PROCESSOR_ENV was validated with the other settings; the environment is read once, at start
    return new CommandProcessor(
        template,
        Duration.ofSeconds(properties.processingTimeout()),
        ProcessorEnvironment.parse(properties.processorEnv()).select(System.getenv()));
  }
}
