#!/usr/bin/env bash
# Cleanup benchmarks (issue 6), side by side with the physical floor. Run by hand, never by CI.
#
#   bench/run.sh full 100000     full cleanup, median of 3, floor and ours interleaved
#   bench/run.sh dry 100000      dry run, then the real run: same items?
#   bench/run.sh memory 500000   full cleanup on disk with -Xmx$BENCH_XMX (128m): peak RSS, heap, ratio
#   bench/run.sh million         the same at 1,000,000 jobs with -Xmx64m (issue 15; about an hour)
#   bench/run.sh latency 100000  upload p50/p99 at 60/s, idle vs. during a cleanup (the CLI's; with
#                                BENCH_CLEANUP=service the service's own run, as the schedule starts it)
#   bench/run.sh pacing 100000   the service's own run unpaced vs. paced (CLEANUP_BUSY_SHARE_PERCENT),
#                                $BENCH_REPS interleaved rounds: upload p99 during / idle
#   bench/run.sh s3full 100000   S3 (issue 13): full cleanup on S3Proxy vs. the object-store floor
#   bench/run.sh s3dry 100000    S3: dry run, then the real run: same items? (next to the floor)
#   bench/run.sh s3orphans 1000000  S3: --orphaned-only over a bucket of 1,000,000 keys, -Xmx128m
#   bench/run.sh s3floor 10000   S3: the floor alone (seeding checked through the API)
#   bench/run.sh s3listing 100000  S3: the orphan sweep's listing, one listing vs. ours in parts
#   bench/run.sh s3split 100000  S3: the full cleanup in halves (expiry, sweep) against the floor and
#                                against the least listing a sweep needs after the expiry
#   bench/run.sh s3profile 100000  S3: flight recordings of one real run, ours and S3Proxy's
#   bench/run.sh stats           GET /cleanup/stats p50/p99 at 10,000 and 1,000,000 jobs (issue 15;
#                                bench/stats-latency.sh; database $BENCH_STATS_DB, default storekeeper_bench)
#
# Needs Java 17, Maven, python3, psql and PostgreSQL on 127.0.0.1:5432 (user postgres, trust).
# Environment: BENCH_DB (storekeeper_scale), BENCH_SEED (42), BENCH_REPS (3), BENCH_OUT (bench/out:
# logs, lists), BENCH_DATA (the data directory, /dev/shm/storekeeper-bench/data).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out}
DB=${BENCH_DB:-storekeeper_scale}
SEED=${BENCH_SEED:-42}
REPS=${BENCH_REPS:-3}
JAR=$ROOT/target/storekeeper.jar
mkdir -p "$OUT/logs"
export LC_ALL=C.UTF-8
# tmpfs by default: the root ext4 here is mounted with online discard and shared with other builds,
# which made file times swing 5x between runs; floor and ours always share the same place.
export DATA_DIR=${BENCH_DATA:-/dev/shm/storekeeper-bench/data}
export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB
export SPRING_DATASOURCE_USERNAME=postgres
export CLEANUP_ENABLED=false RETENTION_COMPLETED_DAYS=30 RETENTION_FAILED_DAYS=7 ORPHAN_GRACE_HOURS=24
LISTS=$OUT/lists

psql_db() { psql -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAtX "$@"; }
ms() { date +%s%3N; }
secs() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }
log() { echo "[$(date +%T)] $*" >&2; }

# CPU seconds of PostgreSQL backends that exited (the postmaster's reaped children): our
# connections close when the process ends, so before/after brackets a run's database CPU. Other
# clients' backends that exit meanwhile are counted too; the wall times are noisier still.
PG_PID=$(head -1 "$(psql -h 127.0.0.1 -U postgres -qAtXc 'show data_directory')/postmaster.pid" 2>/dev/null || echo)
pg_cpu() { [[ -n $PG_PID ]] && awk '{ print $16 + $17 }' "/proc/$PG_PID/stat" || echo 0; }
TICKS=$(getconf CLK_TCK)
cpu_of() { awk '{ printf "%d", ($2 + $3) * 1000 }' "$1"; } # /usr/bin/time -f "%e %U %S" -> ms

# ---- set-up ------------------------------------------------------------------------------------

setup() {
  if [[ ! -f $JAR || -n ${BENCH_REBUILD:-} ]]; then
    log "building $JAR"
    mvn -B -q -DskipTests package
  fi
  PGJAR=$(unzip -Z1 "$JAR" | sed -n 's#^BOOT-INF/lib/\(postgresql-.*\.jar\)$#\1#p')
  PGJAR=$(find ~/.m2/repository/org/postgresql/postgresql -name "$PGJAR" | head -1)
  if [[ ! -f $OUT/gen/Generate.class || $ROOT/bench/Generate.java -nt $OUT/gen/Generate.class ]]; then
    javac -nowarn -cp "$PGJAR" -d "$OUT/gen" bench/Generate.java
  fi
  # (grep -q would close the pipe early: unzip's SIGPIPE fails the test under pipefail)
  if [[ $(unzip -Z1 "$JAR") == *BOOT-INF/classes/dev/storekeeper/cli/CleanupCommand.class* ]]; then
    OURS=cli
  else
    # the CLI has not landed on this branch yet: the same start-up, then CleanupService.run
    OURS=inprocess
    if [[ ! -f $OUT/classes/InProcessCleanup.class || $JAR -nt $OUT/classes/InProcessCleanup.class ]]; then
      mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
      javac -nowarn -cp "target/classes:$(cat "$OUT/classpath.txt")" -d "$OUT/classes" bench/InProcessCleanup.java
    fi
  fi
  if ! psql -h 127.0.0.1 -U postgres -tAc "select 1 from pg_database where datname = '$DB'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -qc "create database $DB"
  fi
  if [[ -z $(psql_db -c "select to_regclass('public.jobs')") ]]; then
    log "creating the schema (Flyway, through an application start)"
    mkdir -p "$DATA_DIR"
    ours_cmd --migrate-only >"$OUT/logs/migrate.log" 2>&1
  fi
  if [[ $OURS == cli ]]; then
    # the first start after a build prepares bin/cleanup-storage's class-data archive: not timed
    env -u SPRING_DATASOURCE_URL -u SPRING_DATASOURCE_USERNAME DATA_DIR="$(mktemp -d)" \
      "$ROOT/bin/cleanup-storage" --dry-run >/dev/null 2>&1 || true
  fi
  log "ours = $OURS"
}

# ours_cmd [--dry-run|--migrate-only]: the cleanup as an operator runs it, as a separate process
ours_argv() {
  # shellcheck disable=SC2206
  OURS_ARGV=(java ${JAVA_OPTS:-})
  if [[ $OURS == cli && -z ${BENCH_PLAIN_JAR:-} ]]; then
    # the operator's entry point: java -jar storekeeper.jar cleanup, with its start-up settings
    [[ ${1:-} == --migrate-only ]] && set -- --dry-run
    OURS_ARGV=(env "JAVA_OPTS=${JAVA_OPTS:-}" "$ROOT/bin/cleanup-storage" "$@")
  elif [[ $OURS == cli ]]; then
    [[ ${1:-} == --migrate-only ]] && set -- --dry-run
    OURS_ARGV+=(-jar "$JAR" cleanup "$@")
  else
    OURS_ARGV+=(-cp "$JAR" -Dloader.path="$OUT/classes" -Dloader.main=InProcessCleanup
      org.springframework.boot.loader.launch.PropertiesLauncher "$@")
  fi
}
ours_cmd() { ours_argv "$@"; "${OURS_ARGV[@]}"; }

generate() {
  local n=$1
  rm -rf "$DATA_DIR"
  java -cp "$OUT/gen:$PGJAR" Generate "$n" "$SEED" "$DATA_DIR" \
    "jdbc:postgresql://127.0.0.1:5432/$DB?user=postgres" "$LISTS" >&2
  sync
}

# ---- the floor ---------------------------------------------------------------------------------

