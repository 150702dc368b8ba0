-- A job (or an orphan's placeholder row) whose files could not be removed stays 'deleting' and is
-- retried by the next run. cleanup_attempts counts the failed attempts; after
-- CLEANUP_MAX_ITEM_ATTEMPTS the row is parked as 'stuck': no run retries it until an operator asks
-- (--retry-stuck), so one poison item cannot make every run partial for ever.
alter table jobs add column cleanup_attempts integer not null default 0;
alter table jobs drop constraint jobs_status_known;
alter table jobs add constraint jobs_status_known
    check (status in ('pending', 'running', 'completed', 'failed', 'cancelled', 'deleting', 'stuck'));
