-- The name of the entry a job's file_path points at, whatever directory it was written with
-- (absolute, relative, from another machine), so that the orphan sweep can ask "does any job
-- reference this entry?" with one index lookup per batch. Uploads imported from the reference
-- application are named by a UUID that is not their job's id: by name alone they look orphaned.
-- Generated, so rows inserted by hand or by an import get it too. Cut to 255 characters (longer
-- file names do not exist) so that the index entry always fits.
alter table jobs add column upload_name varchar(255)
    generated always as (left(regexp_replace(file_path, '^.*/', ''), 255)) stored;
create index jobs_upload_name_idx on jobs (upload_name);
