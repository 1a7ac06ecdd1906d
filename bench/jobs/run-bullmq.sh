#!/usr/bin/env bash
# BullMQ baseline of the job benchmarks (issue 4). See bench/README.md, "Jobs (issue 4)".
#
# Installs redis-server (Debian package) when it is missing, starts a private Redis on a free loopback port
# with no persistence, installs the pinned bullmq in bench/jobs/bullmq, runs bench.mjs and stops Redis on exit.
#
# Usage: bench/jobs/run-bullmq.sh [--key=value ...]     (bench.mjs options; `--help` lists them)
#   e.g. bench/jobs/run-bullmq.sh --duration=20 --latency-jobs=5000 --out=/tmp/bullmq.json
# Environment: BULLMQ_BENCH_TIMEOUT  hard bound on the whole bench in seconds (default 900).
set -euo pipefail

JOBS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BULLMQ_DIR="$JOBS_DIR/bullmq"
BOUND="${BULLMQ_BENCH_TIMEOUT:-900}"

log() { echo "[run-bullmq] $*" >&2; }

if ! command -v redis-server >/dev/null 2>&1; then
  log "redis-server missing: installing the Debian package"
  if [[ "$(id -u)" != 0 ]]; then
    log "not root: install redis-server yourself (apt-get install redis-server)"
    exit 2
  fi
  timeout 300 apt-get update -qq
  DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq redis-server >/dev/null
fi
command -v node >/dev/null 2>&1 || { log "node is required (Node.js 18 or newer)"; exit 2; }

WORK="$(mktemp -d -t busbar-bullmq.XXXXXX)"
REDIS_PID=""
cleanup() {
  if [[ -n "$REDIS_PID" ]] && kill -0 "$REDIS_PID" 2>/dev/null; then
    kill "$REDIS_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$REDIS_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$REDIS_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
log "starting Redis on 127.0.0.1:$PORT (no persistence)"
redis-server --bind 127.0.0.1 --port "$PORT" --save '' --appendonly no --protected-mode yes \
  --daemonize no --dir "$WORK" --logfile "$WORK/redis.log" &
REDIS_PID=$!

deadline=$((SECONDS + 15))
until [[ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null || true)" == PONG ]]; do
  if ! kill -0 "$REDIS_PID" 2>/dev/null; then
    log "Redis exited at start-up:"; cat "$WORK/redis.log" >&2; exit 1
  fi
  if (( SECONDS >= deadline )); then
    log "Redis not answering PING within 15 s:"; cat "$WORK/redis.log" >&2; exit 1
  fi
  sleep 0.1
done

log "npm install in $BULLMQ_DIR"
(cd "$BULLMQ_DIR" && timeout 300 npm install --no-audit --no-fund --no-package-lock --loglevel=error >&2)

log "running bench.mjs (bounded to ${BOUND} s)"
set +e
(cd "$BULLMQ_DIR" && timeout --kill-after=10 "$BOUND" node bench.mjs --redis-host=127.0.0.1 --redis-port="$PORT" "$@")
rc=$?
set -e
if (( rc == 124 )); then
  log "bench.mjs did not finish within ${BOUND} s"
fi
exit "$rc"
