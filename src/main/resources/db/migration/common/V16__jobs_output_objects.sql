-- The objects of a job's outputs on the S3 backend, written when its outputs are uploaded (or
-- migrated): a JSON array of [relative path, bytes] pairs. Cleanup deletes exactly these keys in
-- batched DeleteObjects requests instead of listing outputs/{job_id}/ once per job; null (the
-- filesystem, or more objects than the worker records) means "list the prefix". Objects the list
-- misses (an earlier attempt's) are under outputs/{job_id}/ and so go with the orphan sweep.
alter table jobs add column output_objects text;
