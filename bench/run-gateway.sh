#!/usr/bin/env bash
# Gateway round-trip benchmark (issue 3): WebSocket request/reply through the Busbar fat jar versus a bare
# vertx-web SockJS bridge, same client, same run. See README.md, "Gateway round trips (issue 3)".
#
# Usage: bench/run-gateway.sh [key=value ...]
#   warmup=5 measure=10 rounds=2 scenarios=1x1,1x100,100x10 "jvm.flags=-Xms512m -Xmx512m" bare.instances=1 ...
#   sut=bare   runs a second bare bridge in Busbar's place (driver self-check; no Busbar jar needed)
# Environment: BENCH_CLIENT_OPTS  extra JVM options for the driver (load client) JVM.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$BENCH_DIR"

needs_busbar=true
for arg in "$@"; do
  case "$arg" in
    sut=bare|bench.sut=bare) needs_busbar=false ;;
  esac
done

if [[ "$needs_busbar" == true && ! -f "$ROOT/target/busbar.jar" ]]; then
  echo "[run-gateway] $ROOT/target/busbar.jar missing: building Busbar" >&2
  mvn -q -f ../pom.xml -DskipTests package
fi

echo "[run-gateway] building the bench project" >&2
mvn -q -f pom.xml -DskipTests package

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec java ${BENCH_CLIENT_OPTS:-} -cp "target/busbar-bench.jar:target/lib/*" io.busbar.bench.GatewayBench \
  "bench.busbar.dir=$ROOT" "$@"
