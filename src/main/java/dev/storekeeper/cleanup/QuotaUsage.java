package dev.storekeeper.cleanup;

import dev.storekeeper.jobs.JobRepository;

/**
 * STORAGE_QUOTA_BYTES against the database's accounting of every job's upload and output bytes
 * (jobs being deleted included: their files are still there until the deletion finishes).
 */
final class QuotaUsage implements StorageUsage {

  private final JobRepository jobs;
  private final long quotaBytes;

  QuotaUsage(JobRepository jobs, long quotaBytes) {
    this.jobs = jobs;
    this.quotaBytes = quotaBytes;
  }

  @Override
  public Usage measure() {
    return new Usage(Source.QUOTA, "quota", jobs.accountedBytes(), quotaBytes);
  }
}
