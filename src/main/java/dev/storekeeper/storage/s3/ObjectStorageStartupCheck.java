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
 * With {@code STORAGE_BACKEND=s3}, probes the bucket and then refuses to start, service and CLI
 * alike: this version validates the S3 settings and can reach the bucket, but uploads, processing,
 * downloads and cleanup still use the filesystem, so running would put files where the operator did
 * not ask. The probe runs first, so an operator can check their bucket, endpoint, region and
 * credentials already; a failing probe names the setting at fault.
 *
 * <p>Runs right after the settings check (which has validated the values), before any bean exists.
 * With the default filesystem backend it only binds the settings: no SDK class is loaded.
 */
class ObjectStorageStartupCheck
    implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

  static final String NOT_YET_AVAILABLE =
      "STORAGE_BACKEND=s3 is validated but not yet available in this version: the probe of %s"
          + " passed (wrote, read back, listed and deleted %s), but uploads, outputs and cleanup still use"
          + " the filesystem. Unset STORAGE_BACKEND (or set it to filesystem) to start.";

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
      refuse(settings, event.getEnvironment());
    }
  }

  /** Probes the bucket, then refuses: the probe's failure, or that s3 is not available yet. */
  static void refuse(ObjectStorageProperties settings, PropertyResolver environment) {
    String probed;
    try (ObjectStore store =
        ObjectStore.open(settings, S3Credentials.from(environment), Clock.systemUTC())) {
      probed = store.probe();
    } catch (ObjectStoreException e) {
      throw new InvalidSettingsException(e.getMessage());
    }
    throw new InvalidSettingsException(
        NOT_YET_AVAILABLE.formatted(
            "bucket \"" + settings.s3Bucket() + "\" at " + new S3Failures(settings).where(),
            probed));
  }
}
