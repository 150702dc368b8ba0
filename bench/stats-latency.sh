#!/usr/bin/env bash
# GET /cleanup/stats latency in PostgreSQL at several store sizes in one run (issue 15: p99 <= 10 ms
# over 200 calls at 10,000 and at 1,000,000 jobs, i.e. constant time; issue 5: p99 < 50 ms at
# 100,000).
#
# Recreates the database $BENCH_DB (default storekeeper_bench), starts the service jar against it
# (the schema comes from Flyway at start), then for each size grows the store to that many jobs with
# generate_series (in chunks of $BENCH_CHUNK), calls the endpoint and prints p50/p95/p99/max, the
# statement alone in psql, and the machine's load (uptime) before and after. Ends with one summary
# line per size. Exit status 1 when the p99 target is missed at any size.
#
#   bench/stats-latency.sh                       # 10,000 then 1,000,000 jobs (seeding 1M: minutes)
#   BENCH_SIZES="100000" BENCH_TARGET_P99_MS=50 bench/stats-latency.sh   # issue 5's case
#   BENCH_JAR=/tmp/other/storekeeper.jar bench/stats-latency.sh   # another build, e.g. to compare
#
# Needs: a local PostgreSQL reachable as postgres@127.0.0.1 without password, psql, curl, Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${BENCH_DB:-storekeeper_bench}"
sizes="${BENCH_SIZES:-${BENCH_JOBS:-10000 1000000}}"
chunk="${BENCH_CHUNK:-100000}"
calls="${BENCH_CALLS:-200}"
warmup="${BENCH_WARMUP:-20}"
port="${BENCH_PORT:-18090}"
target_ms="${BENCH_TARGET_P99_MS:-10}"
out=bench/out
jar="${BENCH_JAR:-target/storekeeper.jar}"
token="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
psql=(psql -X -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)

# shellcheck source=lib/service-on-postgres.sh
. bench/lib/service-on-postgres.sh

status=0
seeded=0
summary=()
for jobs in $sizes; do
  echo "== growing the store to $jobs jobs"
  start=$(date +%s)
  while (( seeded < jobs )); do
    last=$(( seeded + chunk < jobs ? seeded + chunk : jobs ))
    "${psql[@]}" -d "$db" -v first="$(( seeded + 1 ))" -v jobs="$last" -f bench/seed-jobs.sql
    seeded=$last
  done
  "${psql[@]}" -d "$db" -c "vacuum analyze jobs" -c "vacuum analyze job_totals" \
    -c "vacuum analyze job_completions" -c "vacuum analyze cleanup_runs"
  echo "seeded in $(( $(date +%s) - start )) s: $("${psql[@]}" -d "$db" -tAc "select count(*) from jobs") jobs, $("${psql[@]}" -d "$db" -tAc "select count(*) from job_completions") hours of completions, $("${psql[@]}" -d "$db" -tAc "select count(*) from cleanup_runs") ledger runs"

  before="$(uptime)"
  echo "== machine: $(nproc) CPUs; uptime: $before"
  echo "== baseline: GET /cleanup/runs?limit=1 x $calls (a cheap admin endpoint: HTTP, security, JSON, 2 small queries)"
  java bench/StatsLatency.java "http://127.0.0.1:$port/cleanup/runs?limit=1" "$token" "$calls" "$warmup" "$target_ms" | tee "$out/baseline-$jobs.txt" || true
  echo "== GET /cleanup/stats x $calls (after $warmup warm-up calls) at $jobs jobs"
  java bench/StatsLatency.java "http://127.0.0.1:$port/cleanup/stats" "$token" "$calls" "$warmup" "$target_ms" | tee "$out/stats-$jobs.txt" || status=1
  echo "== the statistics statement alone, in PostgreSQL (plan, then 20 executions)"
  "${psql[@]}" -d "$db" -f bench/explain-usage.sql | grep -E "Scan|Execution Time" || true
  statement=$(for _ in $(seq 1 20); do
    "${psql[@]}" -d "$db" -f bench/explain-usage.sql | sed -n 's/.*Execution Time: \([0-9.]*\) ms/\1/p'
  done | sort -n | awk '{ t[NR] = $1 } END { printf "min=%.2f median=%.2f max=%.2f", t[1], t[int((NR + 1) / 2)], t[NR] }')
  echo "statement_ms: $statement"
  after="$(uptime)"
  echo "== machine after: uptime: $after"
  summary+=("jobs=$jobs stats $(sed -n 's/.*\(p50_ms=[0-9.]*\).*\(p99_ms=[0-9.]*\).*/\1 \2/p' "$out/stats-$jobs.txt") baseline $(sed -n 's/.*\(p50_ms=[0-9.]*\).*\(p99_ms=[0-9.]*\).*/\1 \2/p' "$out/baseline-$jobs.txt") statement_ms $statement load_before '${before##*average: }' load_after '${after##*average: }'")
done
echo "== summary (target p99 <= $target_ms ms at every size)"
printf '%s\n' "${summary[@]}"
exit "$status"
