package dev.storekeeper.processing;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.storekeeper.jobs.ProcessingQueue;
import java.time.Clock;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The db-scheduler one-time task {@code process_job}: one execution per job, instance id = job id.
 * Whichever node polls first runs it; if that node dies, db-scheduler notices the missing
 * heartbeats and revives the execution elsewhere, and {@link JobWorker} retries the job.
 */
@Configuration(proxyBeanMethods = false)
class ProcessJobTask {

  static final String NAME = "process_job";

  @Bean
  OneTimeTask<Void> processJob(JobWorker worker) {
    return Tasks.oneTime(NAME)
        .execute((instance, context) -> worker.process(UUID.fromString(instance.getId())));
  }

  @Bean
  ProcessingQueue processingQueue(
      ObjectProvider<SchedulerClient> client, OneTimeTask<Void> processJob, Clock clock) {
    return jobId ->
        client
            .getObject()
            .scheduleIfNotExists(processJob.instance(jobId.toString()), clock.instant());
  }

  static boolean isProcessJob(Task<?> task) {
    return NAME.equals(task.getName());
  }
}
