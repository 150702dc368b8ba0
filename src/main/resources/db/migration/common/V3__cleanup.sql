-- The cleanup ledger: one row per run, one row per item a run deleted (or, dry, would delete).
create table cleanup_runs (
    id                   uuid        primary key,
    "trigger"            varchar(16) not null,
    parameters           varchar(2048) not null,
    dry_run              boolean     not null,
    node                 varchar(255) not null,
    started_at           timestamp with time zone not null,
    finished_at          timestamp with time zone,
    outcome              varchar(16) not null,
    completed_jobs       bigint not null default 0,
    failed_jobs          bigint not null default 0,
    cancelled_jobs       bigint not null default 0,
    resumed_jobs         bigint not null default 0,
    metrics_deleted      bigint not null default 0,
    upload_files_deleted bigint not null default 0,
    output_dirs_deleted  bigint not null default 0,
    orphaned_uploads     bigint not null default 0,
    orphaned_outputs     bigint not null default 0,
    orphan_bytes         bigint not null default 0,
    unrecognized_found   bigint not null default 0,
    unrecognized_bytes   bigint not null default 0,
    unrecognized_deleted bigint not null default 0,
    bytes_freed          bigint not null default 0,
    error_count          bigint not null default 0,
    items_recorded       bigint not null default 0,
    items_expected       bigint not null default 0,
    heartbeat_at         timestamp with time zone,
    errors               varchar(65536),
    constraint cleanup_runs_trigger_known check ("trigger" in ('schedule', 'cli', 'api')),
    constraint cleanup_runs_outcome_known check (outcome in ('running', 'succeeded', 'partial', 'failed'))
);

create index cleanup_runs_started_idx on cleanup_runs (started_at, id);

create table cleanup_items (
    run_id      uuid        not null references cleanup_runs (id) on delete cascade,
    seq         bigint      not null,
    category    varchar(32) not null,
    job_id      uuid,
    path        varchar(8192),
    age_seconds bigint,
    bytes       bigint      not null,
    metrics     bigint      not null default 0,
    reason      varchar(512) not null,
    result      varchar(16) not null,
    error       varchar(2048),
    primary key (run_id, seq)
);

-- The cluster-wide cleanup lock: one row, held by a run whose holder keeps heartbeating.
create table cleanup_lock (
    name         varchar(32) primary key,
    run_id       uuid,
    node         varchar(255),
    acquired_at  timestamp with time zone,
    heartbeat_at timestamp with time zone
);

insert into cleanup_lock (name) values ('cleanup');
