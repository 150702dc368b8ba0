-- A run that listed the bucket ahead of its deletions (the orphan sweep's listing, taken while the
-- run deletes expired jobs) asks, per batch of listed entries without a row, which of their jobs
-- it removed itself: by run and job id, not by a scan of the run's whole ledger per batch.
create index cleanup_items_run_job on cleanup_items (run_id, job_id);
