-- The statement JobTotalsRepository.usage runs for GET /cleanup/stats (V11's running totals), with
-- the default retention (completed 30 days, failed and cancelled 7) and the same literals it binds:
-- the totals' rows; for each finished status the days of completions before its cutoff's day and
-- that day's hours before the cutoff's hour; the jobs of the cutoff's own hour (an index-only range
-- of jobs_status_completed_idx).
select now() - interval '30 days' as completed, now() - interval '7 days' as failed \gset
select floor(extract(epoch from :'completed'::timestamptz) / 86400)::bigint as cday,
       floor(extract(epoch from :'completed'::timestamptz) / 3600)::bigint as chour,
       to_timestamp(floor(extract(epoch from :'completed'::timestamptz) / 3600) * 3600) as cfrom,
       floor(extract(epoch from :'failed'::timestamptz) / 86400)::bigint as fday,
       floor(extract(epoch from :'failed'::timestamptz) / 3600)::bigint as fhour,
       to_timestamp(floor(extract(epoch from :'failed'::timestamptz) / 3600) * 3600) as ffrom \gset
explain (analyze, timing off)
select 'total' as part, name, sum(jobs) as jobs, sum(upload_bytes) as upload_bytes,
       sum(output_bytes) as output_bytes
  from job_totals group by name
union all
select 'expired', status, sum(jobs), sum(upload_bytes), sum(output_bytes)
  from job_completions
 where (status = 'completed'
        and (span = 'day' and slot < :cday
             or span = 'hour' and slot >= :cday * 24 and slot < :chour))
    or (status = 'failed'
        and (span = 'day' and slot < :fday
             or span = 'hour' and slot >= :fday * 24 and slot < :fhour))
    or (status = 'cancelled'
        and (span = 'day' and slot < :fday
             or span = 'hour' and slot >= :fday * 24 and slot < :fhour))
 group by status
union all
select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
 where status = 'completed' and completed_at >= :'cfrom' and completed_at < :'completed'
 group by status
union all
select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
 where status = 'failed' and completed_at >= :'ffrom' and completed_at < :'failed'
 group by status
union all
select 'expired', status, count(*), sum(upload_bytes), sum(output_bytes) from jobs
 where status = 'cancelled' and completed_at >= :'ffrom' and completed_at < :'failed'
 group by status;
