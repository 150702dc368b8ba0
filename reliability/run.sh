#!/usr/bin/env bash
# The heavy reliability suite (issue 7): real processes, real PostgreSQL, SIGKILL.
#
#   reliability/run.sh [crash|race|concurrent|nodes|hostile|dbtrouble|all] [--quick]
#
# Needs: Java 17, Maven (to build the jar if missing), python3 (standard library only), psql, and the
# local PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). It uses the database
# RELIABILITY_PG_DB (default storekeeper_rel), which it wipes, and a scratch directory under
# target/reliability/. Everything listens on 127.0.0.1 only. Results go to target/reliability/results/
# and are summarised in RELIABILITY.md at the repository root. See README.md, "Reliability suite".
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cd "$root"

if [ ! -f target/storekeeper.jar ] || [ -n "$(find src pom.xml -newer target/storekeeper.jar -print -quit)" ]; then
  echo "reliability: building target/storekeeper.jar" >&2
  mvn -B -q -DskipTests package
fi

exec python3 "$root/reliability/harness.py" "$@"
