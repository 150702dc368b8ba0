package dev.storekeeper.processing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** How uploaded files are processed. */
@Validated
@ConfigurationProperties("storekeeper.processing")
public record ProcessingProperties(
    /** PROCESSOR: {@code profile} (built in) or {@code command} (runs PROCESSOR_COMMAND). */
    @NotNull(message = "must be set")
        @Pattern(regexp = "profile|command", message = "must be \"profile\" or \"command\"")
        String processor,
    /** PROCESSOR_COMMAND: command template with {input} and {output_dir}; never run by a shell. */
    String processorCommand,
    /**
     * PROCESSOR_ENV: names of further variables (comma-separated) the processor command gets
     * besides PATH, HOME, LANG, LC_* and TMPDIR; names that look like secrets are refused.
     */
    @ProcessorEnvNames String processorEnv,
    /** MAX_CONCURRENT_JOBS: jobs processed in parallel on this node. Default 2. */
    @NotNull(message = "must be set")
        @Min(value = 1, message = "must be a whole number between 1 and 256")
        @Max(value = 256, message = "must be a whole number between 1 and 256")
        Integer maxConcurrentJobs,
    /** PROCESSING_TIMEOUT: seconds after which a running job is failed. Default 3600. */
    @NotNull(message = "must be set") @Min(value = 1, message = "must be a whole number >= 1")
        Long processingTimeout,
    /** PROCESSING_MAX_ATTEMPTS: attempts for a job whose node died mid-run, then it fails. */
    @NotNull(message = "must be set") @Min(value = 1, message = "must be a whole number >= 1")
        Integer maxAttempts) {

  public boolean usesCommand() {
    return "command".equals(processor);
  }
}
