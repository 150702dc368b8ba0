package dev.storekeeper.storage.s3;

import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The bucket's client, only with {@code STORAGE_BACKEND=s3}: on the filesystem backend there is no
 * {@link ObjectStore} bean and no SDK class is loaded. Users take it as {@code
 * Optional<ObjectStore>}; a job whose row names an object ({@link ObjectLocations}) is served from
 * the bucket, any other from the filesystem.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
    name = "storekeeper.object-storage.storage-backend",
    havingValue = ObjectStorageProperties.S3)
class ObjectStorageConfig {

  @Bean(destroyMethod = "close")
  ObjectStore objectStore(ObjectStorageProperties settings, Environment environment, Clock clock) {
    return ObjectStore.open(settings, S3Credentials.from(environment), clock);
  }

  @Bean(destroyMethod = "close")
  PresignedDownloads presignedDownloads(
      ObjectStorageProperties settings, Environment environment, ObjectStore store) {
    return new PresignedDownloads(settings, S3Credentials.from(environment), store.keys());
  }

  @Bean
  ObjectLocations objectLocations(ObjectStore store) {
    return new ObjectLocations(store.bucket(), store.keys());
  }
}
