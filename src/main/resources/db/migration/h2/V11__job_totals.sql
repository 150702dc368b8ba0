-- See the PostgreSQL copy of this migration for what the tables hold and why. H2's triggers are
-- Java classes that fire once per row: dev.storekeeper.jobs.JobTotalsTrigger keeps both tables.
-- Only H2's administrator may create one, and the service connects without admin rights, so the
-- trigger is created by the next migration (db.migration.h2.V11_1__job_totals_trigger, in Java).
create table job_totals (
    name         varchar(16) not null,
    stripe       smallint    not null,
    jobs         bigint      not null default 0,
    upload_bytes bigint      not null default 0,
    output_bytes bigint      not null default 0,
    primary key (name, stripe)
);

create table job_completions (
    status       varchar(16) not null,
    span         varchar(4)  not null,
    slot         bigint      not null,
    jobs         bigint      not null default 0,
    upload_bytes bigint      not null default 0,
    output_bytes bigint      not null default 0,
    primary key (status, span, slot),
    constraint job_completions_span_known check (span in ('day', 'hour'))
);

insert into job_totals (name, stripe)
select name, stripe
  from (values ('pending'), ('running'), ('completed'), ('failed'), ('cancelled'), ('deleting'),
               ('stuck'), ('held')) as names (name)
 cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14),
                    (15)) as stripes (stripe);

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

