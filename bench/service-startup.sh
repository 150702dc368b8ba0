#!/usr/bin/env bash
# Start-up time of the service: wall time from launch to the first `GET /health` 200, and the CPU
# time (user+sys) the JVM had used by then, on an empty embedded store (H2 file, scratch DATA_DIR).
# Variants side by side in one run, RUNS times each, interleaved; prints every run and the medians.
#
#   bench/service-startup.sh [RUNS]     default 5; needs `mvn package` (the jar and its archives)
#
#   jar17   java -jar target/storekeeper.jar                  (the fat jar, Java 17)
#   bin17   bin/storekeeper                                   (unpacked + CDS archive, Java 17)
#   jar25   java -jar target/storekeeper.jar on Java 25       (if JAVA25 is a JDK 25 java)
#   bin25   bin/storekeeper with Java 25 first on PATH        (unpacked + AOT cache)
#   bad17   bin/storekeeper with RETENTION_FAILED_DAYS=-1      (time to the refusal, exit code 1)
#
# JAVA25 defaults to /usr/lib/jvm/temurin-25-jdk-amd64/bin/java. The load average is printed with
# the figures: on a busy machine compare the ratios, and the CPU times, which load disturbs less.
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT
port=18$((RANDOM % 900 + 100))
ticks=$(getconf CLK_TCK)

path25=
if [ -x "$java25" ]; then
  path25="$(dirname "$java25"):$PATH"
  # the Java 25 archive, if the build did not prepare one (it prepares for the default java)
  PATH="$path25" STOREKEEPER_CDS=prepare "$root/bin/storekeeper" >/dev/null
fi

# start VARIANT: runs one start-up, prints "wall cpu"
start() {
  local variant=$1 data="$work/data-$1" t0 pid status wall cpu
  rm -rf "$data"
  local envs=(env -i PATH="$PATH" HOME="$work" DATA_DIR="$data" SERVER_PORT="$port")
  case $variant in
    jar17) cmd=("${envs[@]}" java -jar "$root/target/storekeeper.jar") ;;
    bin17) cmd=("${envs[@]}" "$root/bin/storekeeper") ;;
    jar25) cmd=("${envs[@]}" "$java25" -jar "$root/target/storekeeper.jar") ;;
    bin25) cmd=("${envs[@]}" PATH="$path25" "$root/bin/storekeeper") ;;
    bad17) cmd=("${envs[@]}" RETENTION_FAILED_DAYS=-1 "$root/bin/storekeeper") ;;
  esac
  t0=$(date +%s.%N)
  "${cmd[@]}" >"$work/log" 2>&1 &
  pid=$!
  if [ "$variant" = bad17 ]; then
    status=0
    wait "$pid" || status=$?
    wall=$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.2f')
    [ "$status" -ne 0 ] || { echo "bad17: the service started with a bad setting" >&2; exit 1; }
    echo "$wall -"
    return
  fi
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    kill -0 "$pid" 2>/dev/null || { echo "$variant: the service stopped:" >&2; tail "$work/log" >&2; exit 1; }
    sleep 0.02
  done
  wall=$(echo "$(date +%s.%N) - $t0" | bc | xargs printf '%.2f')
  # the java process (bin/storekeeper execs it, so it is $pid either way)
  cpu=$(awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$pid/stat")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  echo "$wall $cpu"
}

median() {
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

variants=(jar17 bin17 bad17)
[ -n "$path25" ] && variants=(jar17 bin17 jar25 bin25 bad17)
echo "commit:  $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:    $(nproc)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (before)"
declare -A walls cpus
for i in $(seq "$runs"); do
  for v in "${variants[@]}"; do
    read -r wall cpu < <(start "$v")
    walls[$v]+="$wall "
    cpus[$v]+="$cpu "
    echo "run $i $v: ${wall}s wall, ${cpu}s cpu"
  done
done
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (after)"
for v in "${variants[@]}"; do
  w=$(tr ' ' '\n' <<<"${walls[$v]}" | grep . | median)
  c=-
  [ "$v" = bad17 ] || c=$(tr ' ' '\n' <<<"${cpus[$v]}" | grep . | median)
  echo "median $v: ${w}s wall, ${c}s cpu over $runs runs"
done
