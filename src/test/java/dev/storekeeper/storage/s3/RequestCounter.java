package dev.storekeeper.storage.s3;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/** Counts the requests the SDK sends, by operation ("DeleteObjectsRequest"), as they go out. */
final class RequestCounter implements ExecutionInterceptor {

  private final Map<String, AtomicInteger> sent = new ConcurrentHashMap<>();

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    sent.computeIfAbsent(context.request().getClass().getSimpleName(), k -> new AtomicInteger())
        .incrementAndGet();
  }

  int count(Class<?> request) {
    AtomicInteger count = sent.get(request.getSimpleName());
    return count == null ? 0 : count.get();
  }
}
