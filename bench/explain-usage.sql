-- The statement JobTotalsRepository.usage runs for GET /cleanup/stats (V11's running totals), with
-- the default retention: the totals' rows, the hours of completions before each cutoff's hour, and
-- the jobs of each cutoff's own hour (an index-only range of jobs_status_completed_idx).
explain (analyze, timing off)
with cutoff (status, at) as (
  values ('completed', now() - interval '30 days'), ('failed', now() - interval '7 days'),
         ('cancelled', now() - interval '7 days')),
hours as (
  select status, at, floor(extract(epoch from at) / 3600)::bigint as hour,
         to_timestamp(floor(extract(epoch from at) / 3600) * 3600) as hour_start
    from cutoff)
select 'total' as part, name, sum(jobs), sum(upload_bytes), sum(output_bytes)
  from job_totals group by name
union all
select 'expired', c.status, sum(c.jobs), sum(c.upload_bytes), sum(c.output_bytes)
  from job_completions c join hours h on h.status = c.status and c.completed_hour < h.hour
 group by c.status
union all
select 'expired', j.status, count(*), sum(j.upload_bytes), sum(j.output_bytes)
  from hours h join jobs j on j.status = h.status and j.completed_at >= h.hour_start
                          and j.completed_at < h.at
 group by j.status;
