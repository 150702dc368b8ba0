-- Fills the running totals (V11) from the jobs and creates the triggers that keep them, in one
-- transaction.
-- No writer may slip between the fill and the triggers (another node still running the old jar).
lock table jobs in share row exclusive mode;

update job_totals t
   set jobs = s.jobs, upload_bytes = s.upload_bytes, output_bytes = s.output_bytes
  from (select status as name, count(*) as jobs, sum(upload_bytes) as upload_bytes,
               sum(output_bytes) as output_bytes
          from jobs group by status
        union all
        select 'held', count(*), coalesce(sum(upload_bytes), 0), coalesce(sum(output_bytes), 0)
          from jobs where held_at is not null) as s
 where t.name = s.name and t.stripe = 0;

insert into job_completions (status, span, slot, jobs, upload_bytes, output_bytes)
select status, span.name, floor(extract(epoch from completed_at) / span.seconds), count(*),
       sum(upload_bytes), sum(output_bytes)
  from jobs cross join (values ('day', 86400), ('hour', 3600)) as span (name, seconds)
 where status in ('completed', 'failed', 'cancelled') and completed_at is not null
 group by 1, 2, 3;

-- One row of a statement's changes: a row as it was counts -1, a row as it is +1.
create type job_totals_change as (
    sign         integer,
    status       varchar(16),
    held         boolean,
    stripe       integer,
    completed_at timestamp with time zone,
    upload_bytes bigint,
    output_bytes bigint
);

-- Applies one statement's changes to both tables. Statement-level, so a cleanup batch that claims
-- or deletes 1,000 jobs updates one row per status and stripe instead of 1,000, and an update that
-- changes no counted column (progress) nets to zero and locks nothing. Rows are written in key
-- order, so two statements that both touch several rows take their locks in the same order. Days
-- and hours left with no job are deleted; a concurrent writer adding to one waits for the delete, then
-- inserts it again (ON CONFLICT). The transition tables differ by operation (an insert has no old
-- rows, a delete no new ones), hence the three ways of collecting the changes.
create function job_totals_after() returns trigger language plpgsql as $$
declare
  changes job_totals_change[];
  emptied_days bigint[];
  emptied_hours bigint[];
begin
  if tg_op = 'INSERT' then
    changes := array(select (1, status, held_at is not null, get_byte(uuid_send(id), 15) & 15,
                             completed_at, upload_bytes, output_bytes)::job_totals_change
                       from new_rows);
  elsif tg_op = 'UPDATE' then
    changes := array(select (-1, status, held_at is not null, get_byte(uuid_send(id), 15) & 15,
                             completed_at, upload_bytes, output_bytes)::job_totals_change
                       from old_rows
                     union all
                     select (1, status, held_at is not null, get_byte(uuid_send(id), 15) & 15,
                             completed_at, upload_bytes, output_bytes)::job_totals_change
                       from new_rows);
  else
    changes := array(select (-1, status, held_at is not null, get_byte(uuid_send(id), 15) & 15,
                             completed_at, upload_bytes, output_bytes)::job_totals_change
                       from old_rows);
  end if;
  with c as (select * from unnest(changes)),
  totals as (
    insert into job_totals as t (name, stripe, jobs, upload_bytes, output_bytes)
    select name, stripe, sum(sign), sum(sign * upload_bytes), sum(sign * output_bytes)
      from (select sign, status as name, stripe, upload_bytes, output_bytes from c
            union all
            select sign, 'held', stripe, upload_bytes, output_bytes from c where held) as named
     group by name, stripe
    having sum(sign) <> 0 or sum(sign * upload_bytes) <> 0 or sum(sign * output_bytes) <> 0
     order by name, stripe
    on conflict (name, stripe) do update
       set jobs = t.jobs + excluded.jobs, upload_bytes = t.upload_bytes + excluded.upload_bytes,
           output_bytes = t.output_bytes + excluded.output_bytes
  ),
  spans as (
    insert into job_completions as t (status, span, slot, jobs, upload_bytes, output_bytes)
    select status, span.name, floor(extract(epoch from completed_at) / span.seconds), sum(sign),
           sum(sign * upload_bytes), sum(sign * output_bytes)
      from c cross join (values ('day', 86400), ('hour', 3600)) as span (name, seconds)
     where status in ('completed', 'failed', 'cancelled') and completed_at is not null
     group by 1, 2, 3
    having sum(sign) <> 0 or sum(sign * upload_bytes) <> 0 or sum(sign * output_bytes) <> 0
     order by 1, 2, 3
    on conflict (status, span, slot) do update
       set jobs = t.jobs + excluded.jobs, upload_bytes = t.upload_bytes + excluded.upload_bytes,
           output_bytes = t.output_bytes + excluded.output_bytes
    returning span, slot, jobs = 0 and upload_bytes = 0 and output_bytes = 0 as empty
  )
  select array_agg(slot) filter (where empty and span = 'day'),
         array_agg(slot) filter (where empty and span = 'hour')
    into emptied_days, emptied_hours from spans;
  if emptied_days is not null or emptied_hours is not null then
    delete from job_completions
     where ((span = 'day' and slot = any(emptied_days))
            or (span = 'hour' and slot = any(emptied_hours)))
       and jobs = 0 and upload_bytes = 0 and output_bytes = 0;
  end if;
  return null;
end $$;

create trigger job_totals_insert after insert on jobs
  referencing new table as new_rows for each statement execute function job_totals_after();
create trigger job_totals_update after update on jobs
  referencing old table as old_rows new table as new_rows
  for each statement execute function job_totals_after();
create trigger job_totals_delete after delete on jobs
  referencing old table as old_rows for each statement execute function job_totals_after();

-- TRUNCATE changes no row one by one: it empties the totals with the table.
create function job_totals_truncate() returns trigger language plpgsql as $$
begin
  update job_totals set jobs = 0, upload_bytes = 0, output_bytes = 0;
  delete from job_completions;
  return null;
end $$;

create trigger job_totals_truncate after truncate on jobs
  for each statement execute function job_totals_truncate();
