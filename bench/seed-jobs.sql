-- Seeds :jobs jobs (default run: 100,000) into an empty storekeeper schema, in the shape the
-- service leaves them: 80% completed, 12% failed, 4% cancelled, 2% pending, 2% running; created
-- over the last 180 days; 2 metric rows per finished job; 90 days of hourly cleanup runs in the
-- ledger. Used by stats-latency.sh: psql -v jobs=100000 -f bench/seed-jobs.sql
-- With -v first=N the jobs are numbered from N (default 1), so that a store can be grown in chunks
-- (psql -v first=100001 -v jobs=200000 adds jobs 100001..200000); the ledger is seeded with job 1.
\set ON_ERROR_STOP on
\if :{?first}
\else
  \set first 1
\endif
-- no parallel workers while seeding: they need dynamic shared memory, which a busy machine may lack
set max_parallel_workers_per_gather = 0;

with new_jobs as (
insert into jobs (id, filename, file_path, status, progress, created_at, started_at,
                  completed_at, upload_bytes, output_bytes, attempts)
select id,
       'scan-' || n || '.csv',
       '/srv/storekeeper/data/uploads/' || id || '_scan-' || n || '.csv',
       status,
       case when status in ('pending') then 0 when status = 'running' then 40 else 100 end,
       created,
       case when status = 'pending' then null else created + interval '10 seconds' end,
       case when status in ('completed', 'failed', 'cancelled') then created + interval '5 minutes' end,
       1000 + (n::bigint * 7919) % 5000000,
       case when status = 'completed' then 500 + (n::bigint * 104729) % 20000000 else 0 end,
       1
  from (select n,
               gen_random_uuid() as id,
               case when n % 100 < 80 then 'completed'
                    when n % 100 < 92 then 'failed'
                    when n % 100 < 96 then 'cancelled'
                    when n % 100 < 98 then 'pending'
                    else 'running' end as status,
               now() - ((n::bigint * 37) % (180 * 24 * 60)) * interval '1 minute' as created
          from generate_series(:first, :jobs) as n) as generated
returning id, completed_at)
insert into metrics (job_id, name, "value", unit, created_at)
select id, m.name, random() * 1000, 'mm3', completed_at
  from new_jobs cross join (values ('volume'), ('intensity')) as m(name)
 where completed_at is not null;

select :first = 1 as first_chunk \gset
\if :first_chunk

insert into cleanup_runs (id, "trigger", parameters, dry_run, node, started_at, finished_at,
                          outcome, completed_jobs, failed_jobs, bytes_freed, items_recorded)
select gen_random_uuid(), 'schedule',
       '{"dry_run":false,"old_completed":true,"old_failed":true,"orphans":true,"completed_days":30,'
         || '"failed_days":7,"cancelled_days":7,"orphan_grace_hours":24,"include_unrecognized":false}',
       false, 'node-a:1', now() - h * interval '1 hour', now() - h * interval '1 hour' + interval '2 seconds',
       'succeeded', 30, 5, 123456789, 35
  from generate_series(1, 90 * 24) as h;
\endif

analyze;
