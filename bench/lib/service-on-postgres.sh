# Sourced by the latency benchmarks: builds the jar if missing, recreates the database $db and
# starts the service jar $jar on it (port $port, admin token $token, no scheduled cleanup, its log
# in $out/service.log), stops it when the script exits, and returns once /health answers.
# Expects: db, jar, port, token, out and the psql array.

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
