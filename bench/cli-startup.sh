#!/usr/bin/env bash
# Start-up time of the operator CLI: wall time of `bin/cleanup-storage --dry-run` on an empty store
# (embedded database, scratch DATA_DIR), RUNS times after one warm-up run; prints each run and the
# median. `mvn package` prepares target/cli-cds/; the warm-up run (timed separately) would prepare it
# only for a jar or JVM it was not recorded for.
#
#   bench/cli-startup.sh [RUNS]          default 5; needs target/storekeeper.jar (mvn package)
#
# Other processes compete for the CPU (this machine has two): the load average is printed with the
# figures, and CPU time (user+sys) next to wall time, which load disturbs less.
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
cli="$root/bin/cleanup-storage"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# a clean environment: no database URL or .env of the operator's, an empty store
run() {
  env -i PATH="$PATH" HOME="$work" DATA_DIR="$work/data" ${JAVA_OPTS:+JAVA_OPTS="$JAVA_OPTS"} \
    /usr/bin/time -f '%e %U %S' -o "$work/time" "$cli" --dry-run >"$work/out" 2>"$work/err" || {
    echo "cleanup-storage failed:" >&2
    cat "$work/err" >&2
    exit 1
  }
  read -r wall user sys <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "java:    $(java -version 2>&1 | head -1)"
echo "cpus:    $(nproc)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (before)"
run
echo "warm-up: ${wall}s wall, ${cpu}s cpu (the first call after the build)"
walls=()
for i in $(seq "$runs"); do
  run
  walls+=("$wall")
  echo "run $i:   ${wall}s wall, ${cpu}s cpu"
done
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (after)"
echo "median:  $(printf '%s\n' "${walls[@]}" | median)s wall over $runs runs"
