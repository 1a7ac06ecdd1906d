#!/usr/bin/env bash
# Cluster benchmark (issue 5), against the fat jar on loopback: cluster formation time (1..3 nodes), WebSocket
# request/reply on the same node versus across nodes (same client, same run), job throughput with 1, 2 and 3 nodes,
# and failover time (a worker node killed or frozen while it runs jobs). See README.md, "Cluster (issue 5)".
#
# Usage: bench/run-cluster.sh [--quick] [key=value ...]
#   --quick                 fewer rounds and shorter runs (about 5 minutes on 2 cores instead of about 12)
#   phases=formation,requests,jobs,failover   cluster.nodes=3 cluster.rounds=2
#   jobs.warmup=400 jobs.noop=2000 jobs.sleep=600 jobs.sleepMs=100 jobs.slots=8 jobs.inFlight=32 jobs.leaseMs=5000
#   failover.rounds=2 failover.modes=kill,freeze failover.jobsPerWorker=4
#   prime=5 warmup=5 measure=10 rounds=2 scenarios=1x1,1x100,100x10 ...   (request phase, as run-gateway.sh)
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

args=()
for arg in "$@"; do
  case "$arg" in
    --quick) args+=("quick=true") ;;
    *) args+=("$arg") ;;
  esac
done

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec java ${BENCH_CLIENT_OPTS:-} -cp "target/busbar-bench.jar:target/lib/*" io.busbar.bench.ClusterBench \
  "bench.busbar.dir=$ROOT" ${args[@]+"${args[@]}"}
