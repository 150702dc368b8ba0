-- See the PostgreSQL copy of this migration. H2's regular expressions need the 'n' flag for '.' to
-- match a newline, which PostgreSQL's do by default; H2 has no STORED keyword.
alter table jobs add column upload_name varchar(255)
    generated always as (left(regexp_replace(file_path, '^.*/', '', 'n'), 255));
create index jobs_upload_name_idx on jobs (upload_name);
