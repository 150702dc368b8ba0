#!/usr/bin/env bash
# The heavy reliability suite (issues 7 and 11): real processes, real PostgreSQL, SIGKILL.
#
#   reliability/run.sh [case|all|report] [options]      (reliability/run.sh --help lists them)
#
# Needs: Java 17, Maven (to build the jar if missing), python3 (standard library only), psql, and the
# local PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth); it is started when it is not
# running. It uses the database RELIABILITY_PG_DB (default storekeeper_rel), created when missing and
# wiped by every case, and a scratch directory under target/reliability/. Everything listens on
# 127.0.0.1 only. Results go to reliability/results/ and are rendered into RELIABILITY.md at the
# repository root. See README.md, "Reliability suite".
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"
export PYTHONDONTWRITEBYTECODE=1

case "${1:-all}" in
  report | -h | --help)
    exec python3 "$root/reliability/harness.py" "$@"
    ;;
esac

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "reliability: PostgreSQL is not running; starting it" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q && break
    sleep 1
  done
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "reliability: PostgreSQL does not accept connections on 127.0.0.1:5432" >&2
  exit 1
fi

db="${RELIABILITY_PG_DB:-storekeeper_rel}"
# the name goes into SQL below and into JDBC URLs: keep it to what needs no quoting
if [[ ! "$db" =~ ^[a-z_][a-z0-9_]*$ ]]; then
  echo "reliability: RELIABILITY_PG_DB must be a lower-case PostgreSQL name ([a-z_][a-z0-9_]*), not '$db'" >&2
  exit 2
fi
if ! psql -h 127.0.0.1 -U postgres -d postgres -tAc "select 1 from pg_database where datname = '$db'" | grep -q 1; then
  echo "reliability: creating the database $db" >&2
  psql -h 127.0.0.1 -U postgres -d postgres -qc "create database $db"
fi

if [ ! -f target/storekeeper.jar ] || [ -n "$(find src pom.xml -newer target/storekeeper.jar -print -quit)" ]; then
  echo "reliability: building target/storekeeper.jar" >&2
  mvn -B -q -DskipTests package
fi

# the S3 cases start S3Proxy from the jar Maven copies for the tests (process-test-resources)
if [[ "${1:-all}" == s3* || "${1:-all}" == all ]] && [ ! -f target/s3proxy/s3proxy.jar ]; then
  echo "reliability: copying the S3Proxy jar (mvn process-test-resources)" >&2
  mvn -B -q process-test-resources
fi

exec python3 "$root/reliability/harness.py" "$@"
