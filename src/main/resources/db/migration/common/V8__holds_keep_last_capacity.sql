-- Holds (issue 12): a held job is never deleted by any path. Columns on jobs, not a table of their
-- own, so that the claim's one conditional update re-checks the hold with no join: a hold placed
-- while a run is going on wins. A hold may be placed on a pending or running job and survives its
-- completion.
alter table jobs add column held_at timestamp with time zone;
alter table jobs add column held_by varchar(64);
alter table jobs add column hold_reason varchar(1024);
create index jobs_held_idx on jobs (held_at);

-- What a run kept back: expired jobs it skipped because they are held, and expired completed jobs
-- it kept because they are among the RETENTION_KEEP_LAST most recent.
alter table cleanup_runs add column held_jobs bigint not null default 0;
alter table cleanup_runs add column kept_last_jobs bigint not null default 0;

-- Runs started by the capacity watermarks.
alter table cleanup_runs drop constraint cleanup_runs_trigger_known;
alter table cleanup_runs add constraint cleanup_runs_trigger_known
    check ("trigger" in ('schedule', 'cli', 'api', 'capacity'));
