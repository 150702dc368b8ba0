#!/usr/bin/env bash
# The dashboard's latency with 100,000 jobs in PostgreSQL (issue 14: the page and each of its data
# calls < 100 ms): GET /dashboard (stats, jobs by status, runs page, holds, 30 days of usage
# samples from 2 nodes, the age histogram) and one run's page with its items, as a logged-in
# browser loads them, next to GET /cleanup/stats for comparison. Prints p50/p95/p99/max; exit
# status 1 when a p99 target is missed. Seeds like stats-latency.sh (bench/seed-jobs.sql) plus
# 30 days of usage samples every 5 minutes for 2 nodes.
#
#   bench/dashboard-latency.sh                     # builds target/storekeeper.jar if missing
#   BENCH_JOBS=1000000 bench/dashboard-latency.sh  # other sizes
#
# Needs: a local PostgreSQL reachable as postgres@127.0.0.1 without password, psql, curl, Java 17.
# Measure on an idle machine: the figures are wall-clock times.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${BENCH_DB:-storekeeper_bench_dashboard}"
jobs="${BENCH_JOBS:-100000}"
calls="${BENCH_CALLS:-200}"
warmup="${BENCH_WARMUP:-20}"
port="${BENCH_PORT:-18091}"
target_ms="${BENCH_TARGET_P99_MS:-100}"
out=bench/out/dashboard
jar="${BENCH_JAR:-target/storekeeper.jar}"
token="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
psql=(psql -X -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)
base="http://127.0.0.1:$port"

# shellcheck source=lib/service-on-postgres.sh
. bench/lib/service-on-postgres.sh

echo "== seeding $jobs jobs and 30 days of usage samples"
"${psql[@]}" -d "$db" -v jobs="$jobs" -f bench/seed-jobs.sql
"${psql[@]}" -d "$db" -c "
  insert into usage_samples (node, sampled_at, upload_bytes, output_bytes, jobs, free_bytes, total_bytes)
  select node, now() - n * interval '5 minutes', 1000000000 + n * 1000, 2000000000 + n * 3000,
         100000 - n, 50000000000 - n * 4000, 250000000000
    from generate_series(0, 30 * 288) as n, (values ('node-a'), ('node-b')) as nodes(node)"
"${psql[@]}" -d "$db" -c "vacuum analyze jobs" -c "vacuum analyze cleanup_runs" -c "vacuum analyze usage_samples"
echo "seeded: $("${psql[@]}" -d "$db" -tAc "select count(*) from jobs") jobs, $("${psql[@]}" -d "$db" -tAc "select count(*) from cleanup_runs") ledger runs, $("${psql[@]}" -d "$db" -tAc "select count(*) from usage_samples") usage samples"
run_id=$(curl -fs -H "Authorization: Bearer $token" "$base/cleanup/runs?limit=1" | sed -n 's/.*"run_id":"\([0-9a-f-]*\)".*/\1/p')

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
echo "== GET /cleanup/stats (the JSON the page's usage panels come from)"
java bench/StatsLatency.java "$base/cleanup/stats" "$token" "$calls" "$warmup" "$target_ms" || status=1
session=$(java bench/DashboardLogin.java "$base" "$token")
echo "== GET /dashboard (the whole page, rendered, with a session from the login form)"
java bench/StatsLatency.java "$base/dashboard" "$session" "$calls" "$warmup" "$target_ms" || status=1
echo "== GET /dashboard/runs/$run_id (one run with its first 100 items)"
java bench/StatsLatency.java "$base/dashboard/runs/$run_id" "$session" "$calls" "$warmup" "$target_ms" || status=1
echo "== machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