# Two DELETEs (ids inline, one transaction), then rm -rf of exactly the known paths, two at a
# time (xargs -P2, 500 paths per rm). Sets FLOOR_SQL_MS, FLOOR_RM_MS.
floor() {
  local t0 t1 t2 c0 c1
  c0=$(pg_cpu)
  t0=$(ms)
  /usr/bin/time -f "%e %U %S" -o "$OUT/logs/floor-sql.time" \
    psql -h 127.0.0.1 -U postgres -d "$DB" -v ON_ERROR_STOP=1 -qAtX -1 -f "$LISTS/floor.sql"
  t1=$(ms)
  /usr/bin/time -f "%e %U %S" -o "$OUT/logs/floor-rm.time" \
    xargs -0 -P2 -n500 rm -rf -- <"$LISTS/floor-paths.0"
  t2=$(ms)
  c1=$(pg_cpu)
  FLOOR_SQL_MS=$((t1 - t0))
  FLOOR_RM_MS=$((t2 - t1))
  FLOOR_CPU_MS=$(( $(cpu_of "$OUT/logs/floor-sql.time") + $(cpu_of "$OUT/logs/floor-rm.time") + (c1 - c0) * 1000 / TICKS ))
}

# What a dry run must at least do: read the expired jobs and their metric counts, measure the paths.
floor_dry() {
  local t0 t1
  t0=$(ms)
  psql_db -c "select j.id, j.file_path, count(m.id) from jobs j left join metrics m on m.job_id = j.id
               where (j.status = 'completed' and j.completed_at < now() - interval '30 days')
                  or (j.status = 'failed' and j.completed_at < now() - interval '7 days')
               group by j.id, j.file_path" >/dev/null
  xargs -0 -P2 -n500 du -sb -- <"$LISTS/floor-paths.0" >/dev/null
  t1=$(ms)
  FLOOR_DRY_MS=$((t1 - t0))
}

# ---- ours --------------------------------------------------------------------------------------

# ours LOG [args]: sets OURS_MS and RUN_ID (the run it recorded)
ours() {
  local logfile=$1 t0 t1 c0 c1
  shift
  ours_argv "$@"
  c0=$(pg_cpu)
  t0=$(ms)
  if ! /usr/bin/time -f "%e %U %S" -o "$logfile.time" "${OURS_ARGV[@]}" >"$logfile" 2>&1; then
    log "cleanup failed, see $logfile"
    tail -20 "$logfile" >&2
    exit 1
  fi
  t1=$(ms)
  c1=$(pg_cpu)
  OURS_MS=$((t1 - t0))
  OURS_CPU_MS=$(( $(cpu_of "$logfile.time") + (c1 - c0) * 1000 / TICKS ))
  RUN_ID=$(psql_db -c "select id from cleanup_runs order by started_at desc limit 1")
  RUN_MS=$(psql_db -c "select round(extract(epoch from finished_at - started_at) * 1000) from cleanup_runs where id = '$RUN_ID'")
}

# ---- checks ------------------------------------------------------------------------------------

# The end state both must reach: only live rows, files and metrics left, nothing expired or orphaned.
check_end_state() {
  local n=$1 who=$2 expired left
  expired=$(cat "$LISTS/expected-jobs.count")
  left=$((n - expired))
  local jobs metrics uploads outputs
  jobs=$(psql_db -c "select count(*) from jobs")
  metrics=$(psql_db -c "select count(*) from metrics")
  uploads=$(ls -f "$DATA_DIR/uploads" | grep -vc '^\.\.\?$' || true)
  outputs=$(ls -f "$DATA_DIR/outputs" | grep -vc '^\.\.\?$' || true)
  if [[ $jobs != "$left" || $metrics != $((left * 5)) || $uploads != "$left" || $outputs != "$left" ]]; then
    log "$who: wrong end state: jobs=$jobs metrics=$metrics uploads=$uploads outputs=$outputs, want $left/$((left * 5))/$left/$left"
    exit 1
  fi
}

