#!/usr/bin/env bash
# Deep and wide trees (issue 11, section 3): what a processor that unpacks a hostile archive leaves.
# Builds the same tree twice on disk and times, side by side in one run:
#   ours  - SafeFiles (TreeWalk): a dry run (measure), then the real removal, inside one JVM
#   floor - `du -s --apparent-size` (measure) and `rm -rf` (remove) on the identical copy
#
#   bench/tree-walk.sh                   chains 2,000 / 20,000 / 100,000 deep, and 1,000,000 files
#   bench/tree-walk.sh chain 100000      one chain
#   bench/tree-walk.sh wide 1000000      one tree of that many files (1,000 per directory)
#
# Needs Java 17, Maven (builds target/classes if missing) and python3. Scratch: BENCH_TREES
# (default target/bench-trees, on the repository's disk: these are disk figures, not tmpfs ones).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SCRATCH=${BENCH_TREES:-$ROOT/target/bench-trees}
CLASSES=$ROOT/bench/out/tree-walk
mkdir -p "$SCRATCH" "$CLASSES"
if [[ ! -d target/classes/dev/storekeeper/storage ]]; then
  mvn -B -q -DskipTests compile
fi
if [[ ! -f $CLASSES/TreeWalkBench.class || bench/TreeWalkBench.java -nt $CLASSES/TreeWalkBench.class ]]; then
  javac -nowarn -cp target/classes -d "$CLASSES" bench/TreeWalkBench.java
fi

# shape size dir: builds dir/job (a chain of `size` levels with a 7-byte file at the bottom, or
# `size` files of 7 bytes, 1,000 per directory), relative to open directories: no long paths
build() {
  python3 - "$1" "$2" "$3" <<'PY'
import os, sys
shape, size, parent = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(parent, exist_ok=True)
top = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
os.mkdir("job", dir_fd=top)
fd = os.open("job", os.O_RDONLY | os.O_DIRECTORY, dir_fd=top)
os.close(top)
def write(name, at):
    f = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600, dir_fd=at)
    os.write(f, b"1234567")
    os.close(f)
if shape == "chain":
    for _ in range(size - 1):
        os.mkdir("d", dir_fd=fd)
        nxt = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    write("bottom.txt", fd)
else:
    for d in range((size + 999) // 1000):
        name = "d%04d" % d
        os.mkdir(name, dir_fd=fd)
        sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        for i in range(min(1000, size - d * 1000)):
            write("f%04d" % i, sub)
        os.close(sub)
os.close(fd)
PY
}

seconds() { python3 -c 'import sys,time; t=time.monotonic(); import subprocess; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); print("%.3f" % (time.monotonic()-t))' "$@"; }

one() {
  local shape=$1 size=$2 case=$SCRATCH/$1-$2
  rm -rf "$case" 2>/dev/null || true
  echo "== $shape $size (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  build "$shape" "$size" "$case/ours"
  build "$shape" "$size" "$case/floor"
  sync
  local dry real du rm
  dry=$(java -Xss512k -cp "target/classes:$CLASSES" TreeWalkBench "$case/ours" job dry)
  du=$(seconds du -s --apparent-size "$case/floor/job")
  sync
  real=$(java -Xss512k -cp "target/classes:$CLASSES" TreeWalkBench "$case/ours" job real)
  rm=$(seconds rm -rf "$case/floor/job")
  sync
  echo "  ours  $dry"
  echo "  ours  $real"
  echo "  floor measure $du  (du -s --apparent-size)"
  echo "  floor remove  $rm  (rm -rf)"
  python3 - "$dry" "$real" "$du" "$rm" <<'PY'
import sys
dry = float(sys.argv[1].split()[1]); real = float(sys.argv[2].split()[1])
du = float(sys.argv[3]); rm = float(sys.argv[4])
print("  ratio measure %.2fx   remove %.2fx" % (dry / du if du else 0, real / rm if rm else 0))
PY
  rm -rf "$case"
}

case "${1:-all}" in
  chain | wide) one "$1" "${2:?size}" ;;
  all)
    for depth in 2000 20000 100000; do one chain "$depth"; done
    one wide 1000000
    ;;
  *) echo "usage: bench/tree-walk.sh [all | chain DEPTH | wide FILES]" >&2; exit 2 ;;
esac
