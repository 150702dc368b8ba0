-- Running totals for the storage statistics (issue 15): GET /cleanup/stats reads these instead of
-- aggregating jobs, so it takes the same time at 10,000 and at 1,000,000 jobs.
--
-- Kept by triggers on jobs, in the transaction of the statement that changes jobs, so no path can
-- forget them: uploads, processing, the cleanup's claims and deletes, holds, parking, imports and an
-- operator's own SQL all go through them. `stats --verify` recomputes both tables from jobs. The
-- next migration fills them and creates the triggers, which differ by database: PostgreSQL's are
-- SQL, per statement (postgresql/V11_1); H2's is a Java class, per row (h2/V11_1, then the Java
-- migration db.migration.h2.V11_2__job_totals_trigger).
--
-- job_totals: jobs and bytes per status, plus the name 'held' for held jobs whatever their status.
-- Every upload adds to the 'pending' figures; one row per status would serialise concurrent uploads
-- on its row lock until they commit, so each status has 16 stripes, chosen by the job id's last
-- byte. A stripe is a partial sum (the fill below puts everything in stripe 0); only the sum over
-- the stripes of a name means anything.
create table job_totals (
    name         varchar(16) not null,
    stripe       smallint    not null,
    jobs         bigint      not null default 0,
    upload_bytes bigint      not null default 0,
    output_bytes bigint      not null default 0,
    primary key (name, stripe)
);

-- job_completions: finished jobs (completed, failed, cancelled) and their bytes by when they
-- completed, twice: per day ('day', days since the epoch, UTC) and per hour ('hour', hours since the
-- epoch). What retention would reclaim now is the days before the cutoff's day, the hours of that
-- day before the cutoff's hour (at most 23), and the jobs of the cutoff's own hour read from
-- jobs_status_completed_idx: bounded by one hour's completions and by the days the cleanup has not
-- emptied yet, not by the number of jobs. A day or hour that no longer holds a job is deleted.
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

-- Every name's 16 stripes, empty.
insert into job_totals (name, stripe)
select name, stripe
  from (values ('pending'), ('running'), ('completed'), ('failed'), ('cancelled'), ('deleting'),
               ('stuck'), ('held')) as names (name)
 cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11), (12), (13), (14),
                    (15)) as stripes (stripe);
