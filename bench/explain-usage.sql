-- The statement JobRepository.usage runs for GET /cleanup/stats, with the default retention.
explain (analyze, timing off)
select 'completed' as status, count(*) as jobs, coalesce(sum(upload_bytes), 0) as upload_bytes,
       coalesce(sum(output_bytes), 0) as output_bytes,
       count(*) filter (where completed_at < now() - interval '30 days') as expired_jobs,
       coalesce(sum(upload_bytes + output_bytes)
                filter (where completed_at < now() - interval '30 days'), 0) as expired_bytes
  from jobs where status = 'completed'
union all
select 'failed', count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0),
       count(*) filter (where completed_at < now() - interval '7 days'),
       coalesce(sum(upload_bytes + output_bytes) filter (where completed_at < now() - interval '7 days'), 0)
  from jobs where status = 'failed'
union all
select 'cancelled', count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0),
       count(*) filter (where completed_at < now() - interval '7 days'),
       coalesce(sum(upload_bytes + output_bytes) filter (where completed_at < now() - interval '7 days'), 0)
  from jobs where status = 'cancelled'
union all
select status, count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0), 0, 0
  from jobs where status in ('pending', 'running', 'deleting') group by status;
