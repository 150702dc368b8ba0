#!/usr/bin/env bash
# Concurrent uploads against the running totals (V11), in PostgreSQL: pgbench clients each insert one
# pending job per transaction and hold the transaction open for BENCH_HOLD_MS (what an upload's
# transaction does after its insert: enqueue the processing task, commit), in three set-ups:
#   none      - no totals triggers (the floor);
#   stripes16 - V11 as shipped: 16 stripes per status;
#   stripes1  - V11 with every job in stripe 0: one row per status, the row lock every upload waits on;
#   stripesN  - (BENCH_VARIANTS="none stripes64 ...") V11 with N stripes, N a power of two.
# Prints transactions per second and latency for each. Recreates $BENCH_DB (default
# storekeeper_contention) from the migration files.
#
#   bench/totals-contention.sh                   # 8 clients, 20 s each, 2 ms held
#   BENCH_CLIENTS=16 BENCH_SECONDS=30 bench/totals-contention.sh
#
# Needs: a local PostgreSQL reachable as postgres@127.0.0.1 without password, psql, pgbench.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${BENCH_DB:-storekeeper_contention}"
clients="${BENCH_CLIENTS:-8}"
seconds="${BENCH_SECONDS:-20}"
hold_ms="${BENCH_HOLD_MS:-2}"
psql=(psql -X -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1)
migrations=src/main/resources/db/migration
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat >"$script" <<SQL
begin;
insert into jobs (id, filename, file_path, status, created_at, upload_bytes)
values (gen_random_uuid(), 'bench.csv', '/bench/' || random(), 'pending', now(), 1000);
select pg_sleep($hold_ms / 1000.0);
commit;
SQL

setup() {
  "${psql[@]}" -d postgres -c "drop database if exists $db" -c "create database $db" 2>/dev/null
  for f in $(ls "$migrations"/common/*.sql "$migrations"/postgresql/*.sql \
               | awk -F/ '{ v = $NF; sub(/^V/, "", v); sub(/__.*/, "", v); print v "\t" $0 }' \
               | sort -t. -k1,1n -k2,2n | cut -f2); do
    if [[ "$1" == stripes* && "$f" == *V11__job_totals.sql ]]; then
      n="${1#stripes}"
      sed -e "s/get_byte(uuid_send(id), 15) & 15/get_byte(uuid_send(id), 15) % $n/g" \
          -e "s/generate_series(0, 15)/generate_series(0, $(( n - 1 )))/" "$f" \
        | "${psql[@]}" -1 -d "$db" -f -
    else
      "${psql[@]}" -1 -d "$db" -f "$f"
    fi
  done
  if [[ "$1" == none ]]; then
    "${psql[@]}" -d "$db" -c "drop trigger job_totals_insert on jobs" \
      -c "drop trigger job_totals_update on jobs" -c "drop trigger job_totals_delete on jobs"
  fi
}

echo "== machine: $(nproc) CPUs; uptime: $(uptime)"
for variant in ${BENCH_VARIANTS:-none stripes16 stripes1}; do
  setup "$variant"
  result=$(pgbench -n -h 127.0.0.1 -U postgres -c "$clients" -j "$clients" -T "$seconds" \
             -f "$script" "$db" 2>&1)
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$result")
  latency=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$result")
  check=$("${psql[@]}" -d "$db" -tAc \
    "select (select count(*) from jobs) || ' jobs, totals say '
            || coalesce((select sum(jobs) from job_totals where name = 'pending'), 0)")
  echo "$variant: clients=$clients hold_ms=$hold_ms tps=$tps latency_avg_ms=$latency ($check)"
done
echo "== machine after: uptime: $(uptime)"
