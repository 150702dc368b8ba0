-- The orphan sweep asks, for every output entry no job id claims, whether a result_path is that
-- entry or lies below it. Without an index each question read the whole table (O(orphans x jobs)).
-- The pattern operator class answers the byte-wise range the query uses, whatever the collation.
create index jobs_result_path_idx on jobs (result_path varchar_pattern_ops);
