#!/usr/bin/env bash
# Cluster benchmark (issue 5): formation time of a Hazelcast cluster of fat-jar nodes, and WebSocket
# request/reply to a service on the same node versus on another node, same client, same run.
# See README.md, "Cluster (issue 5)".
#
# Usage: bench/run-cluster.sh [key=value ...]
#   cluster.nodes=3 cluster.rounds=2 prime=5 warmup=5 measure=10 rounds=2 scenarios=1x1,1x100,100x10 ...
# Environment: BENCH_CLIENT_OPTS  extra JVM options for the driver (load client) JVM.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
cd "$BENCH_DIR"

if [[ ! -f "$ROOT/target/busbar.jar" ]]; then
  echo "[run-cluster] $ROOT/target/busbar.jar missing: building Busbar" >&2
  mvn -q -f ../pom.xml -DskipTests package
fi

echo "[run-cluster] building the bench project" >&2
mvn -q -f pom.xml -DskipTests package

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec java ${BENCH_CLIENT_OPTS:-} -cp "target/busbar-bench.jar:target/lib/*" io.busbar.bench.ClusterBench \
  "bench.busbar.dir=$ROOT" "$@"
