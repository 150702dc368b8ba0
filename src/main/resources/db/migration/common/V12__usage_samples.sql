-- Storage usage over time for the dashboard: one sample per node every few minutes (dashboard.UsageSampler),
-- kept for CLEANUP_HISTORY_DAYS like the run ledger. The byte and job figures are the database's
-- accounting (the same as GET /cleanup/stats); free and total space are the sampling node's data volume.
create table usage_samples (
    node          varchar(255) not null,
    sampled_at    timestamp with time zone not null,
    upload_bytes  bigint not null,
    output_bytes  bigint not null,
    jobs          bigint not null,
    free_bytes    bigint not null,
    total_bytes   bigint not null
);

create index usage_samples_sampled_at on usage_samples (sampled_at);