# The ledger of run $1 lists exactly the expected items (category, job id, path) with result $2.
check_ledger() {
  local run=$1 result=$2
  local diff
  diff=$(psql_db <<SQL
create temp table expected (category text, job_id uuid, path text);
\copy expected from '$LISTS/expected-items.tsv'
select (select count(*) from (select category, job_id, path from cleanup_items where run_id = '$run'
                              except select * from expected) extra)
       || ' ' ||
       (select count(*) from (select * from expected
                              except select category, job_id, path from cleanup_items where run_id = '$run') missing)
       || ' ' ||
       (select count(*) from cleanup_items where run_id = '$run' and result <> '$result')
       || ' ' ||
       (select count(*) from cleanup_items where run_id = '$run');
SQL
)
  read -r extra missing wrong total <<<"$diff"
  if [[ $extra != 0 || $missing != 0 || $wrong != 0 ]]; then
    log "run $run: ledger differs from the expected items: $extra extra, $missing missing, $wrong not $result"
    exit 1
  fi
  echo "$total"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# ---- figures -----------------------------------------------------------------------------------

full() {
  local n=$1 i floors=() sqls=() rms=() ourss=() runs=() fcpus=() ocpus=()
  printf '\nFull cleanup, N=%d, seed %s, ours=%s, %s, commit %s\n' "$n" "$SEED" "$OURS" \
    "$(date -u +%F)" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
  printf '%-6s %9s %9s %11s %9s %7s %9s %9s %s\n' rep floor_sql floor_rm floor_total ours ratio "run*" "run/floor" "cpu floor/ours/ratio"
  for i in $(seq 1 "$REPS"); do
    generate "$n"
    floor
    check_end_state "$n" floor
    generate "$n"
    ours "$OUT/logs/full-$n-$i.log"
    check_end_state "$n" ours
    local items
    items=$(check_ledger "$RUN_ID" deleted)
    local total=$((FLOOR_SQL_MS + FLOOR_RM_MS))
    floors+=("$total") sqls+=("$FLOOR_SQL_MS") rms+=("$FLOOR_RM_MS") ourss+=("$OURS_MS") runs+=("$RUN_MS") fcpus+=("$FLOOR_CPU_MS") ocpus+=("$OURS_CPU_MS")
    printf '%-6s %9s %9s %11s %9s %7s %9s %9s %s\n' "$i" "$(secs "$FLOOR_SQL_MS")" "$(secs "$FLOOR_RM_MS")" \
      "$(secs "$total")" "$(secs "$OURS_MS")" "$(ratio "$OURS_MS" "$total")" "$(secs "$RUN_MS")" \
      "$(ratio "$RUN_MS" "$total")" \
      "$(secs "$FLOOR_CPU_MS")/$(secs "$OURS_CPU_MS")/$(ratio "$OURS_CPU_MS" "$FLOOR_CPU_MS") ($items items)"
  done
  local mf mo mr
  mf=$(printf '%s\n' "${floors[@]}" | median)
  mo=$(printf '%s\n' "${ourss[@]}" | median)
  mr=$(printf '%s\n' "${runs[@]}" | median)
  printf '%-6s %9s %9s %11s %9s %7s %9s %9s %s\n' median "$(secs "$(printf '%s\n' "${sqls[@]}" | median)")" \
    "$(secs "$(printf '%s\n' "${rms[@]}" | median)")" "$(secs "$mf")" "$(secs "$mo")" "$(ratio "$mo" "$mf")" \
    "$(secs "$mr")" "$(ratio "$mr" "$mf")" \
    "$(secs "$(printf '%s\n' "${fcpus[@]}" | median)")/$(secs "$(printf '%s\n' "${ocpus[@]}" | median)")/$(ratio "$(printf '%s\n' "${ocpus[@]}" | median)" "$(printf '%s\n' "${fcpus[@]}" | median)")"
  echo "ours = wall time of the whole process (JVM and Spring start-up included);"
  echo "run* = the run itself, from the ledger (cleanup_runs.started_at .. finished_at)"
  echo "cpu  = user+sys seconds: the floor's psql and rm, ours' JVM, plus PostgreSQL backends; load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

dry() {
  local n=$1
  printf '\nDry run, N=%d, seed %s, ours=%s, %s, commit %s\n' "$n" "$SEED" "$OURS" "$(date -u +%F)" \
    "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
  printf '%-4s %11s %9s %11s %9s %s\n' rep floor_dry dry floor_full real "dry items = real items"
  for i in $(seq 1 "$REPS"); do
    generate "$n"
    floor_dry
    floor
    local floor_full=$((FLOOR_SQL_MS + FLOOR_RM_MS))
    generate "$n"
    ours "$OUT/logs/dry-$n-$i.log" --dry-run
    local dry_ms=$OURS_MS dry_run=$RUN_ID dry_items
    dry_items=$(check_ledger "$dry_run" would_delete)
    ours "$OUT/logs/dry-real-$n-$i.log"
    check_end_state "$n" ours
    check_ledger "$RUN_ID" deleted >/dev/null
    local same
    same=$(psql_db -c "select (select count(*) from (
                              (select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$dry_run'
                               except select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$RUN_ID')
                              union all
                              (select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$RUN_ID'
                               except select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$dry_run')) d)")
    printf '%-4s %11s %9s %11s %9s %s\n' "$i" "$(secs "$FLOOR_DRY_MS")" "$(secs "$dry_ms")" \
      "$(secs "$floor_full")" "$(secs "$OURS_MS")" \
      "$([[ $same == 0 ]] && echo "yes ($dry_items items, same bytes and metrics)" || echo "NO: $same differ")"
    [[ $same == 0 ]] || exit 1
  done
}

memory() {
  local n=$1
  # 525,000 output trees need 3.7 million inodes, more than /dev/shm has: use the disk
  export DATA_DIR=${BENCH_DATA:-$OUT/data}
  local xmx=${BENCH_XMX:-128m}
  printf '\nMemory, N=%d, -Xmx%s, on disk (%s), seed %s, ours=%s, %s, commit %s\n' "$n" "$xmx" "$DATA_DIR" "$SEED" "$OURS" \
    "$(date -u +%F)" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
  local g0
  g0=$(ms)
  generate "$n"
  log "generated $n jobs in $(secs $(($(ms) - g0))) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  floor
  check_end_state "$n" floor
  local floor_total=$((FLOOR_SQL_MS + FLOOR_RM_MS))
  log "floor $(secs "$floor_total") s; load $(cut -d' ' -f1-3 /proc/loadavg)"
  generate "$n"
  local gclog=$OUT/logs/memory-$n-gc.log
  rm -f "$gclog"
  JAVA_OPTS="-Xmx$xmx -Xlog:gc:file=$gclog ${JAVA_OPTS:-}" ours_time "$OUT/logs/memory-$n.log"
  check_end_state "$n" ours
  local items
  items=$(check_ledger "$RUN_ID" deleted)
  # G1 lines: "GC(7) Pause Young (Normal) (G1 Evacuation Pause) 61M->9M(128M) 3.2ms"
  local heap
  heap=$(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$gclog" | sed 's/M->.*//' | sort -n | tail -1)
  local committed
  committed=$(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$gclog" | sed 's/.*(\([0-9]*\)M)/\1/' | sort -n | tail -1)
  printf '%-28s %12s %7s %10s %14s %14s %s\n' what wall ratio peak_rss heap_used_max heap_committed items
  printf '%-28s %12s %7s %10s %14s %14s %s\n' "floor (psql + rm -rf)" "$(secs "$floor_total")" 1.00 - - - -
  printf '%-28s %12s %7s %10s %14s %14s %s\n' "ours -Xmx$xmx" "$(secs "$OURS_MS")" "$(ratio "$OURS_MS" "$floor_total")" \
    "$((RSS_KB / 1024)) MiB" "${heap:-?} MiB" "${committed:-?} MiB" "$items"
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ours with /usr/bin/time -v: sets OURS_MS, RUN_ID, RSS_KB
ours_time() {
  local logfile=$1 t0 t1
  t0=$(ms)
  ours_argv
  if ! /usr/bin/time -v -o "$logfile.time" "${OURS_ARGV[@]}" >"$logfile" 2>&1; then
    log "cleanup failed, see $logfile"
    tail -20 "$logfile" >&2
    exit 1
  fi
  t1=$(ms)
  OURS_MS=$((t1 - t0))
  RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$logfile.time")
  RUN_ID=$(psql_db -c "select id from cleanup_runs order by started_at desc limit 1")
}

latency() {
  local n=$1 port=${BENCH_PORT:-18080}
  printf '\nUpload latency under cleanup, N=%d, 500 uploads at %s/s, cleanup by the %s (CLEANUP_FILE_THREADS=%s, CLEANUP_BUSY_SHARE_PERCENT=%s), ours=%s, %s, commit %s\n' "$n" \
    "${BENCH_UPLOAD_RATE:-60}" "${BENCH_CLEANUP:-cli}" "${CLEANUP_FILE_THREADS:-default}" "${CLEANUP_BUSY_SHARE_PERCENT:-default}" "$OURS" "$(date -u +%F)" "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"
  generate "$n"
  LATENCY_TOKEN=bench-token-0123456789abcdef0123456789
  SERVER_PORT=$port ADMIN_TOKEN=$LATENCY_TOKEN PROCESSOR=profile CLEANUP_ENABLED=false \
    java -jar "$JAR" >"$OUT/logs/latency-server.log" 2>&1 &
  local server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -fs "localhost:$port/actuator/health" >/dev/null 2>&1 && break
    sleep 1
  done
  # 60/s: the 500 uploads take 8.3 s, so on an idle machine all of them fall inside the cleanup
  local rate=${BENCH_UPLOAD_RATE:-60}
  python3 bench/uploads.py "http://localhost:$port/upload" 100 "$rate" >/dev/null # warm-up
  python3 bench/uploads.py "http://localhost:$port/upload" 500 "$rate" >"$OUT/logs/latency-idle.txt"
  local t0 cleanup
  t0=$(ms)
  if [[ ${BENCH_CLEANUP:-cli} == service ]]; then
    # the service's own run (what the schedule starts), in its JVM next to the uploads; a watcher
    # lives exactly as long as the run is recorded as running, for --while-pid
    curl -fsS -X POST -H "Authorization: Bearer $LATENCY_TOKEN" \
      "localhost:$port/cleanup/run?wait=false" >"$OUT/logs/latency-cleanup.log"
    until [[ -n $(psql_db -c "select id from cleanup_runs where outcome = 'running' limit 1") ]]; do
      sleep 0.05
    done
    (while [[ -n $(psql_db -c "select id from cleanup_runs where outcome = 'running' limit 1") ]]; do
      sleep 0.1
    done) &
    cleanup=$!
  else
    ours_cmd >"$OUT/logs/latency-cleanup.log" 2>&1 &
    cleanup=$!
    # start measuring once the run is working (after its start-up), like an operator's view
    until [[ -n $(psql_db -c "select id from cleanup_runs where outcome = 'running' limit 1") ]]; do
      kill -0 $cleanup 2>/dev/null || break
      sleep 0.1
    done
  fi
  python3 bench/uploads.py "http://localhost:$port/upload" 500 "$rate" --while-pid $cleanup \
    >"$OUT/logs/latency-cleanup.txt"
  wait $cleanup
  local cleanup_ms=$(($(ms) - t0))
  kill $server
  wait $server 2>/dev/null || true
  trap - EXIT
  printf '%-26s %s\n' "phase" "$(head -1 "$OUT/logs/latency-idle.txt")"
  printf '%-26s %s\n' "idle" "$(tail -1 "$OUT/logs/latency-idle.txt")"
  printf '%-26s %s\n' "during cleanup" "$(tail -1 "$OUT/logs/latency-cleanup.txt")"
  local p99i p99c
  p99i=$(tail -1 "$OUT/logs/latency-idle.txt" | awk '{ print $3 }')
  p99c=$(tail -1 "$OUT/logs/latency-cleanup.txt" | awk '{ print $3 }')
  printf 'p99 ratio (cleanup / idle): %s; the cleanup process took %s s, its run %s\n' \
    "$(ratio "$p99c" "$p99i")" "$(secs "$cleanup_ms")" "$(psql_db -c "select round(extract(epoch from finished_at - started_at), 2) || ' s (' || outcome || ', ' || items_recorded || ' items)' from cleanup_runs order by started_at desc limit 1")"
  echo "(during cleanup: only the uploads that started while the cleanup process ran; the last column counts them)"
}

# The service's own cleanup, unpaced (share 100: the engine as before pacing) and paced, rounds
# interleaved so that both see the same machine; prints each round's p99 ratio, then the medians.
pacing() {
  local n=$1 i share out ratios_100=() ratios_50=()
  for i in $(seq 1 "$REPS"); do
    for share in 100 ${BENCH_SHARE:-50}; do
      out=$OUT/logs/pacing-$n-$i-$share.txt
      BENCH_CLEANUP=service CLEANUP_BUSY_SHARE_PERCENT=$share latency "$n" | tee "$out" >&2
      local r
      r=$(sed -n 's/^p99 ratio (cleanup \/ idle): \([0-9.]*\);.*/\1/p' "$out")
      if [[ $share == 100 ]]; then ratios_100+=("$r"); else ratios_50+=("$r"); fi
      printf 'round %s share %3s: p99 during/idle %s; %s\n' "$i" "$share" "$r" "$(grep -o 'its run .*' "$out")"
    done
  done
  printf 'median p99 ratio: unpaced %s, paced (%s %%) %s; load %s\n' \
    "$(printf '%s\n' "${ratios_100[@]}" | median)" "${BENCH_SHARE:-50}" \
    "$(printf '%s\n' "${ratios_50[@]}" | median)" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- S3 (issue 13) -------------------------------------------------------------------------------
#
# The same dataset (bench/S3Generate.java: Generate's jobs in the S3 contract's shape, objects
# written straight into S3Proxy's filesystem blobstore and checked through the API), against
# S3Proxy 4.1.0 as its own process on 127.0.0.1 with its blobstore on disk ($BENCH_S3_DATA).
# The floor is bench/S3Floor.java: two SQL deletes, then DeleteObjects of exactly the known keys
# (1,000 per request, 4 in flight), listing nothing.

S3_OUT=$OUT/s3
S3_BUCKET_NAME=${BENCH_S3_BUCKET:-storekeeper-bench}

s3setup() {
  case ${BENCH_S3_FS:-root} in
    root | fresh) ;;
    *) echo "BENCH_S3_FS: '$BENCH_S3_FS' is neither fresh (a new filesystem per dataset) nor root" >&2; exit 2 ;;
  esac
  if [[ -z ${BENCH_DB:-} ]]; then
    # not the filesystem figures' database: both may run on one machine
    DB=storekeeper_s3bench
    export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB
  fi
  export DATA_DIR=${BENCH_DATA:-$S3_OUT/data}
  LISTS=$S3_OUT/lists
  mkdir -p "$DATA_DIR" "$LISTS" "$S3_OUT/classes"
  setup
  if [[ ! -f target/s3proxy/s3proxy.jar ]]; then
    mvn -B -q -o process-test-resources -Dspotless.check.skip=true
  fi
  if [[ ! -s $OUT/classpath.txt ]]; then
    mvn -B -q -o dependency:build-classpath -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
  fi
  # target/classes: S3List parts lists through the service's own ObjectStore
  S3CP="$S3_OUT/classes:$ROOT/target/classes:$(cat "$OUT/classpath.txt")"
  local src
  for src in bench/BenchS3.java bench/S3Floor.java bench/S3List.java; do
    if [[ ! -f $S3_OUT/classes/$(basename "$src" .java).class || $src -nt $S3_OUT/classes/$(basename "$src" .java).class ]]; then
      javac -nowarn -cp "$S3CP" -d "$S3_OUT/classes" bench/BenchS3.java bench/S3Floor.java bench/S3List.java
      break
    fi
  done
  if [[ ! -f $OUT/gen/S3Generate.class || bench/S3Generate.java -nt $OUT/gen/S3Generate.class ]]; then
    javac -nowarn -cp "$OUT/gen:$PGJAR" -d "$OUT/gen" bench/S3Generate.java
  fi
  s3proxy_start
  export STORAGE_BACKEND=s3 S3_BUCKET=$S3_BUCKET_NAME S3_PREFIX=${BENCH_S3_PREFIX:-} \
    S3_ENDPOINT=$S3_ENDPOINT S3_REGION=us-east-1 S3_PATH_STYLE=true \
    AWS_ACCESS_KEY_ID=storekeeper-bench AWS_SECRET_ACCESS_KEY=storekeeper-bench-secret
  java -cp "$S3CP" S3List mb "$S3_BUCKET_NAME"
}

# S3Proxy as the tests start it (S3ProxyServer: filesystem blobstore, 127.0.0.1, signed requests),
# on disk, with C2 (the tests use C1 for a fast start; here it serves hundreds of thousands of keys).
# Stopped when the harness exits.
s3proxy_start() {
  # on disk: the root ext4, as a deployment's store would be (tmpfs lacks the inodes at 1,000,000)
  S3_BLOBS=${BENCH_S3_DATA:-$S3_OUT/blobs}
  S3_BUCKET_DIR=$S3_BLOBS/$S3_BUCKET_NAME
  mkdir -p "$S3_BLOBS"
  local port
  port=${BENCH_S3_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  S3_ENDPOINT=http://127.0.0.1:$port
  cat >"$S3_OUT/s3proxy.properties" <<PROPS
s3proxy.endpoint=$S3_ENDPOINT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=storekeeper-bench
s3proxy.credential=storekeeper-bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$S3_BLOBS
PROPS
  # shellcheck disable=SC2086
  LOG_LEVEL=warn java ${BENCH_S3PROXY_OPTS:--Xmx512m} -jar "$ROOT/target/s3proxy/s3proxy.jar" \
    --properties "$S3_OUT/s3proxy.properties" >"$OUT/logs/s3proxy.log" 2>&1 </dev/null &
  S3PROXY_PID=$!
  trap 's3proxy_stop' EXIT
  local i
  for i in $(seq 1 300); do
    curl -s -o /dev/null "$S3_ENDPOINT/" && break
    kill -0 "$S3PROXY_PID" 2>/dev/null || { log "S3Proxy exited, see $OUT/logs/s3proxy.log"; exit 1; }
    sleep 0.2
  done
  log "S3Proxy $S3PROXY_PID at $S3_ENDPOINT, blobs in $S3_BLOBS"
}
s3proxy_stop() {
  if [[ -n ${S3PROXY_PID:-} ]]; then
    kill "$S3PROXY_PID" 2>/dev/null || true
    wait "$S3PROXY_PID" 2>/dev/null || true
    S3PROXY_PID=
  fi
  if [[ ${BENCH_S3_FS:-root} == fresh ]] && mountpoint -q "${S3_BUCKET_DIR:-/nonexistent}"; then
    umount "$S3_BUCKET_DIR" || true
  fi
}
# CPU seconds (ms) S3Proxy has used so far: both the floor's and our requests are served by it
s3proxy_cpu() { awk -v t="$TICKS" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$S3PROXY_PID/stat"; }

# BENCH_S3_FS=fresh (the default, root, is the machine's root filesystem): the bucket's directory
# on a new ext4 filesystem for every dataset (a sparse image on a loop device, inode tables written
# at mkfs, mounted without discard). The root filesystem is mounted with online discard: every
# delete's freed blocks are trimmed on the host's time, and the same deletes took 62 s in one
# process and 88 s in the next (session 7). Needs root and a loop device.
s3_fresh_fs() {
  local img=$S3_OUT/bucket.img
  if mountpoint -q "$S3_BUCKET_DIR"; then
    umount "$S3_BUCKET_DIR"
  fi
  rm -f "$img"
  truncate -s 16G "$img"
  mkfs.ext4 -q -F -N 2000000 -E lazy_itable_init=0,lazy_journal_init=0 "$img"
  mkdir -p "$S3_BUCKET_DIR"
  mount -o loop,relatime "$img" "$S3_BUCKET_DIR"
  rmdir "$S3_BUCKET_DIR/lost+found"
}

# s3generate JOBS ORPHANS: an empty bucket, then the dataset; checked through the API
s3generate() {
  local n=$1 orphans=$2 g0
  g0=$(ms)
  if [[ ${BENCH_S3_FS:-root} == fresh ]]; then
    s3_fresh_fs
  elif [[ -d $S3_BUCKET_DIR ]]; then
    # empty the bucket's directory, keep the bucket; a sibling rename first makes it instant
    mv "$S3_BUCKET_DIR" "$S3_BLOBS/.old-$$" && mkdir "$S3_BUCKET_DIR"
    rm -rf "$S3_BLOBS/.old-$$"
  fi
  java -cp "$OUT/gen:$PGJAR" S3Generate "$n" "$SEED" "$orphans" "$S3_BUCKET_DIR" "$S3_BUCKET_NAME" \
    "${S3_PREFIX:-}" "jdbc:postgresql://127.0.0.1:5432/$DB?user=postgres" "$LISTS" >&2
  sync
  # the generator is deterministic: checking its first dataset of an invocation checks them all
  # (BENCH_S3_VERIFY=all checks each, 0 none)
  if [[ ${BENCH_S3_VERIFY:-1} == all || ( ${BENCH_S3_VERIFY:-1} != 0 && -z ${S3_VERIFIED:-} ) ]]; then
    S3_VERIFIED=1
    # what the files are to S3Proxy: every key, size and ETag as seeded, listed through the API
    s3_same_objects "$LISTS/all-objects.tsv" seeding
  fi
  log "seeded $n jobs, $orphans + $orphans orphans in $(secs $(($(ms) - g0))) s; load $(cut -d' ' -f1-3 /proc/loadavg)"
}

# s3_same_objects EXPECTED WHO: the bucket holds exactly EXPECTED (key, size, ETag): every file of
# the blobstore (content MD5 = a single PUT's ETag), and a sample through the API (all keys under
# uploads/00, uploads/ff, outputs/00, outputs/ff: about 1/128 of them). S3Proxy's filesystem
# blobstore walks the whole directory for every listing page, which makes a complete listing of
# 420,000 objects through the API take hours on this machine (S3List.java).
s3_same_objects() {
  local expected=$1 who=$2 got=$S3_OUT/got.tsv want=$S3_OUT/want.tsv
  local p=${S3_PREFIX:-}
  java -cp "$S3CP" S3List files "$S3_BUCKET_DIR" "$got.unsorted"
  sort "$got.unsorted" >"$got"
  sort "$expected" >"$want"
  if ! cmp -s "$got" "$want"; then
    log "$who: the bucket's files differ from $(basename "$expected"): $(comm -23 "$want" "$got" | wc -l) missing or changed, $(comm -13 "$want" "$got" | wc -l) extra or changed"
    diff "$want" "$got" | head -5 >&2
    exit 1
  fi
  java -cp "$S3CP" S3List list "$S3_BUCKET_NAME" "$got.api" "${p}uploads/00" "${p}uploads/ff" "${p}outputs/00" "${p}outputs/ff" 2>/dev/null
  awk -v p="$p" 'index($1, p "uploads/00") == 1 || index($1, p "uploads/ff") == 1 || index($1, p "outputs/00") == 1 || index($1, p "outputs/ff") == 1' "$want" >"$want.api"
  if ! cmp -s <(sort "$got.api") "$want.api"; then
    log "$who: the API's listing of the sample differs from the files: $(diff "$want.api" <(sort "$got.api") | grep -c '^[<>]') lines"
    diff "$want.api" <(sort "$got.api") | head -5 >&2
    exit 1
  fi
  log "$who: bucket = $(basename "$expected") ($(wc -l <"$got") objects; API sample of $(wc -l <"$want.api") equal)"
}

# s3floor KEYS IDS|-: the floor as one process; sets FLOOR_MS, FLOOR_SQL_MS, FLOOR_DEL_MS, FLOOR_CPU_MS
s3floor() {
  local keys=$1 ids=$2 t0 t1 c0 c1 s0 s1 parts
  c0=$(pg_cpu) s0=$(s3proxy_cpu)
  t0=$(ms)
  # at the CLI's niceness (bin/cleanup-storage: STOREKEEPER_NICE, 10), so that other sessions' load
  # weighs on both alike
  /usr/bin/time -f "%e %U %S" -o "$OUT/logs/s3floor.time" \
    nice -n "${STOREKEEPER_NICE:-10}" java -cp "$S3CP:$PGJAR" S3Floor "$S3_BUCKET_NAME" "$keys" "$ids" \
    "jdbc:postgresql://127.0.0.1:5432/$DB?user=postgres" >"$OUT/logs/s3floor.out"
  t1=$(ms)
  c1=$(pg_cpu) s1=$(s3proxy_cpu)
  read -r FLOOR_SQL_MS FLOOR_DEL_MS _ _ <"$OUT/logs/s3floor.out"
  FLOOR_MS=$((t1 - t0))
  FLOOR_CPU_MS=$(( $(cpu_of "$OUT/logs/s3floor.time") + (c1 - c0) * 1000 / TICKS + s1 - s0 ))
}

# s3ours LOG [args]: ours with /usr/bin/time -v; sets OURS_MS, OURS_CPU_MS (with PostgreSQL's and
# S3Proxy's), RSS_KB, RUN_ID, RUN_MS
s3ours() {
  local logfile=$1 t0 t1 c0 c1 s0 s1
  shift
  ours_argv "$@"
  c0=$(pg_cpu) s0=$(s3proxy_cpu)
  t0=$(ms)
  if ! /usr/bin/time -v -o "$logfile.time" "${OURS_ARGV[@]}" >"$logfile" 2>&1; then
    log "cleanup failed, see $logfile"
    tail -20 "$logfile" >&2
    exit 1
  fi
  t1=$(ms)
  c1=$(pg_cpu) s1=$(s3proxy_cpu)
  OURS_MS=$((t1 - t0))
  RSS_KB=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$logfile.time")
  local user sys
  user=$(sed -n 's/.*User time (seconds): //p' "$logfile.time")
  sys=$(sed -n 's/.*System time (seconds): //p' "$logfile.time")
  OURS_CPU_MS=$(( $(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }') + (c1 - c0) * 1000 / TICKS + s1 - s0 ))
  RUN_ID=$(psql_db -c "select id from cleanup_runs order by started_at desc limit 1")
  RUN_MS=$(psql_db -c "select round(extract(epoch from finished_at - started_at) * 1000) from cleanup_runs where id = '$RUN_ID'")
}

# s3_check_rows N EXPIRED: rows and metric rows left = the live jobs'
s3_check_rows() {
  local n=$1 gone=$2 who=$3 jobs metrics left
  left=$((n - gone))
  jobs=$(psql_db -c "select count(*) from jobs")
  metrics=$(psql_db -c "select count(*) from metrics")
  if [[ $jobs != "$left" || $metrics != $((left * 5)) ]]; then
    log "$who: wrong end state: jobs=$jobs metrics=$metrics, want $left/$((left * 5))"
    exit 1
  fi
}

# s3_cleaned N WHO: after a full cleanup (the floor's or ours): the live jobs' rows and metric rows,
# and the bucket exactly their objects
s3_cleaned() {
  s3_check_rows "$1" "$(cat "$LISTS/expected-jobs.count")" "$2"
  s3_same_objects "$LISTS/kept-objects.tsv" "$2"
}

# s3_check_ledger RUN RESULT EXPECTED: check_ledger against another list of expected items
s3_check_ledger() {
  local dir=$S3_OUT/expected/$(basename "$3" .tsv)
  mkdir -p "$dir"
  ln -sf "$(readlink -f "$3")" "$dir/expected-items.tsv"
  LISTS=$dir check_ledger "$1" "$2"
}

# settle DIR: before a timed phase, the disk under DIR quiet: everything written out (sync), then
# two seconds in which less than 1 MiB reached the disk (at most three minutes), so that no phase
# pays for the writes of the one before (the seeding, a removed bucket). On the root filesystem it
# found the disk quiet within 2-3 s every time and the same deletes still moved by a third between
# processes: that is the host's trims (BENCH_S3_FS=fresh, session 7).
settle() {
  local t0 dev w0 w1 i
  t0=$(ms)
  sync
  dev=$(df --output=source "$1" | tail -1)
  dev=${dev#/dev/}
  written() { awk -v d="$dev" '$3 == d { print $10; found = 1 } END { if (!found) print 0 }' /proc/diskstats; }
  w0=$(written)
  for i in $(seq 1 90); do
    sleep 2
    w1=$(written)
    (( w1 - w0 < 2048 )) && break
    w0=$w1
  done
  log "settled in $(secs $(($(ms) - t0))) s (disk $dev; load $(cut -d' ' -f1-3 /proc/loadavg))"
}

load() { cut -d' ' -f1 /proc/loadavg; }
commit_id() { echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo +dirty)"; }

# s3_floor_then_reseed N ORPHANS: the floor on the seeded bucket once the disk has settled, its
# end state checked; then the same dataset seeded again for ours and the disk settled. Sets
# LOAD_FLOOR and LOAD_OURS (the load before each).
s3_floor_then_reseed() {
  settle "$S3_BUCKET_DIR"
  LOAD_FLOOR=$(load)
  s3floor "$LISTS/floor-keys.txt" "$LISTS/floor-ids.txt"
  s3_cleaned "$1" floor
  s3generate "$1" "$2"
  settle "$S3_BUCKET_DIR"
  LOAD_OURS=$(load)
}

# Full cleanup on S3 against the object-store floor, $REPS interleaved rounds (floor, ours, ...)
s3full() {
  local n=$1 orphans=$(( $1 / 20 )) i floors=() ourss=() runs=() fcpus=() ocpus=()
  printf '\nS3 full cleanup, N=%d (+%d orphan uploads, %d orphan output trees), seed %s, S3Proxy %s, ours=%s, %s, commit %s\n' \
    "$n" "$orphans" "$orphans" "$SEED" "$S3_BLOBS" "$OURS" "$(date -u +'%F %H:%M')" "$(commit_id)"
  printf '%-6s %9s %9s %11s %9s %7s %9s %9s %-24s %s\n' rep floor_sql floor_del floor_total ours ratio "run*" "run/floor" "cpu floor/ours/ratio" "load floor/ours"
  for i in $(seq 1 "$REPS"); do
    s3generate "$n" "$orphans"
    local lf lo
    # what any orphan sweep lists (uploads/ and outputs/, delimiter /), on the floor's data before it
    # runs: not part of the floor, a measure of S3Proxy's listing
    local p=${S3_PREFIX:-} sweep=
    # ten minutes a round at 100,000 jobs: BENCH_S3_ONE_LISTING=0 skips it (bench/run.sh s3listing
    # measures it on its own)
    if [[ ${BENCH_S3_ONE_LISTING:-1} != 0 ]]; then
      sweep=$(java -cp "$S3CP" S3List sweep "$S3_BUCKET_NAME" "${p}uploads/" "${p}outputs/")
    fi
    s3_floor_then_reseed "$n" "$orphans"
    lf=$LOAD_FLOOR lo=$LOAD_OURS
    s3ours "$OUT/logs/s3full-$n-$i.log"
    s3_cleaned "$n" ours
    local items
    items=$(s3_check_ledger "$RUN_ID" deleted "$LISTS/expected-items.tsv")
    floors+=("$FLOOR_MS") ourss+=("$OURS_MS") runs+=("$RUN_MS") fcpus+=("$FLOOR_CPU_MS") ocpus+=("$OURS_CPU_MS")
    printf '%-6s %9s %9s %11s %9s %7s %9s %9s %-24s %s\n' "$i" "$(secs "$FLOOR_SQL_MS")" "$(secs "$FLOOR_DEL_MS")" \
      "$(secs "$FLOOR_MS")" "$(secs "$OURS_MS")" "$(ratio "$OURS_MS" "$FLOOR_MS")" "$(secs "$RUN_MS")" \
      "$(ratio "$RUN_MS" "$FLOOR_MS")" \
      "$(secs "$FLOOR_CPU_MS")/$(secs "$OURS_CPU_MS")/$(ratio "$OURS_CPU_MS" "$FLOOR_CPU_MS")" "$lf/$lo ($items items, RSS $((RSS_KB / 1024)) MiB; listing uploads/+outputs/: $(if [[ -n $sweep ]]; then echo "$(secs "${sweep%% *}") s, $(echo "$sweep" | cut -d' ' -f3) pages"; else echo "not measured"; fi))"
  done
  local mf mo mr
  mf=$(printf '%s\n' "${floors[@]}" | median)
  mo=$(printf '%s\n' "${ourss[@]}" | median)
  mr=$(printf '%s\n' "${runs[@]}" | median)
  printf '%-6s %9s %9s %11s %9s %7s %9s %9s %s\n' median - - "$(secs "$mf")" "$(secs "$mo")" "$(ratio "$mo" "$mf")" \
    "$(secs "$mr")" "$(ratio "$mr" "$mf")" \
    "$(secs "$(printf '%s\n' "${fcpus[@]}" | median)")/$(secs "$(printf '%s\n' "${ocpus[@]}" | median)")/$(ratio "$(printf '%s\n' "${ocpus[@]}" | median)" "$(printf '%s\n' "${fcpus[@]}" | median)")"
  echo "floor_total and ours = wall time of the whole process (JVM start-up included; floor_sql and"
  echo "floor_del are its parts as it measured them); run* = our run alone, from the ledger;"
  echo "cpu = user+sys seconds of the process, PostgreSQL backends that exited and S3Proxy;"
  echo "load = 1-minute load average before each; after: $(cut -d' ' -f1-3 /proc/loadavg);"
  echo "listing = S3List sweep: uploads/ and outputs/ with delimiter /, 1,000 per page (what an orphan"
  echo "sweep must list; the floor lists nothing)"
}

# The full cleanup in its two halves, against the floor and against the least any orphan sweep
# must ask of the store once the expired jobs are gone: ours --old-completed --old-failed (the
# expiry alone), then, on what it leaves (the live jobs and the orphans), our listing of uploads/
# and outputs/ in parts and one age listing per orphan output prefix (S3List parts, S3List ages:
# ObjectStore.list and newestUnder, no deletes, no database), then ours --orphaned-only. floor +
# least is what a full cleanup would take if its expiry cost no more than the floor and its sweep
# only that listing. $REPS rounds, each on fresh buckets.
s3split() {
  local n=$1 orphans=$(( $1 / 20 )) i p=${S3_PREFIX:-} fs=() es=() ss=() ls=()
  printf '\nS3 full cleanup in halves, N=%d (+%d orphan uploads, %d orphan output trees), seed %s, S3Proxy %s, ours=%s, %s, commit %s\n' \
    "$n" "$orphans" "$orphans" "$SEED" "$S3_BLOBS" "$OURS" "$(date -u +'%F %H:%M')" "$(commit_id)"
  printf '%-6s %9s %9s %7s %12s %12s %9s %12s %12s %s\n' rep floor "expiry*" "/floor" "listing" "ages" "sweep*" "exp+sweep" "floor+least" "load floor/expiry/sweep"
  for i in $(seq 1 "$REPS"); do
    s3generate "$n" "$orphans"
    # what the expiry leaves: every seeded object but the expired jobs' (the floor's keys that are
    # not the orphans'); the orphan output prefixes whose ages the sweep must list
    awk 'NR == FNR { orphan[$0] = 1; next } !($0 in orphan)' "$LISTS/floor-orphan-keys.txt" "$LISTS/floor-keys.txt" >"$LISTS/expired-keys.txt"
    awk -F'\t' 'NR == FNR { gone[$0] = 1; next } !($1 in gone)' "$LISTS/expired-keys.txt" "$LISTS/all-objects.tsv" >"$LISTS/kept-after-expiry.tsv"
    awk -v p="${p}outputs/" 'index($0, p) == 1 { split(substr($0, length(p) + 1), a, "/"); print p a[1] "/" }' \
      "$LISTS/floor-orphan-keys.txt" | sort -u >"$LISTS/orphan-output-prefixes.txt"
    local lf le lsw least parts ages
    s3_floor_then_reseed "$n" "$orphans"
    lf=$LOAD_FLOOR le=$LOAD_OURS
    s3ours "$OUT/logs/s3split-$n-$i-expiry.log" --old-completed --old-failed
    local expiry=$RUN_MS
    s3_check_rows "$n" "$(cat "$LISTS/expected-jobs.count")" expiry
    s3_same_objects "$LISTS/kept-after-expiry.tsv" expiry
    settle "$S3_BUCKET_DIR"
    parts=$(java -cp "$S3CP" S3List parts "$S3_BUCKET_NAME" "${p}uploads/" "${p}outputs/")
    ages=$(java -cp "$S3CP" S3List ages "$S3_BUCKET_NAME" "$LISTS/orphan-output-prefixes.txt" 4)
    least=$(( ${parts%% *} + ${ages%% *} ))
    settle "$S3_BUCKET_DIR"
    lsw=$(load)
    s3ours "$OUT/logs/s3split-$n-$i-sweep.log" --orphaned-only
    s3_cleaned "$n" sweep
    fs+=("$FLOOR_MS") es+=("$expiry") ss+=("$RUN_MS") ls+=("$least")
    printf '%-6s %9s %9s %7s %12s %12s %9s %12s %12s %s\n' "$i" "$(secs "$FLOOR_MS")" "$(secs "$expiry")" \
      "$(ratio "$expiry" "$FLOOR_MS")" "$(secs "${parts%% *}") s/$(echo "$parts" | cut -d' ' -f3)r" \
      "$(secs "${ages%% *}") s/$(echo "$ages" | cut -d' ' -f3)r" "$(secs "$RUN_MS")" \
      "$(ratio $((expiry + RUN_MS)) "$FLOOR_MS")" "$(ratio $((FLOOR_MS + least)) "$FLOOR_MS")" "$lf/$le/$lsw"
  done
  local mf me ms ml
  mf=$(printf '%s\n' "${fs[@]}" | median) me=$(printf '%s\n' "${es[@]}" | median)
  ms=$(printf '%s\n' "${ss[@]}" | median) ml=$(printf '%s\n' "${ls[@]}" | median)
  printf '%-6s %9s %9s %7s %12s %12s %9s %12s %12s\n' median "$(secs "$mf")" "$(secs "$me")" "$(ratio "$me" "$mf")" \
    "least $(secs "$ml")" - "$(secs "$ms")" "$(ratio "$(awk -v a="$me" -v b="$ms" 'BEGIN { print a + b }')" "$mf")" \
    "$(ratio "$(awk -v a="$mf" -v b="$ml" 'BEGIN { print a + b }')" "$mf")"
  echo "floor = the floor's whole process; expiry* and sweep* = our two runs alone, from the ledger;"
  echo "listing = our listing of uploads/ and outputs/ in parts after the expiry (requests r); ages ="
  echo "one age listing per orphan output prefix, 4 at once; exp+sweep = (expiry* + sweep*) / floor;"
  echo "floor+least = (floor + listing + ages) / floor: the least a full cleanup that sweeps after"
  echo "its expiry could take here; load = 1-minute load average before each"
}

# Dry run on S3, then the real run on the same data: same items? Next to the floors of both.
s3dry() {
  local n=$1 orphans=$(( $1 / 20 )) i
  printf '\nS3 dry run, N=%d (+%d + %d orphans), seed %s, ours=%s, %s, commit %s\n' "$n" "$orphans" "$orphans" \
    "$SEED" "$OURS" "$(date -u +'%F %H:%M')" "$(commit_id)"
  printf '%-4s %11s %9s %7s %11s %9s %7s %-15s %s\n' rep floor_full dry "dry/fl" "run* dry" real "real/fl" "load fl/dry" "dry items = real items"
  for i in $(seq 1 "$REPS"); do
    s3generate "$n" "$orphans"
    local lf ld
    s3_floor_then_reseed "$n" "$orphans"
    local floor_ms=$FLOOR_MS
    lf=$LOAD_FLOOR ld=$LOAD_OURS
    s3ours "$OUT/logs/s3dry-$n-$i.log" --dry-run
    local dry_ms=$OURS_MS dry_run=$RUN_ID dry_run_ms=$RUN_MS dry_items
    dry_items=$(s3_check_ledger "$dry_run" would_delete "$LISTS/expected-items.tsv")
    # a dry run changes nothing
    s3_check_rows "$n" 0 "dry run"
    s3_same_objects "$LISTS/all-objects.tsv" "dry run"
    s3ours "$OUT/logs/s3dry-real-$n-$i.log"
    s3_cleaned "$n" ours
    s3_check_ledger "$RUN_ID" deleted "$LISTS/expected-items.tsv" >/dev/null
    local same
    same=$(psql_db -c "select (select count(*) from (
                              (select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$dry_run'
                               except select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$RUN_ID')
                              union all
                              (select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$RUN_ID'
                               except select category, job_id, path, bytes, metrics from cleanup_items where run_id = '$dry_run')) d)")
    printf '%-4s %11s %9s %7s %11s %9s %7s %-15s %s\n' "$i" "$(secs "$floor_ms")" "$(secs "$dry_ms")" \
      "$(ratio "$dry_ms" "$floor_ms")" "$(secs "$dry_run_ms")" "$(secs "$OURS_MS")" "$(ratio "$OURS_MS" "$floor_ms")" "$lf/$ld" \
      "$([[ $same == 0 ]] && echo "yes ($dry_items items, same bytes and metrics)" || echo "NO: $same differ")"
    [[ $same == 0 ]] || exit 1
  done
  echo "floor_full = the full cleanup's floor (S3Floor: two SQL deletes + DeleteObjects of the known keys);"
  echo "dry and real = our process's wall time; run* dry = the dry run alone, from the ledger; load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The orphan sweep (--orphaned-only) over a bucket of $1 keys (default 1,000,000): $1/5 jobs with
# four objects each, $1/20 orphan uploads and $1/20 orphan output trees of three objects; ours with
# -Xmx$BENCH_XMX (128m): peak RSS and heap; the floor deletes the orphans' keys, handed to it.
s3orphans() {
  local keys=$1 n=$(( $1 / 5 )) orphans=$(( $1 / 20 ))
  local xmx=${BENCH_XMX:-128m}
  printf '\nS3 orphan sweep, %d keys (%d jobs x 4 objects, %d orphan uploads, %d orphan output trees x 3), -Xmx%s, seed %s, ours=%s, %s, commit %s\n' \
    "$keys" "$n" "$orphans" "$orphans" "$xmx" "$SEED" "$OURS" "$(date -u +'%F %H:%M')" "$(commit_id)"
  s3generate "$n" "$orphans"
  local lf lo
  lf=$(load)
  s3floor "$LISTS/floor-orphan-keys.txt" -
  s3_check_rows "$n" 0 floor
  s3_same_objects "$LISTS/kept-after-orphans.tsv" floor
  s3generate "$n" "$orphans"
  lo=$(load)
  local gclog=$OUT/logs/s3orphans-$keys-gc.log
  rm -f "$gclog"
  JAVA_OPTS="-Xmx$xmx -Xlog:gc:file=$gclog ${JAVA_OPTS:-}" s3ours "$OUT/logs/s3orphans-$keys.log" --orphaned-only
  s3_check_rows "$n" 0 ours
  s3_same_objects "$LISTS/kept-after-orphans.tsv" ours
  local items heap committed
  items=$(s3_check_ledger "$RUN_ID" deleted "$LISTS/expected-orphan-items.tsv")
  heap=$(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$gclog" | sed 's/M->.*//' | sort -n | tail -1)
  committed=$(grep -o '[0-9]*M->[0-9]*M([0-9]*M)' "$gclog" | sed 's/.*(\([0-9]*\)M)/\1/' | sort -n | tail -1)
  printf '%-34s %9s %7s %9s %10s %14s %14s %s\n' what wall ratio "run*" peak_rss heap_used_max heap_committed "items, load"
  printf '%-34s %9s %7s %9s %10s %14s %14s %s\n' "floor (DeleteObjects of the keys)" "$(secs "$FLOOR_MS")" 1.00 - - - - "load $lf"
  printf '%-34s %9s %7s %9s %10s %14s %14s %s\n' "ours --orphaned-only -Xmx$xmx" "$(secs "$OURS_MS")" "$(ratio "$OURS_MS" "$FLOOR_MS")" \
    "$(secs "$RUN_MS")" "$((RSS_KB / 1024)) MiB" "${heap:-?} MiB" "${committed:-?} MiB" "$items items, load $lo"
  echo "heap = the largest heap before a GC in the GC log ($gclog); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# The orphan sweep's listing alone (uploads/ and outputs/, delimiter /) on one dataset of $1 jobs:
# one listing page after page (S3List sweep: what the sweep did before it listed in parts) against
# ours (S3List parts: ObjectStore.list, in parts), $REPS interleaved rounds; entries must be equal
s3listing() {
  local n=$1 orphans=$(( $1 / 20 )) i p=${S3_PREFIX:-} plain parts
  printf '
S3 orphan-sweep listing, N=%d (+%d orphan uploads, %d orphan output trees), S3Proxy %s, %s, commit %s
' \
    "$n" "$orphans" "$orphans" "$S3_BLOBS" "$(date -u +'%F %H:%M')" "$(commit_id)"
  s3generate "$n" "$orphans"
  printf '%-4s %14s %8s %14s %8s %7s %s
' rep "one listing" requests "in parts" requests ratio "entries, load before"
  for i in $(seq 1 "$REPS"); do
    local l1 l2
    l1=$(load)
    # BENCH_S3_ONE_LISTING=0 skips the one listing (quadratic on S3Proxy: hours at a million keys)
    if [[ ${BENCH_S3_ONE_LISTING:-1} == 0 ]]; then
      plain="0 - -"
    else
      plain=$(java -cp "$S3CP" S3List sweep "$S3_BUCKET_NAME" "${p}uploads/" "${p}outputs/")
    fi
    l2=$(load)
    parts=$(java -cp "$S3CP" S3List parts "$S3_BUCKET_NAME" "${p}uploads/" "${p}outputs/")
    if [[ $plain != "0 - -" && $(echo "$plain" | cut -d' ' -f2) != $(echo "$parts" | cut -d' ' -f2) ]]; then
      log "the listings differ: one listing $plain, in parts $parts"
      exit 1
    fi
    printf '%-4s %14s %8s %14s %8s %7s %s
' "$i" "$(secs "${plain%% *}") s" "$(echo "$plain" | cut -d' ' -f3)" \
      "$(secs "${parts%% *}") s" "$(echo "$parts" | cut -d' ' -f3)" "$([[ ${plain%% *} == 0 ]] && echo - || ratio "${parts%% *}" "${plain%% *}")" \
      "$(echo "$parts" | cut -d' ' -f2), load $l1/$l2"
  done
  echo "wall time of each listing process (JVM start included); ratio = in parts / one listing"
}

what=${1:-}
n=${2:-}
case $what in
  full) setup; full "${n:-100000}" ;;
  dry) setup; dry "${n:-100000}" ;;
  memory) setup; memory "${n:-500000}" ;;
  million) setup; BENCH_XMX=${BENCH_XMX:-64m} memory "${n:-1000000}" ;;
  latency) setup; latency "${n:-100000}" ;;
  pacing) setup; pacing "${n:-100000}" ;;
  generate) setup; generate "${n:-10000}" ;;
  stats) BENCH_DB=${BENCH_STATS_DB:-storekeeper_bench} BENCH_SIZES="${n:-10000 1000000}" \
           exec bench/stats-latency.sh ;;
  profile) setup; generate "${n:-100000}"
    # BENCH_PROFILE_ARGS=--dry-run profiles the dry run (the data then stays as generated)
    JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/logs/profile-${n:-100000}.jfr,settings=profile,jdk.SocketRead#threshold=0ms,jdk.SocketWrite#threshold=0ms ${JAVA_OPTS:-}" \
      ours "$OUT/logs/profile-${n:-100000}.log" ${BENCH_PROFILE_ARGS:-}
    [[ -n ${BENCH_PROFILE_ARGS:-} ]] || check_end_state "${n:-100000}" ours
    echo "ours $(secs "$OURS_MS") s; profile in $OUT/logs/profile-${n:-100000}.jfr" ;;
  floor) setup; generate "${n:-10000}"; floor; check_end_state "${n:-10000}" floor
    echo "floor: sql $(secs "$FLOOR_SQL_MS") s, rm $(secs "$FLOOR_RM_MS") s" ;;
  s3full) s3setup; s3full "${n:-100000}" ;;
  s3dry) s3setup; s3dry "${n:-100000}" ;;
  s3orphans) s3setup; s3orphans "${n:-1000000}" ;;
  s3listing) s3setup; s3listing "${n:-100000}" ;;
  s3split) s3setup; s3split "${n:-100000}" ;;
  s3generate) s3setup; s3generate "${n:-10000}" $(( ${n:-10000} / 20 )) ;;
  s3profile)
    # a flight recording of our process and of S3Proxy over one real run (BENCH_PROFILE_ARGS=--dry-run:
    # the dry run); S3Proxy's is written when the harness stops it
    n=${n:-100000}
    BENCH_S3PROXY_OPTS="${BENCH_S3PROXY_OPTS:--Xmx512m} -XX:StartFlightRecording=filename=$OUT/logs/s3proxy-$n.jfr,settings=profile,dumponexit=true" \
      s3setup
    s3generate "$n" $((n / 20))
    JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/logs/s3profile-$n.jfr,settings=profile ${JAVA_OPTS:-}" \
      s3ours "$OUT/logs/s3profile-$n.log" ${BENCH_PROFILE_ARGS:-}
    if [[ -z ${BENCH_PROFILE_ARGS:-} ]]; then
      s3_cleaned "$n" ours
    fi
    echo "ours $(secs "$OURS_MS") s (run* $(secs "$RUN_MS") s); profiles $OUT/logs/s3profile-$n.jfr and s3proxy-$n.jfr" ;;
  s3floor) s3setup; s3generate "${n:-10000}" $(( ${n:-10000} / 20 ))
    s3floor "$LISTS/floor-keys.txt" "$LISTS/floor-ids.txt"
    s3_cleaned "${n:-10000}" floor
    echo "S3 floor: $(secs "$FLOOR_MS") s (sql $(secs "$FLOOR_SQL_MS") s, DeleteObjects $(secs "$FLOOR_DEL_MS") s); load $(cut -d' ' -f1-3 /proc/loadavg)" ;;
  *) sed -n '2,23p' "$0"; exit 2 ;;
esac
