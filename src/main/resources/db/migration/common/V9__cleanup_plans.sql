-- Plans (issue 12): a plan is a dry run saved for review, so it is a row of the ledger like any
-- other run (its items are the dry run's items) and goes with the ledger after CLEANUP_HISTORY_DAYS.
-- An apply run names the plan it applied; its candidates were only that plan's items.
alter table cleanup_runs add column is_plan boolean not null default false;
alter table cleanup_runs add column plan_id uuid;
-- plan: the items it would delete; apply: the plan's items it went through, and those it skipped
-- as no longer eligible
alter table cleanup_runs add column planned_items bigint not null default 0;
alter table cleanup_runs add column skipped_items bigint not null default 0;
create index cleanup_runs_plan_idx on cleanup_runs (plan_id);
