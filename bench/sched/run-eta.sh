#!/usr/bin/env bash
# ETA accuracy benchmark (issue 4): Busbar's predicted wait vs the actual wait, fcfs queue with c = 2 workers,
# near-exponential service, Poisson arrivals at several loads.
# See ../README.md, "Scheduling and ETA accuracy (issue 4)".
#
# Usage: bench/sched/run-eta.sh [key=value ...]
#   warmup=10 measure=50 cooldown=2 loads=0.5,0.8,0.95 servers=2 mean=10 min=2 seed=7 calibrate=40
#   drain.timeout=60 ready.timeout=90 jvm.flags=-Xmx512m results=<dir> ...
# Environment: BENCH_CLIENT_OPTS  extra JVM options for the driver JVM.
# The whole run is bounded by `timeout` (BENCH_TIMEOUT seconds, default 900); the driver stops Busbar with SIGTERM
# (SIGKILL after 10 s) at the end, on failure, and from its shutdown hook when it is itself terminated.
set -euo pipefail

SCHED_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCHED_DIR/../.." && pwd)"
cd "$SCHED_DIR"

if [[ ! -f "$ROOT/target/busbar.jar" ]]; then
  echo "[run-eta] $ROOT/target/busbar.jar is missing: build Busbar first (mvn -q -DskipTests package)" >&2
  exit 1
fi

echo "[run-eta] building the driver" >&2
mvn -q -f "$SCHED_DIR/pom.xml" -DskipTests package

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec timeout --signal=TERM --kill-after=30 "${BENCH_TIMEOUT:-900}" \
  java ${BENCH_CLIENT_OPTS:-} -cp "target/busbar-bench-sched.jar:target/lib/*" io.busbar.bench.sched.EtaBench \
  "busbar.dir=$ROOT" "$@"
