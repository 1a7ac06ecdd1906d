// BullMQ baseline for the job benchmarks of issue 4 (see bench/README.md, "Jobs (issue 4)").
//
// No-op jobs measured end to end the way a BullMQ user measures them: the producer adds a job with
// Queue.add and takes the job as done when QueueEvents reports "completed" for its id (the mechanism behind
// Job.waitUntilFinished). A Worker with an empty processor runs the jobs, by default in a child process.
//
// Phases, run in this order:
//   throughput  a window of --window jobs in flight; each completion submits the next job. Warm-up of
//               --warmup s, then --duration s measured: jobs/s = completion events seen in the measured
//               interval / its length. Submit-to-completion latency under that load is recorded too.
//   latency     one job in flight: --latency-warmup jobs, then --latency-jobs jobs measured,
//               submit-to-completion-event p50/p99.
//
// Usage: node bench.mjs --redis-port=6379 [--key=value ...]   (see OPTIONS below; --help lists them)
// Prints a table and writes JSON to --out (default bench/results/jobs-bullmq-<ts>.json).
// Every wait is bounded: a phase that sees no completion within --stall-ms fails with a message.

import { fork } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import IORedis from 'ioredis';

const HERE = dirname(fileURLToPath(import.meta.url));

const OPTIONS = {
  'redis-host': ['127.0.0.1', 'Redis host (loopback only)'],
  'redis-port': ['6379', 'Redis port'],
  concurrency: ['8', 'Worker concurrency'],
  workers: ['1', 'number of Worker instances'],
  'worker-mode': ['process', '"process": Workers run in child processes (one per Worker); "inline": in this process'],
  window: ['1000', 'throughput phase: jobs in flight'],
  warmup: ['40', 'throughput phase: warm-up seconds (not measured)'],
  duration: ['20', 'throughput phase: measured seconds'],
  'latency-warmup': ['10000', 'latency phase: jobs before measuring'],
  'latency-jobs': ['10000', 'latency phase: measured jobs (one in flight)'],
  'job-timeout-ms': ['10000', 'latency phase: a job not completed within this is counted lost'],
  'drain-ms': ['30000', 'after the throughput phase: how long to wait for jobs in flight'],
  'stall-ms': ['10000', 'fail the phase when no job completes for this long'],
  'remove-on-complete': ['1000', 'completed jobs kept per queue (BullMQ removeOnComplete count; "false" keeps all)'],
  'events-maxlen': ['10000', 'events stream max length (BullMQ default 10000)'],
  out: ['', 'JSON result path (default bench/results/jobs-bullmq-<ts>.json)'],
  role: ['producer', 'internal: "worker" when started as a child Worker process'],
  queue: ['', 'internal: queue name (the producer picks a fresh one per run)'],
};

function parseArgs(argv) {
  const opts = Object.fromEntries(Object.entries(OPTIONS).map(([k, [v]]) => [k, v]));
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') {
      for (const [k, [v, doc]] of Object.entries(OPTIONS)) {
        process.stdout.write(`  --${k}=${v === '' ? '<…>' : v}\n      ${doc}\n`);
      }
      process.exit(0);
    }
    const m = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!m || !(m[1] in OPTIONS)) {
      throw new Error(`unknown argument "${arg}"; expected --key=value with key one of ${Object.keys(OPTIONS).join(', ')}`);
    }
    opts[m[1]] = m[2];
  }
  return opts;
}

function int(opts, key, min = 0) {
  const n = Number(opts[key]);
  if (!Number.isInteger(n) || n < min) {
    throw new Error(`--${key} must be an integer >= ${min}, got "${opts[key]}"`);
  }
  return n;
}

function connectionOf(opts) {
  // maxRetriesPerRequest null: what BullMQ requires for Worker and QueueEvents connections.
  return { host: opts['redis-host'], port: int(opts, 'redis-port', 1), maxRetriesPerRequest: null };
}

function keepJobs(value) {
  return value === 'false' ? false : { count: Number(value) };
}

function noop() {
  return undefined;
}

// ---------------------------------------------------------------- worker role

