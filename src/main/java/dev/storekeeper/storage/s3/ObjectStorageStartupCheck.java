package dev.storekeeper.storage.s3;

import dev.storekeeper.config.InvalidSettingsException;
import java.time.Clock;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.PropertyResolver;

/**
 * With {@code STORAGE_BACKEND=s3}, probes the bucket before anything else starts, service and CLI
 * alike: write, read back, list and delete an object under {@code {prefix}.storekeeper/}. A bucket
 * that is missing, unreachable, read-only or refuses the credentials stops start-up with a message
 * naming the setting at fault, instead of the first upload failing.
 *
 * <p>Runs right after the settings check (which has validated the values), before any bean exists.
 * With the default filesystem backend it only binds the settings: no SDK class is loaded.
 */
class ObjectStorageStartupCheck
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  @Override
  public int getOrder() {
    // after SettingsCheck (LoggingApplicationListener.DEFAULT_ORDER + 1): the values are valid
    return LoggingApplicationListener.DEFAULT_ORDER + 2;
  }

  @Override
  public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
    ObjectStorageProperties settings =
        Binder.get(event.getEnvironment())
            .bindOrCreate("storekeeper.object-storage", Bindable.of(ObjectStorageProperties.class));
    if (settings.isS3()) {
      probe(settings, event.getEnvironment());
    }
  }

  /** Probes the bucket; a failure stops start-up naming the setting at fault. */
  static String probe(ObjectStorageProperties settings, PropertyResolver environment) {
    try (ObjectStore store =
        ObjectStore.open(settings, S3Credentials.from(environment), Clock.systemUTC())) {
      return store.probe();
    } catch (ObjectStoreException e) {
      throw new InvalidSettingsException(e.getMessage());
    }
  }
}
