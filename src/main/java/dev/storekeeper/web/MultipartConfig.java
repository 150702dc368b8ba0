package dev.storekeeper.web;

import dev.storekeeper.storage.StorageLayout;
import dev.storekeeper.storage.StorageProperties;
import jakarta.servlet.MultipartConfigElement;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Uploads larger than 1 MB are spooled in {@code DATA_DIR/.spool} (an absolute path: the servlet
 * container resolves relative ones against its own work directory), on the data volume, so that
 * moving them into {@code uploads/} is a rename rather than a second copy. While reading, the
 * container stops at {@code MAX_UPLOAD_BYTES} for the file and at that plus the framing allowance
 * for the whole request (which matters for chunked bodies, whose size {@link UploadLimits} cannot
 * check in advance), and at one part ({@code server.tomcat.max-part-count=1}), so that no more than
 * one file is ever spooled.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
class MultipartConfig {

  private static final int IN_MEMORY_THRESHOLD = 1024 * 1024;

  @Bean
  MultipartConfigElement multipartConfigElement(StorageLayout layout, StorageProperties storage) {
    return new MultipartConfigElement(
        layout.spoolDir().toString(),
        storage.maxUploadBytes(),
        UploadLimits.capFor(storage.maxUploadBytes()),
        IN_MEMORY_THRESHOLD);
  }
}
