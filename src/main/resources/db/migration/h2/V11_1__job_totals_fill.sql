-- Fills the running totals (V11) from the jobs. H2's triggers are Java classes that fire once per
-- row: dev.storekeeper.jobs.JobTotalsTrigger keeps both tables. Only H2's administrator may create
-- one, and the service connects without admin rights, so the trigger is created by the next
-- migration (db.migration.h2.V11_2__job_totals_trigger, in Java).
update job_totals t
   set jobs = (select count(*) from jobs j where j.status = t.name),
       upload_bytes = (select coalesce(sum(upload_bytes), 0) from jobs j where j.status = t.name),
       output_bytes = (select coalesce(sum(output_bytes), 0) from jobs j where j.status = t.name)
 where stripe = 0 and name <> 'held';

update job_totals
   set jobs = (select count(*) from jobs where held_at is not null),
       upload_bytes = (select coalesce(sum(upload_bytes), 0) from jobs where held_at is not null),
       output_bytes = (select coalesce(sum(output_bytes), 0) from jobs where held_at is not null)
 where stripe = 0 and name = 'held';

insert into job_completions (status, span, slot, jobs, upload_bytes, output_bytes)
select status, span.name, floor(extract(epoch from completed_at) / span.seconds), count(*),
       sum(upload_bytes), sum(output_bytes)
  from jobs cross join (values ('day', 86400), ('hour', 3600)) as span (name, seconds)
 where status in ('completed', 'failed', 'cancelled') and completed_at is not null
 group by status, span.name, floor(extract(epoch from completed_at) / span.seconds);

