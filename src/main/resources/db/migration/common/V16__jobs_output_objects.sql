-- The objects of a job's outputs on the S3 backend, written when its outputs are uploaded (or
-- migrated): a JSON array of [relative path, bytes] pairs. Cleanup deletes exactly these keys in
-- batched DeleteObjects requests instead of listing outputs/{job_id}/ once per job; no row (the
-- filesystem, or more objects than the worker records) means "list the prefix". Objects the list
-- misses (an earlier attempt's) are under outputs/{job_id}/ and so go with the orphan sweep.
-- A table of its own, not a column of jobs: on H2 altering jobs re-creates its triggers (V11),
-- which the service's database user may not do.
create table job_output_objects (
    job_id   uuid primary key references jobs (id) on delete cascade,
    objects  text not null
);
