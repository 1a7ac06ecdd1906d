#!/usr/bin/env bash
# Scheduling benchmark (issue 4): fcfs vs sjf vs priority on one worker, heavy-tailed jobs, against queueing theory.
# See ../README.md, "Scheduling and ETA accuracy (issue 4)".
#
# Usage: bench/sched/run-scheduling.sh [key=value ...]
#   warmup=20 measure=180 cooldown=10 rho=0.8 alpha=1.5 low=3.7 high=500 short=10 seed=42
#   policies=fcfs,sjf,priority mode=parallel|sequential calibrate=40 batches=10 drain.timeout=60 ...
# Environment: BENCH_CLIENT_OPTS  extra JVM options for the driver JVM.
# The whole run is bounded by `timeout` (BENCH_TIMEOUT seconds, default 900); the driver stops Busbar with SIGTERM
# (SIGKILL after 10 s) at the end, on failure, and from its shutdown hook when it is itself terminated.
set -euo pipefail

SCHED_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCHED_DIR/../.." && pwd)"
cd "$SCHED_DIR"

if [[ ! -f "$ROOT/target/busbar.jar" ]]; then
  echo "[run-scheduling] $ROOT/target/busbar.jar is missing: build Busbar first (mvn -q -DskipTests package)" >&2
  exit 1
fi

echo "[run-scheduling] building the driver" >&2
mvn -q -f "$SCHED_DIR/pom.xml" -DskipTests package

# shellcheck disable=SC2086  # BENCH_CLIENT_OPTS is a list of JVM options
exec timeout --signal=TERM --kill-after=30 "${BENCH_TIMEOUT:-900}" \
  java ${BENCH_CLIENT_OPTS:-} -cp "target/busbar-bench-sched.jar:target/lib/*" io.busbar.bench.sched.SchedulingBench \
  "busbar.dir=$ROOT" "$@"
