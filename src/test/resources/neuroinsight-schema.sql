-- NeuroInsight's own DDL (issue 13): enum names, timestamps without time zone, float columns.
-- Read by ReferenceApp (the import's tests) and reliability/cases/importcrash.py.
create type jobstatus as enum ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED');
create table jobs (
    id uuid primary key,
    filename varchar(255) not null,
    file_path text,
    status jobstatus not null,
    progress integer not null,
    current_step varchar(255),
    error_message text,
    created_at timestamp not null,
    started_at timestamp,
    completed_at timestamp,
    result_path text
);
create table metrics (
    id uuid primary key,
    job_id uuid not null references jobs(id) on delete cascade,
    region varchar(100) not null,
    left_volume float not null,
    right_volume float not null,
    asymmetry_index float not null,
    created_at timestamp not null
);
