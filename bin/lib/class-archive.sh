# Sourced by bin/cleanup-storage and bin/storekeeper: run the jar unpacked, with a class archive.
#
# The fat jar's nested-jar class loader costs start-up time, and classes loaded from it cannot be
# archived. So the launchers run the jar unpacked (`-Djarmode=tools extract`) and map an archive of
# the classes a training run loaded: on Java 17-24 a dynamic class-data-sharing archive
# (-XX:ArchiveClassesAtExit), on Java 25 and later an AOT cache (JEP 483/514/515: classes loaded and
# linked, with method profiles). `mvn package` prepares both launchers' archives for the `java` on
# PATH (STOREKEEPER_CDS=prepare); for another JVM the first call prepares them, once. Training
# always runs on an empty scratch store, never on the operator's data.
#
# An archive is valid for one build of the jar and one JVM: its directory is named after both.

# The JVM the launcher runs: `java` on PATH, resolved to its file.
archive_java() {
  readlink -f "$(command -v java)" 2>/dev/null || echo java
}

# "aot" for a JVM that has AOT caches (25 and later), else "cds".
archive_kind() {
  local release major
  release="$(dirname "$1")/../release"
  major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" 2>/dev/null)
  if [ -n "$major" ] && [ "$major" -ge 25 ]; then
    echo aot
  else
    echo cds
  fi
}

# archive_dir BASE JAR JAVA: the directory of this jar's archive for this JVM.
archive_dir() {
  local key
  key=$(stat -c '%Y-%s' "$2" "$3" 2>/dev/null | tr '\n' '-')
  echo "$1/${key%-}"
}

archive_file() {
  if [ "$1" = aot ]; then echo app.aot; else echo app.jsa; fi
}

archive_ready() {
  [ -f "$1/ready" ] && [ -f "$1/$(archive_file "$2")" ] && [ -f "$1/storekeeper.jar" ]
}

# archive_prepare DIR KIND JAR JAVA ARGUMENTS...: unpacks JAR into DIR and trains an archive there by
# running `java ARGUMENTS` in a scratch directory, @JAR@ in them standing for the unpacked jar.
# Returns 1 (and marks DIR.failed, so later calls start without trying again) when that fails.
archive_prepare() {
  local dir=$1 kind=$2 jar=$3 java=$4 record
  shift 4
  mkdir -p "$(dirname "$dir")" || return 1
  # one preparer at a time; a concurrent call simply starts without the archive
  mkdir "$dir.lock" 2>/dev/null || return 1
  if [ "$kind" = aot ]; then
    record=(-XX:AOTCacheOutput="$dir/app.aot")
  else
    record=(-XX:ArchiveClassesAtExit="$dir/app.jsa")
  fi
  # (each step chained: `set -e` does not apply inside a tested subshell)
  if ! (
    rm -rf "$dir" "$dir.failed" &&
      "$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null &&
      training=$(mktemp -d) &&
      trap 'rm -rf "$training"' EXIT &&
      cd "$training" &&
      env -i PATH="$PATH" HOME="${HOME:-/tmp}" LC_ALL="${LC_ALL:-C.UTF-8}" DATA_DIR="$training/data" \
        SERVER_PORT=0 "$java" "${record[@]}" "${@//@JAR@/$dir/storekeeper.jar}" >/dev/null 2>&1 &&
      [ -f "$dir/$(archive_file "$kind")" ] &&
      touch "$dir/ready"
  ); then
    rm -rf "$dir"
    touch "$dir.failed"
  fi
  # drop what earlier builds of the jar left (this build's archives for other JVMs stay), unless
  # another call is preparing it
  local old build
  build=$(basename "$dir" | cut -d- -f1-2)
  for old in "$(dirname "$dir")"/*; do
    case $(basename "$old") in
      "$build"-* | *.lock) continue ;;
    esac
    [ -d "$old.lock" ] || rm -rf "$old"
  done
  rmdir "$dir.lock"
  archive_ready "$dir" "$kind"
}

# The JVM options that map the archive (its log lines off: a stale archive is not an error).
archive_flags() {
  if [ "$2" = aot ]; then
    echo "-XX:AOTCache=$1/app.aot -Xlog:aot=off -Xlog:cds=off"
  else
    echo "-XX:SharedArchiveFile=$1/app.jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

# archive_mode NAME: checks STOREKEEPER_CDS (on, off, prepare) and sets archive_mode to it; exits 2
# naming it otherwise.
archive_mode() {
  archive_mode="${STOREKEEPER_CDS-on}"
  case "$archive_mode" in
    on | off | prepare) ;;
    *)
      echo "$1: STOREKEEPER_CDS must be on, off or prepare, not '$archive_mode'" >&2
      exit 2
      ;;
  esac
}

# archive_launch NAME BASE JAR ARGUMENTS...: in prepare mode prepares the archive and exits 0 (a
# failure is reported, not fatal: the first call tries again); otherwise sets archive_jar and
# archive_options to run the unpacked jar with its archive, preparing it first if needed — or to
# the jar as it is when STOREKEEPER_CDS=off or no archive can be had.
archive_launch() {
  local name=$1 base=$2 jar=$3 java kind dir
  shift 3
  archive_mode "$name"
  archive_jar=$jar
  archive_options=()
  [ "$archive_mode" = off ] && return 0
  java=$(archive_java)
  kind=$(archive_kind "$java")
  dir=$(archive_dir "$base" "$jar" "$java")
  if [ "$archive_mode" = prepare ]; then
    rm -rf "$dir.failed"
    if archive_ready "$dir" "$kind" || archive_prepare "$dir" "$kind" "$jar" "$java" "$@"; then
      echo "$name: class archive ($kind) ready in $dir"
    else
      rm -f "$dir.failed"
      echo "$name: could not record the class archive; the first call will try again" >&2
    fi
    exit 0
  fi
  if ! archive_ready "$dir" "$kind" && [ ! -e "$dir.failed" ]; then
    archive_prepare "$dir" "$kind" "$jar" "$java" "$@"
  fi
  if archive_ready "$dir" "$kind"; then
    archive_jar="$dir/storekeeper.jar"
    read -r -a archive_options <<<"$(archive_flags "$dir" "$kind")"
  fi
}