async function runWorkerRole(opts) {
  const worker = new Worker(opts.queue, async () => noop(), {
    connection: connectionOf(opts),
    concurrency: int(opts, 'concurrency', 1),
  });
  let processed = 0;
  let failed = 0;
  worker.on('completed', () => { processed++; });
  worker.on('failed', () => { failed++; });
  worker.on('error', (err) => process.stderr.write(`[worker ${process.pid}] ${err}\n`));
  await worker.waitUntilReady();
  process.on('message', async (msg) => {
    if (msg === 'cpu') {
      process.send({ cpu: process.cpuUsage() });
    } else if (msg === 'stop') {
      await worker.close();
      process.send({ stopped: true, processed, failed }, () => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: true });
}

// ---------------------------------------------------------------- worker pool (either mode)

async function startWorkers(opts) {
  const count = int(opts, 'workers', 1);
  if (opts['worker-mode'] === 'inline') {
    const workers = [];
    for (let i = 0; i < count; i++) {
      const w = new Worker(opts.queue, async () => noop(), {
        connection: connectionOf(opts),
        concurrency: int(opts, 'concurrency', 1),
      });
      w.on('error', (err) => process.stderr.write(`[worker] ${err}\n`));
      await w.waitUntilReady();
      workers.push(w);
    }
    return {
      stop: async () => { await Promise.all(workers.map((w) => w.close())); return null; },
      cpuMicros: async () => 0, // inline Workers are part of the producer's own CPU time
    };
  }
  if (opts['worker-mode'] !== 'process') {
    throw new Error(`--worker-mode must be "process" or "inline", got "${opts['worker-mode']}"`);
  }
  const children = [];
  for (let i = 0; i < count; i++) {
    const args = ['--role=worker', `--queue=${opts.queue}`, `--redis-host=${opts['redis-host']}`,
      `--redis-port=${opts['redis-port']}`, `--concurrency=${opts.concurrency}`];
    const child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    await withTimeout(new Promise((res, rej) => {
      child.once('message', (m) => (m && m.ready ? res() : rej(new Error(`worker said ${JSON.stringify(m)}`))));
      child.once('exit', (code) => rej(new Error(`worker process exited with code ${code} before it was ready`)));
    }), 15000, 'worker process ready');
  }
  return {
    stop: async () => {
      const totals = { processed: 0, failed: 0 };
      await Promise.all(children.map((child) => withTimeout(new Promise((res) => {
        child.once('message', (m) => { totals.processed += m.processed; totals.failed += m.failed; res(); });
        child.once('exit', () => res());
        child.send('stop');
      }), 10000, 'worker process stop').catch((err) => {
        process.stderr.write(`${err.message}; killing it\n`);
        child.kill('SIGKILL');
      })));
      return totals;
    },
    cpuMicros: async () => {
      const usages = await Promise.all(children.map((child) => withTimeout(new Promise((res) => {
        child.once('message', (m) => res(m.cpu ? m.cpu.user + m.cpu.system : 0));
        child.send('cpu');
      }), 5000, 'worker CPU sample')));
      return usages.reduce((a, b) => a + b, 0);
    },
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- CPU accounting

/**
 * CPU time (µs) used so far by this process, the Worker processes and Redis. Differences over the measured
 * interval give CPU per job, a figure that other load on the machine disturbs much less than jobs/s.
 */
function cpuProbe(admin, workers) {
  return async () => {
    const own = process.cpuUsage();
    const [workersMicros, info] = await Promise.all([workers.cpuMicros(), admin.info('cpu')]);
    const field = (name) => Number(new RegExp(`${name}:([0-9.]+)`).exec(info)?.[1] ?? 0);
    return {
      producer: own.user + own.system,
      workers: workersMicros,
      redis: Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6),
    };
  };
}

function cpuDelta(before, after, seconds, jobs) {
  const ms = (k) => round((after[k] - before[k]) / 1000);
  const totalMs = round(ms('producer') + ms('workers') + ms('redis'));
  return {
    producerMs: ms('producer'), workersMs: ms('workers'), redisMs: ms('redis'), totalMs,
    coresUsed: round(totalMs / 1000 / seconds), msPer1000Jobs: jobs > 0 ? round((totalMs * 1000) / jobs) : null,
  };
}

// ---------------------------------------------------------------- completion tracking

/**
 * Matches QueueEvents "completed"/"failed" events to submitted jobs by id. An event may arrive before the
 * Queue.add promise that created the job has resolved; such events wait in `early` until it does.
 */
class Tracker {
  constructor(queueEvents) {
    this.pending = new Map(); // job id -> callback(nowMs, ok, reason)
    this.early = new Map(); // job id -> { at, ok, reason }
    this.abandoned = new Set(); // ids given up on (timed out); their late events are ignored
    this.lastCompletionAt = performance.now();
    queueEvents.on('completed', ({ jobId }) => this.onEvent(jobId, true, null));
    queueEvents.on('failed', ({ jobId, failedReason }) => this.onEvent(jobId, false, failedReason));
  }

  onEvent(jobId, ok, reason) {
    const at = performance.now();
    this.lastCompletionAt = at;
    const callback = this.pending.get(jobId);
    if (callback) {
      this.pending.delete(jobId);
      callback(at, ok, reason);
    } else if (!this.abandoned.delete(jobId)) {
      this.early.set(jobId, { at, ok, reason });
    }
  }

  /** Calls back once the job with this id completes or fails (possibly at once). */
  expect(jobId, callback) {
    const seen = this.early.get(jobId);
    if (seen) {
      this.early.delete(jobId);
      callback(seen.at, seen.ok, seen.reason);
    } else {
      this.pending.set(jobId, callback);
    }
  }

  abandon(jobId) {
    if (this.pending.delete(jobId)) {
      this.abandoned.add(jobId);
    }
  }
}

// ---------------------------------------------------------------- statistics

function summary(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  const n = sorted.length;
  const at = (q) => (n === 0 ? null : round(sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]));
  const mean = n === 0 ? null : round(sorted.reduce((a, b) => a + b, 0) / n);
  return { count: n, p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: n === 0 ? null : round(sorted[n - 1]), mean };
}

function round(x) {
  return Math.round(x * 1000) / 1000;
}

class PhaseFailure extends Error {}

// ---------------------------------------------------------------- phases

async function throughputPhase(queue, tracker, opts, probeCpu) {
  const window = int(opts, 'window', 1);
  const warmupMs = int(opts, 'warmup') * 1000;
  const durationMs = int(opts, 'duration', 1) * 1000;
  const stallMs = int(opts, 'stall-ms', 100);
  const state = {
    running: true, inFlight: 0, completed: 0, errors: 0, jobFailures: 0, firstError: null,
    measureFrom: Infinity, measureTo: Infinity, samples: [],
  };
  let wake;
  const idle = new Promise((res) => { wake = res; });

  const finish = (t0, at, ok, reason) => {
    state.inFlight--;
    if (ok) {
      state.completed++;
      if (t0 >= state.measureFrom && at <= state.measureTo) state.samples.push(at - t0);
    } else {
      state.jobFailures++;
      state.firstError ??= `job failed: ${reason}`;
    }
    next();
  };
  const submit = () => {
    state.inFlight++;
    const t0 = performance.now();
    queue.add('noop', {}).then(
      (job) => tracker.expect(job.id, (at, ok, reason) => finish(t0, at, ok, reason)),
      (err) => {
        state.inFlight--;
        state.errors++;
        state.firstError ??= `Queue.add failed: ${err.message}`;
        setTimeout(next, 10); // back off so a failing Redis does not become a busy loop
      });
  };
  const next = () => {
    if (state.running) submit();
    else if (state.inFlight === 0) wake();
  };

  const started = performance.now();
  tracker.lastCompletionAt = started;
  for (let i = 0; i < window; i++) submit();
  const watchdog = setInterval(() => {
    if (state.running && performance.now() - tracker.lastCompletionAt > stallMs) {
      state.running = false;
      state.stalled = true;
      wake();
    }
  }, 250);
  try {
    await sleep(warmupMs);
    const cpu0 = await probeCpu();
    const c0 = state.completed;
    state.measureFrom = performance.now();
    await sleep(durationMs);
    state.measureTo = performance.now();
    const measured = state.completed - c0;
    const cpu1 = await probeCpu();
    state.running = false;
    if (state.stalled) {
      throw new PhaseFailure(`throughput phase stalled: no completion for ${stallMs} ms (completed ${state.completed}, `
        + `${state.inFlight} in flight, ${state.errors} errors${state.firstError ? `, first: ${state.firstError}` : ''})`);
    }
    const drainMs = int(opts, 'drain-ms');
    const drained = await Promise.race([idle.then(() => true), sleep(drainMs).then(() => false)]);
    const seconds = (state.measureTo - state.measureFrom) / 1000;
    return {
      inFlight: window, warmupS: warmupMs / 1000, durationS: round(seconds), completed: measured,
      completedTotal: state.completed, jobsPerSecond: Math.round(measured / seconds),
      latencyMs: summary(state.samples), errors: state.errors, jobFailures: state.jobFailures,
      lost: drained ? 0 : state.inFlight, firstError: state.firstError,
      cpu: cpuDelta(cpu0, cpu1, seconds, measured),
      elapsedS: round((performance.now() - started) / 1000),
    };
  } finally {
    state.running = false;
    clearInterval(watchdog);
  }
}

async function latencyPhase(queue, tracker, opts) {
  const warm = int(opts, 'latency-warmup');
  const jobs = int(opts, 'latency-jobs', 1);
  const jobTimeoutMs = int(opts, 'job-timeout-ms', 1);
  const samples = [];
  let errors = 0;
  let lost = 0;
  let jobFailures = 0;
  let firstError = null;
  const started = performance.now();
  for (let i = 0; i < warm + jobs; i++) {
    const t0 = performance.now();
    let job;
    try {
      job = await withTimeout(queue.add('noop', {}), jobTimeoutMs, 'Queue.add');
    } catch (err) {
      errors++;
      firstError ??= `Queue.add failed: ${err.message}`;
      if (errors >= 20 && samples.length === 0) break;
      await sleep(10);
      continue;
    }
    const outcome = await new Promise((res) => {
      const timer = setTimeout(() => { tracker.abandon(job.id); res(null); }, jobTimeoutMs);
      tracker.expect(job.id, (at, ok, reason) => { clearTimeout(timer); res({ at, ok, reason }); });
    });
    if (outcome === null) {
      lost++;
      firstError ??= `job ${job.id} not completed within ${jobTimeoutMs} ms`;
      if (lost >= 3 && samples.length === 0) break;
    } else if (!outcome.ok) {
      jobFailures++;
      firstError ??= `job failed: ${outcome.reason}`;
    } else if (i >= warm) {
      samples.push(outcome.at - t0);
    }
  }
  if (samples.length === 0) {
    throw new PhaseFailure(`latency phase measured nothing (${errors} errors, ${lost} lost, ${jobFailures} failed`
      + `${firstError ? `; first: ${firstError}` : ''})`);
  }
  return {
    inFlight: 1, warmupJobs: warm, jobs, latencyMs: summary(samples), errors, jobFailures, lost, firstError,
    elapsedS: round((performance.now() - started) / 1000),
  };
}

function sleep(ms) {
  return new Promise((res) => setTimeout(res, ms));
}

// ---------------------------------------------------------------- report

function fmt(v, width) {
  const s = v === null || v === undefined ? '-' : String(v);
  return s.padStart(width);
}

function printTable(result) {
  const rows = [
    ['throughput', result.throughput],
    ['latency (1 in flight)', result.latency],
  ];
  const out = [];
  out.push(`BullMQ ${result.versions.bullmq} / ioredis ${result.versions.ioredis} / Redis ${result.versions.redis}`
    + ` / Node ${result.versions.node}; ${result.config.workers} Worker(s) (${result.config.workerMode}),`
    + ` concurrency ${result.config.concurrency}; ${result.machine.cores} cores`);
  out.push(`${'phase'.padEnd(22)}${fmt('in flight', 10)}${fmt('jobs', 9)}${fmt('jobs/s', 9)}`
    + `${fmt('p50 ms', 9)}${fmt('p90 ms', 9)}${fmt('p99 ms', 9)}${fmt('p99.9 ms', 10)}${fmt('max ms', 9)}`
    + `${fmt('errors', 8)}${fmt('lost', 6)}`);
  for (const [name, r] of rows) {
    if (!r || r.failed) {
      out.push(`${name.padEnd(22)}FAILED: ${r ? r.failed : 'not run'}`);
      continue;
    }
    const l = r.latencyMs;
    out.push(`${name.padEnd(22)}${fmt(r.inFlight, 10)}${fmt(r.completed ?? l.count, 9)}${fmt(r.jobsPerSecond, 9)}`
      + `${fmt(l.p50, 9)}${fmt(l.p90, 9)}${fmt(l.p99, 9)}${fmt(l.p999, 10)}${fmt(l.max, 9)}`
      + `${fmt(r.errors + (r.jobFailures ?? 0), 8)}${fmt(r.lost, 6)}`);
  }
  const cpu = result.throughput?.cpu;
  if (cpu) {
    out.push(`throughput CPU: producer ${cpu.producerMs} ms + workers ${cpu.workersMs} ms + Redis ${cpu.redisMs} ms`
      + ` over ${result.throughput.durationS} s = ${cpu.coresUsed} cores; ${cpu.msPer1000Jobs} CPU ms per 1,000 jobs`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(join(HERE, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function timestamp(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

// ---------------------------------------------------------------- main

async function runProducer(opts) {
  const startedAt = new Date();
  const [load1] = os.loadavg();
  if (load1 > 0.5) {
    // Other processes compete for the same cores: the figures will be low and noisy.
    process.stderr.write(`[bullmq] warning: 1-minute load average is ${load1.toFixed(2)} before the run\n`);
  }
  opts.queue ||= `bench-jobs-${process.pid}-${Date.now()}`;
  const connection = connectionOf(opts);
  const admin = new IORedis({ ...connection, lazyConnect: true });
  await withTimeout(admin.connect(), 5000, `connect to Redis at ${connection.host}:${connection.port}`);
  const redisInfo = await admin.info('server');
  const redisVersion = /redis_version:(\S+)/.exec(redisInfo)?.[1] ?? 'unknown';

  const queue = new Queue(opts.queue, {
    connection,
    defaultJobOptions: { removeOnComplete: keepJobs(opts['remove-on-complete']), removeOnFail: { count: 10000 } },
    streams: { events: { maxLen: int(opts, 'events-maxlen', 1) } },
  });
  const queueEvents = new QueueEvents(opts.queue, { connection });
  const tracker = new Tracker(queueEvents);
  await withTimeout(Promise.all([queue.waitUntilReady(), queueEvents.waitUntilReady()]), 10000, 'Queue/QueueEvents ready');
  const workers = await startWorkers(opts);

  const result = {
    system: 'bullmq',
    startedAt: startedAt.toISOString(),
    versions: {
      bullmq: packageVersion('bullmq'), ioredis: packageVersion('ioredis'), redis: redisVersion,
      node: process.version,
    },
    machine: {
      cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAvgAtStart: os.loadavg().map(round),
    },
    config: {
      concurrency: int(opts, 'concurrency', 1), workers: int(opts, 'workers', 1), workerMode: opts['worker-mode'],
      removeOnComplete: opts['remove-on-complete'], eventsMaxLen: int(opts, 'events-maxlen', 1), queue: opts.queue,
      measure: 'Queue.add start -> QueueEvents "completed" for that job id, in the producer process',
    },
    throughput: null,
    latency: null,
  };
  let failed = false;
  try {
    for (const [key, phase] of [['throughput', throughputPhase], ['latency', latencyPhase]]) {
      process.stderr.write(`[bullmq] ${key} phase…\n`);
      try {
        result[key] = await phase(queue, tracker, opts, cpuProbe(admin, workers));
      } catch (err) {
        if (!(err instanceof PhaseFailure)) throw err;
        failed = true;
        result[key] = { failed: err.message };
        process.stderr.write(`[bullmq] ${err.message}\n`);
      }
    }
  } finally {
    const totals = await workers.stop();
    if (totals) result.workerTotals = totals;
    await Promise.allSettled([queueEvents.close(), queue.obliterate({ force: true }).finally(() => queue.close())]);
    admin.disconnect();
  }
  result.finishedAt = new Date().toISOString();
  result.machine.loadAvgAtEnd = os.loadavg().map(round);

  const out = opts.out || join(HERE, '..', '..', 'results', `jobs-bullmq-${timestamp(startedAt)}.json`);
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  process.stdout.write(`JSON: ${resolve(out)}\n`);
  return failed ? 1 : 0;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.role === 'worker') {
  await runWorkerRole(opts);
} else {
  const code = await runProducer(opts);
  process.exit(code);
}
