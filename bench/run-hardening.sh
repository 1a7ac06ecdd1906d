#!/usr/bin/env bash
# Load, slow-consumer and soak runs of issue 7 against the Busbar fat jar in its own JVM, loopback only.
# See README.md, "Hardening: connections, slow consumers, soak (issue 7)".
#
# Usage: bench/run-hardening.sh [--connections] [--slow] [--soak] [--quick] [key=value ...]
#   --connections  10,000 idle WebSockets: heap per connection, connect rate, fan-out (Busbar, then the bare bridge)
#   --slow         a client that stops reading while 10,000 msgs/s are published (policies drop and close)
#   --soak         capacity of mixed traffic, then 10 minutes at half of it; exits 1 when a criterion is broken
#   (no bench flag: all three, in that order)
#   --quick        short runs to validate the script (the soak takes about a minute)
#   key=value      any setting, e.g. conn.count=5000 soak.duration=1200 slow.clients=8 (see HardeningBench)
# Environment: BENCH_CLIENT_OPTS  JVM options of the driver (default -Xmx1g); BENCH_NICE  nice level (default 10).
# Exit code: 0 every criterion met, 1 one missed or a run failed, 2 a bad setting.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$BENCH_DIR"

benches=()
args=()
for arg in "$@"; do
  case "$arg" in
    --connections) benches+=(connections) ;;
    --slow) benches+=(slow) ;;
    --soak) benches+=(soak) ;;
    --quick) args+=(quick=true) ;;
    --help|-h) sed -n '2,15p' "${BASH_SOURCE[0]}"; exit 0 ;;
    --*) echo "[run-hardening] unknown flag $arg" >&2; exit 2 ;;
    *) args+=("$arg") ;;
  esac
done
if [[ ${#benches[@]} -gt 0 ]]; then
  args+=("benches=$(IFS=,; echo "${benches[*]}")")
fi

if [[ ! -f "$ROOT/target/busbar.jar" ]]; then
  echo "[run-hardening] $ROOT/target/busbar.jar missing: building Busbar" >&2
  mvn -q -f ../pom.xml -DskipTests package
fi

echo "[run-hardening] building the bench project" >&2
mvn -q -f pom.xml -DskipTests package

# 10,000 client sockets need as many file descriptors in the driver (and the server inherits the limit).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec nice -n "${BENCH_NICE:-10}" java ${BENCH_CLIENT_OPTS:--Xmx1g} -cp "target/busbar-bench.jar:target/lib/*" \
  io.busbar.bench.hardening.HardeningBench "busbar.dir=$ROOT" "${args[@]}"
