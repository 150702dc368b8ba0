-- Jobs imported from the reference application (NeuroInsight, `import neuroinsight`), one row per
-- source job id, written in the same transaction as the job's row and metric rows.
--
-- state 'adopting': the job's row is in (held by 'import', so no deletion path takes it) and its
-- files are being moved into the data layout; a rerun finishes the move from the paths recorded
-- here. 'done': files adopted, hold lifted. A row stays after retention deletes the job, so a
-- rerun of the import does not bring a deleted job back. No foreign key: the cleanup deletes jobs
-- without knowing about imports.
create table neuroinsight_imports (
    job_id       uuid          primary key,
    state        varchar(16)   not null,
    upload_from  varchar(8192),
    upload_to    varchar(8192),
    output_from  varchar(8192),
    output_to    varchar(8192),
    started_at   timestamp with time zone not null,
    finished_at  timestamp with time zone,
    constraint neuroinsight_imports_state_known check (state in ('adopting', 'done'))
);
