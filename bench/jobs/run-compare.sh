#!/usr/bin/env bash
# Job benchmarks of issue 4, side by side in one run: BullMQ (Redis), then Busbar with the in-memory store, then
# Busbar with the durable MVStore store; same workload, same client-side measurement. Prints the ratios the issue
# sets targets for and writes bench/results/jobs-compare-<ts>.json (plus the BullMQ run's jobs-bullmq-<ts>.json).
# See bench/README.md, "Jobs (issue 4)".
#
# Usage: bench/jobs/run-compare.sh [shared settings] [--bullmq-option=value ...] [driver.key=value ...]
#   shared settings, applied to both sides (defaults in brackets):
#     warmup=40  duration=20  inflight=1000  latency.warmup=10000  latency.jobs=10000
#   --key=value          passed to bullmq/bench.mjs only (e.g. --concurrency=8 --worker-mode=inline)
#   other key=value      passed to the Java driver only (e.g. connections=4 modes=memory jvm.flags=-Xmx1g)
# Environment: JOBS_BENCH_TIMEOUT  hard bound on each side in seconds (default 1200).
# It never builds Busbar: build target/busbar.jar first (mvn -q -DskipTests package in the repository root).
set -euo pipefail

JOBS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$JOBS_DIR/../.." && pwd)"
RESULTS="$ROOT/bench/results"
BOUND="${JOBS_BENCH_TIMEOUT:-1200}"
log() { echo "[run-compare] $*" >&2; }

warmup=40 duration=20 inflight=1000 latency_warmup=10000 latency_jobs=10000
bullmq_args=()
driver_args=()
for arg in "$@"; do
  case "$arg" in
    warmup=*) warmup="${arg#*=}" ;;
    duration=*) duration="${arg#*=}" ;;
    inflight=*) inflight="${arg#*=}" ;;
    latency.warmup=*) latency_warmup="${arg#*=}" ;;
    latency.jobs=*) latency_jobs="${arg#*=}" ;;
    --*=*) bullmq_args+=("$arg") ;;
    *=*) driver_args+=("$arg") ;;
    *) log "unexpected argument \"$arg\" (expected key=value or --key=value)"; exit 2 ;;
  esac
done

JAR="$ROOT/target/busbar.jar"
if [[ ! -f "$JAR" ]]; then
  log "$JAR missing: build Busbar first (mvn -f $ROOT/pom.xml -q -DskipTests package)"
  exit 2
fi
newer="$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$JAR" -type f 2>/dev/null | head -3)"
if [[ -n "$newer" ]]; then
  log "warning: sources changed since $JAR was built, e.g.:"
  echo "$newer" | sed 's/^/    /' >&2
fi

load1="$(cut -d' ' -f1 /proc/loadavg)"
log "1-minute load average before the run: $load1 (figures are only comparable on an otherwise idle machine)"

log "building the driver (bench/jobs/driver)"
timeout 600 mvn -q -f "$JOBS_DIR/driver/pom.xml" -DskipTests package

TS="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RESULTS"
BULLMQ_JSON="$RESULTS/jobs-bullmq-$TS.json"
COMPARE_JSON="$RESULTS/jobs-compare-$TS.json"

log "1/2 BullMQ"
set +e
BULLMQ_BENCH_TIMEOUT="$BOUND" "$JOBS_DIR/run-bullmq.sh" --out="$BULLMQ_JSON" --warmup="$warmup" \
  --duration="$duration" --window="$inflight" --latency-warmup="$latency_warmup" --latency-jobs="$latency_jobs" \
  ${bullmq_args[@]+"${bullmq_args[@]}"}
bullmq_rc=$?
set -e
if [[ ! -f "$BULLMQ_JSON" ]]; then
  log "BullMQ run wrote no result (exit code $bullmq_rc); stopping"
  exit 1
fi

log "2/2 Busbar (memory, mvstore)"
set +e
timeout --kill-after=20 "$BOUND" java -cp "$JOBS_DIR/driver/target/busbar-bench-jobs.jar:$JOBS_DIR/driver/target/lib/*" \
  io.busbar.bench.jobs.JobsBench "busbar.dir=$ROOT" "bullmq.result=$BULLMQ_JSON" "out=$COMPARE_JSON" \
  "warmup.s=$warmup" "duration.s=$duration" "inflight=$inflight" "latency.warmup=$latency_warmup" \
  "latency.jobs=$latency_jobs" ${driver_args[@]+"${driver_args[@]}"}
driver_rc=$?
set -e
if (( driver_rc == 124 )); then
  log "the Busbar driver did not finish within ${BOUND} s"
fi
if (( bullmq_rc != 0 || driver_rc != 0 )); then
  log "done with failures (BullMQ exit $bullmq_rc, driver exit $driver_rc); see the table above"
  exit 1
fi
