-- The orphan sweep asks, for every output entry no job id claims, whether a result_path is that
-- entry or lies below it. Without an index each question read the whole table (O(orphans x jobs)).
create index jobs_result_path_idx on jobs (result_path);
