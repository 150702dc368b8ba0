#!/usr/bin/env bash
# GET /cleanup/stats latency with 100,000 jobs in PostgreSQL (issue 5: p99 < 50 ms over 200 calls).
#
# Recreates the database $BENCH_DB (default storekeeper_bench), starts the service jar against it
# (the schema comes from Flyway at start), seeds the jobs with generate_series, calls the endpoint
# and prints p50/p95/p99/max. Exit status 1 when the p99 target is missed.
#
#   bench/stats-latency.sh                       # builds target/storekeeper.jar if missing
#   BENCH_JOBS=1000000 bench/stats-latency.sh    # other sizes
#   BENCH_JAR=/tmp/other/storekeeper.jar bench/stats-latency.sh   # another build, e.g. to compare
#
# Needs: a local PostgreSQL reachable as postgres@127.0.0.1 without password, psql, curl, Java 17.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${BENCH_DB:-storekeeper_bench}"
jobs="${BENCH_JOBS:-100000}"
calls="${BENCH_CALLS:-200}"
warmup="${BENCH_WARMUP:-20}"
port="${BENCH_PORT:-18090}"
target_ms="${BENCH_TARGET_P99_MS:-50}"
out=bench/out
jar="${BENCH_JAR:-target/storekeeper.jar}"
token="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
psql=(psql -X -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)

mkdir -p "$out"
if [[ ! -f "$jar" ]]; then
  mvn -B -q package -DskipTests
fi

echo "== database $db: recreated"
"${psql[@]}" -d postgres -c "drop database if exists $db" -c "create database $db"

echo "== service on port $port (log: $out/service.log)"
rm -rf "$out/data"
SERVER_PORT="$port" DATA_DIR="$out/data" ADMIN_TOKEN="$token" CLEANUP_ENABLED=false \
  SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$db" SPRING_DATASOURCE_USERNAME=postgres \
  SPRING_DATASOURCE_PASSWORD= \
  java -jar "$jar" >"$out/service.log" 2>&1 &
service=$!
trap 'kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fs -o /dev/null "http://127.0.0.1:$port/health"; then break; fi
  if ! kill -0 "$service" 2>/dev/null; then echo "the service stopped; see $out/service.log" >&2; exit 2; fi
  sleep 1
done
curl -fs -o /dev/null "http://127.0.0.1:$port/health"

echo "== seeding $jobs jobs"
start=$(date +%s)
"${psql[@]}" -d "$db" -v jobs="$jobs" -f bench/seed-jobs.sql
"${psql[@]}" -d "$db" -c "vacuum analyze jobs" -c "vacuum analyze cleanup_runs"
echo "seeded in $(( $(date +%s) - start )) s: $("${psql[@]}" -d "$db" -tAc "select count(*) from jobs") jobs, $("${psql[@]}" -d "$db" -tAc "select count(*) from metrics") metric rows, $("${psql[@]}" -d "$db" -tAc "select count(*) from cleanup_runs") ledger runs"

echo "== machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== baseline: GET /cleanup/runs?limit=1 x $calls (a cheap admin endpoint: HTTP, security, JSON, 2 small queries)"
java bench/StatsLatency.java "http://127.0.0.1:$port/cleanup/runs?limit=1" "$token" "$calls" "$warmup" "$target_ms" || true
echo "== GET /cleanup/stats x $calls (after $warmup warm-up calls)"
status=0
java bench/StatsLatency.java "http://127.0.0.1:$port/cleanup/stats" "$token" "$calls" "$warmup" "$target_ms" || status=$?
echo "== the statistics statement alone, in PostgreSQL (plan, then 20 executions)"
"${psql[@]}" -d "$db" -f bench/explain-usage.sql | grep -E "Scan|Execution Time" || true
for _ in $(seq 1 20); do
  "${psql[@]}" -d "$db" -f bench/explain-usage.sql | sed -n 's/.*Execution Time: \([0-9.]*\) ms/\1/p'
done | sort -n | awk '{ t[NR] = $1 } END { printf "statement_ms: min=%.1f median=%.1f max=%.1f\n", t[1], t[int((NR + 1) / 2)], t[NR] }'
echo "== machine after: load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$status"
