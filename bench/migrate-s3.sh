#!/usr/bin/env bash
# `storage migrate --to s3` on N jobs against S3Proxy (issue 13). Run by hand, never by CI.
#
#   bench/migrate-s3.sh [N] [THREADS]     default 1000 jobs, 4 threads
#
# Builds a filesystem data directory of N finished jobs (an upload of 2 KiB, outputs/{id}/ with
# results.json and metrics.csv: 3 files a job), in a fresh PostgreSQL database, starts S3Proxy
# (target/s3proxy/s3proxy.jar, `mvn process-test-resources` copies it) with its filesystem blobstore,
# then runs the packaged jar: dry run, migration, rerun (must do nothing), and prints each run's
# summary (jobs/s included) and the load average.
#
# Needs: mvn package done (target/storekeeper.jar), psql and PostgreSQL on 127.0.0.1:5432
# (postgres, trust). Environment: BENCH_DB (storekeeper_bench_migrate), BENCH_DIR
# (/dev/shm/storekeeper-migrate: data directory, blobstore, logs).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
THREADS=${2:-4}
DB=${BENCH_DB:-storekeeper_bench_migrate}
DIR=${BENCH_DIR:-/dev/shm/storekeeper-migrate}
JAR=$PWD/target/storekeeper.jar
S3PROXY=$PWD/target/s3proxy/s3proxy.jar
export LC_ALL=C.UTF-8

log() { echo "[$(date +%T)] $*" >&2; }
psql_admin() { psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAtX "$@"; }

rm -rf "$DIR"
mkdir -p "$DIR/data/uploads" "$DIR/data/outputs" "$DIR/blobs/bench"
psql_admin -c "drop database if exists $DB" -c "create database $DB"

export DATA_DIR=$DIR/data
export SPRING_DATASOURCE_URL=jdbc:postgresql://127.0.0.1:5432/$DB
export SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=
export CLEANUP_ENABLED=false ENV_FILE=$DIR/no.env

# the schema: any command migrates an empty database
java -jar "$JAR" stats > /dev/null

log "creating $N jobs"
python3 - "$N" "$DIR/data" > "$DIR/jobs.csv" <<'EOF'
import os, sys, uuid
n, data = int(sys.argv[1]), sys.argv[2]
payload = os.urandom(2048)
for i in range(n):
    job = str(uuid.uuid4())
    upload = f"{data}/uploads/{job}_scan {i}.nii"
    with open(upload, "wb") as f:
        f.write(payload)
    out = f"{data}/outputs/{job}"
    os.makedirs(out)
    with open(f"{out}/results.json", "w") as f:
        f.write('{"ok":true,"job":"%s"}' % job)
    with open(f"{out}/metrics.csv", "w") as f:
        f.write("name,value\nCA1.left_volume,%d\n" % i)
    print(f"{job},scan {i}.nii,{upload},{out}/results.json")
EOF
psql_admin -d "$DB" <<SQL
create temp table j (id uuid, filename text, file_path text, result_path text);
\copy j from '$DIR/jobs.csv' with (format csv)
insert into jobs (id, filename, file_path, status, progress, created_at, completed_at,
                  result_path, upload_bytes, output_bytes)
select id, filename, file_path, 'completed', 100, now() - interval '1 day', now(), result_path,
       2048, 100 from j;
SQL

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$DIR/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$DIR/blobs
EOF
LOG_LEVEL=warn java -Xmx256m -jar "$S3PROXY" --properties "$DIR/s3proxy.properties" \
  > "$DIR/s3proxy.log" 2>&1 &
proxy=$!
trap 'kill $proxy 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done

export STORAGE_BACKEND=s3 S3_BUCKET=bench S3_ENDPOINT=http://127.0.0.1:$port S3_PREFIX=sk/
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg), nproc $(nproc)"
for run in dry migrate rerun; do
  args=(storage migrate --to s3 --threads "$THREADS")
  [ "$run" = dry ] && args+=(--dry-run)
  log "$run: java -jar storekeeper.jar ${args[*]}"
  start=$(date +%s%3N)
  set +e
  java -jar "$JAR" "${args[@]}" > "$DIR/$run.out" 2> "$DIR/$run.err"
  code=$?
  set -e
  end=$(date +%s%3N)
  grep -v '  would migrate  \|  migrated  ' "$DIR/$run.out" || true
  log "$run: exit $code, $((end - start)) ms with the JVM's start; load $(cut -d' ' -f1-3 /proc/loadavg)"
done
log "objects in the bucket: $(find "$DIR/blobs/bench" -type f | wc -l)," \
  "files left in uploads/ and outputs/: $(find "$DIR/data/uploads" "$DIR/data/outputs" -type f | wc -l)"
