// The call-ledger benchmark (`npm run bench:ledger`).
//
// Part 1, writer throughput: attempt records/s into PostgreSQL, rollups included, through
// `PostgresLedgerWriter` alone and through the whole `CallRecorderService` (queue -> batches ->
// writer), per batch size, each into a fresh migrated schema; then checks that every record and
// every rollup count is there exactly once.
// Part 2, recording on vs off: the gateway as a child process in front of the provider
// simulator (its own process), driven by autocannon in interleaved rounds of fresh processes;
// CPU microseconds per request of the gateway process at full speed and at a fixed rate, RPS,
// p50/p99, peak RSS, and a check that the ledger holds every answered request.
//
// Prints the tables and writes them to the "Call ledger" section of docs/performance.md.
// Runs on the built packages (`npm run build`). `--help` lists the options.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CallJournal } from '../dist/modules/calls/call-journal.js';
import { CallPartitionMaintainer } from '../dist/modules/calls/call-partition.maintainer.js';
import {
  CallRecorderService,
  DEFAULT_CALL_RECORDER_OPTIONS,
} from '../dist/modules/calls/call-recorder.service.js';
import { PostgresLedgerWriter } from '../dist/modules/calls/postgres-ledger.writer.js';
import { silentDatabaseLogger } from '../dist/modules/database/database-logger.js';
import { DatabaseService } from '../dist/modules/database/database.service.js';
import { generateAttemptRecords } from './support/attempt-records.mjs';
import { openBenchDatabase } from './support/bench-database.mjs';
import { createCleanup } from './support/cleanup.mjs';
import { profileClockUs, profileShares } from './support/cpu-profile.mjs';
import { exitCodeFor, writeDocSection } from './support/doc-section.mjs';
import { markdownTable, mebibytes, num, percent, textTable } from './support/format.mjs';
import { chatBody, writeGatewayConfig } from './support/gateway-config.mjs';
import { callgrindLaunch, slowTickNote, valgrindVersion } from './support/instructions.mjs';
import { runLoad } from './support/load.mjs';
import {
  describeCode,
  describeMachine,
  describeRun,
  loadAverage,
  startStealMeter,
} from './support/machine.mjs';
import { readMemory, resetPeakRss, startCpuWindow } from './support/process-stats.mjs';
import { scenarioPath, startProviderSimProcess } from './support/provider-sim-process.mjs';
import { benchSchemaName, dropSchema, withSchemaClient } from './support/schema.mjs';
import { median, quantile, relativeChange, relativeRange, sum } from './support/stats.mjs';
import { PRODUCTION_NODE_ARGS, startStiltsProcess } from './support/stilts-process.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC = path.join(ROOT, 'docs/performance.md');
const PROFILE_DIR = path.join(ROOT, 'artifacts/bench-profiles');
const TARGET_RECORDS_PER_SEC = 20_000;
const TARGET_CPU_OVERHEAD = 0.05;

const USAGE = `Usage: node apps/server/bench/ledger.bench.mjs [options]   (npm run bench:ledger)

Database: DATABASE_URL when set, else a temporary embedded PostgreSQL.

Options (environment variable in brackets):
  --records <n>       attempt records per writer mode (BENCH_RECORDS; default 200000)
  --batch-sizes <l>   comma-separated batch sizes (BENCH_BATCH_SIZES; default 1000,5000)
  --rounds <n>        gateway rounds per variant, interleaved on/off (BENCH_ROUNDS; default 3)
  --warmup <s>        warm-up seconds per round, at full speed (BENCH_WARMUP; default 12)
  --duration <s>      seconds of each measured window (BENCH_DURATION; default 8)
  --rate <n>          req/s of the fixed-rate window (BENCH_RATE; default: half the first
                      round's full-speed req/s; 0: no fixed-rate window)
  --connections <n>   autocannon connections (BENCH_CONNECTIONS; default 50)
  --only <part>       writer | gateway (default: both)
  --quick             smoke run: 20000 records, 1 round of 2 s windows; no doc update
  --doc / --no-doc    write docs/performance.md (default: yes, except with --quick)
  --no-attribution    skip the extra profiled "on" round (default: run it, except with --quick)
                      that measures the share of the gateway's CPU spent recording
  --instructions      count the gateway's instructions per request, recording on and off,
                      under valgrind's callgrind (default: on, except with --quick; needs
                      valgrind): the figure that decides the recording target
  --no-instructions   skip the instruction counts
  --instruction-processes <n>  fresh gateways per variant under callgrind, interleaved on/off
                      (default 3; --quick 1); each counts 3 windows of 1,000 requests
  --cpu-prof          profile every gateway process (artifacts/bench-profiles/) and report the
                      share of its main-thread CPU spent in the recorder and pg; the profiler
                      itself costs CPU, so compare CPU figures only between profiled runs
  -h, --help          this text`;

function parseOptions(argv, env) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      records: { type: 'string' },
      'batch-sizes': { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rate: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      doc: { type: 'boolean' },
      'no-doc': { type: 'boolean' },
      'cpu-prof': { type: 'boolean', default: false },
      instructions: { type: 'boolean' },
      'no-instructions': { type: 'boolean' },
      'instruction-processes': { type: 'string' },
      attribution: { type: 'boolean' },
      'no-attribution': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick;
  const int = (name, raw, fallback, min) => {
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  const only = values.only ?? env.BENCH_ONLY;
  if (only !== undefined && only !== 'writer' && only !== 'gateway') {
    throw new Error('--only must be writer or gateway');
  }
  const batchSizes = (values['batch-sizes'] ?? env.BENCH_BATCH_SIZES ?? '1000,5000')
    .split(',')
    .map((s) => int('batch-sizes', s.trim(), undefined, 1));
  return {
    help: values.help,
    quick,
    records: int('records', values.records ?? env.BENCH_RECORDS, quick ? 20_000 : 200_000, 1),
    batchSizes,
    rounds: int('rounds', values.rounds ?? env.BENCH_ROUNDS, quick ? 1 : 3, 1),
    durationSec: int('duration', values.duration ?? env.BENCH_DURATION, quick ? 2 : 8, 1),
    warmupSec: int('warmup', values.warmup ?? env.BENCH_WARMUP, quick ? 2 : 12, 0),
    // undefined: half the first round's full-speed throughput; 0: no fixed-rate window.
    rate: int('rate', values.rate ?? env.BENCH_RATE, undefined, 0),
    connections: int('connections', values.connections ?? env.BENCH_CONNECTIONS, 50, 1),
    writer: only !== 'gateway',
    gateway: only !== 'writer',
    writeDoc: values['no-doc'] ? false : (values.doc ?? !quick),
    cpuProf: values['cpu-prof'],
    attribution: values['no-attribution'] ? false : (values.attribution ?? !quick),
    instructions: values['no-instructions'] ? false : (values.instructions ?? !quick),
    instructionRequests: quick ? 300 : 1_000,
    instructionWindows: quick ? 1 : 3,
    instructionProcesses: int(
      'instruction-processes',
      values['instruction-processes'],
      quick ? 1 : 3,
      1,
    ),
  };
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

// ---------------------------------------------------------------------------------------------
// Part 1: writer throughput

/** Opens a fresh schema with every migration applied and today's partitions in place. */
async function openLedgerSchema(db, cleanup) {
  const schema = benchSchemaName();
  const dropIt = cleanup.add(`drop schema ${schema}`, () => dropSchema(db.url, schema));
  const database = new DatabaseService(
    { url: db.url, schema, poolSize: 4, runMigrations: true },
    silentDatabaseLogger,
  );
  const closeIt = cleanup.add(`close ${schema}`, () => database.close());
  await database.init();
  await new CallPartitionMaintainer(database.dataSource, {
    aheadDays: 7,
    retentionDays: 30,
    rollupRetentionDays: 400,
  }).run(Date.now());
  return {
    schema,
    database,
    async close() {
      await cleanup.now(closeIt, () => database.close());
      await cleanup.now(dropIt, () => dropSchema(db.url, schema));
    },
  };
}

/** A writer that times every write: the flush latency a recorder would see. */
function timedWriter(writer, times) {
  return {
    async write(batch) {
      const t0 = performance.now();
      const inserted = await writer.write(batch);
      times.push(performance.now() - t0);
      return inserted;
    },
  };
}

async function writeDirect(writer, records, batchSize) {
  let inserted = 0;
  for (let i = 0; i < records.length; i += batchSize) {
    inserted += await writer.write(records.slice(i, i + batchSize));
  }
  return { inserted };
}

/**
 * Feeds the recorder as fast as it absorbs records, the way request handlers do: small groups
 * per event-loop turn, pausing while more than a few batches wait (so nothing is spilled to the
 * journal: that would measure the disk, not the database), then drains it.
 */
async function writeThroughRecorder(writer, records, batchSize, journalDir, schema) {
  const recorder = new CallRecorderService(writer, new CallJournal(journalDir, schema), {
    ...DEFAULT_CALL_RECORDER_OPTIONS,
    batchSize,
  });
  const highWater = Math.min(DEFAULT_CALL_RECORDER_OPTIONS.maxBuffered / 2, 4 * batchSize);
  const group = 100;
  let maxDepth = 0;
  recorder.start();
  for (let i = 0; i < records.length;) {
    if (recorder.queueDepth >= highWater) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      continue;
    }
    const end = Math.min(records.length, i + group);
    for (; i < end; i++) recorder.record(records[i]);
    maxDepth = Math.max(maxDepth, recorder.queueDepth);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await recorder.drain();
  return { inserted: recorder.stats.written, stats: { ...recorder.stats }, maxDepth };
}

/** Rollup tables present in the schema (minute always; hour and day where migrated). */
const ROLLUP_TABLES = ['call_rollups_minute', 'call_rollups_hour', 'call_rollups_day'];

async function verifyLedger(db, schema, records) {
  return withSchemaClient(db.url, schema, async (client) => {
    const { rows } = await client.query(`
      SELECT (SELECT count(*) FROM call_records)::bigint AS records,
             (SELECT count(*) FROM call_records_default)::bigint AS in_default,
             (SELECT coalesce(sum(cost_micro_usd), 0) FROM call_records)::bigint AS record_cost`);
    const r = rows[0];
    const levels = [];
    for (const table of ROLLUP_TABLES) {
      const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [table]);
      if (!exists.rows[0].ok) continue;
      const level = await client.query(`
        SELECT count(*)::bigint AS rows, coalesce(sum(attempts), 0)::bigint AS attempts,
               coalesce(sum(successes), 0)::bigint AS successes,
               coalesce(sum(cost_micro_usd), 0)::bigint AS cost
          FROM ${table}`);
      const l = level.rows[0];
      levels.push({
        table,
        rows: Number(l.rows),
        attempts: Number(l.attempts),
        successes: Number(l.successes),
        cost: Number(l.cost),
      });
    }
    const expectedCost = sum(records.map((x) => x.costMicroUsd));
    const expectedSuccesses = records.filter((x) => x.outcome === 'success').length;
    const got = {
      records: Number(r.records),
      inDefault: Number(r.in_default),
      recordCost: Number(r.record_cost),
      levels,
      rollupRows: levels[0]?.rows ?? 0,
    };
    const ok =
      got.records === records.length &&
      got.recordCost === expectedCost &&
      got.inDefault === 0 &&
      levels.length > 0 &&
      levels.every(
        (l) =>
          l.attempts === records.length &&
          l.successes === expectedSuccesses &&
          l.cost === expectedCost,
      );
    return { ...got, expectedCost, ok };
  });
}

async function runWriterBench(db, options, cleanup, tmp) {
  const spanMs = 10 * 60_000;
  const records = generateAttemptRecords(options.records, {
    startMs: Date.now() - spanMs,
    spanMs,
    seed: 20_000,
  });
  const requests = new Set(records.map((r) => r.requestId)).size;
  const routes = new Set(records.map((r) => `${r.route} ${r.deploymentId}`)).size;
  const keys = new Set(records.map((r) => r.apiKeyId)).size;
  log(
    `Part 1: ${num(records.length)} attempt records (${num(requests)} requests; ${routes} route x deployment pairs, ${keys} API keys incl. none; start times over the last ${spanMs / 60_000} min)`,
  );
  const modes = [
    ...options.batchSizes.map((batchSize) => ({ path: 'PostgresLedgerWriter', batchSize })),
    ...options.batchSizes.map((batchSize) => ({ path: 'CallRecorderService', batchSize })),
  ];
  // An untimed run first, into a throwaway schema: JIT, connection setup and the server's
  // catalog caches warm up here instead of inside the first measured mode.
  const warmup = await openLedgerSchema(db, cleanup);
  try {
    await writeDirect(
      new PostgresLedgerWriter(warmup.database.pool),
      records.slice(0, Math.min(records.length, 20_000)),
      DEFAULT_CALL_RECORDER_OPTIONS.batchSize,
    );
  } finally {
    await warmup.close();
  }
  const results = [];
  for (const mode of modes) {
    const ledger = await openLedgerSchema(db, cleanup);
    try {
      const times = [];
      const writer = timedWriter(new PostgresLedgerWriter(ledger.database.pool), times);
      const t0 = performance.now();
      const run =
        mode.path === 'PostgresLedgerWriter'
          ? await writeDirect(writer, records, mode.batchSize)
          : await writeThroughRecorder(
              writer,
              records,
              mode.batchSize,
              path.join(tmp, `journal-${ledger.schema}`),
              ledger.schema,
            );
      const elapsedMs = performance.now() - t0;
      // Idempotence: writing the first batch again must add nothing, to the records or rollups.
      const replayed = await new PostgresLedgerWriter(ledger.database.pool).write(
        records.slice(0, mode.batchSize),
      );
      const check = await verifyLedger(db, ledger.schema, records);
      const spilled = run.stats ? run.stats.journaled + run.stats.flushFailures : 0;
      const result = {
        ...mode,
        records: records.length,
        inserted: run.inserted,
        elapsedMs,
        perSec: (records.length / elapsedMs) * 1000,
        batches: times.length,
        batchP50Ms: quantile(times, 0.5),
        batchP99Ms: quantile(times, 0.99),
        maxDepth: run.maxDepth,
        replayed,
        spilled,
        check,
        ok: check.ok && run.inserted === records.length && replayed === 0 && spilled === 0,
      };
      results.push(result);
      log(
        `  ${mode.path.padEnd(20)} batch ${String(mode.batchSize).padStart(5)}: ${num(result.perSec).padStart(7)} records/s (${seconds(elapsedMs)}; flush p50 ${num(result.batchP50Ms, 1)} ms, p99 ${num(result.batchP99Ms, 1)} ms) — ${result.ok ? 'verified' : 'VERIFICATION FAILED'}`,
      );
    } finally {
      await ledger.close();
    }
  }
  return { results, requests, routes, keys, spanMs };
}

function writerTable(results) {
  const columns = [
    { header: 'path', align: 'left' },
    { header: 'batch', align: 'right' },
    { header: 'records', align: 'right' },
    { header: 'records/s', align: 'right' },
    { header: 'flush p50', align: 'right' },
    { header: 'flush p99', align: 'right' },
    { header: 'rollup rows', align: 'right' },
    { header: 'check', align: 'left' },
  ];
  const rows = results.map((r) => [
    r.path,
    num(r.batchSize),
    num(r.records),
    num(r.perSec),
    `${num(r.batchP50Ms, 1)} ms`,
    `${num(r.batchP99Ms, 1)} ms`,
    num(r.check.rollupRows),
    r.ok ? 'ok' : 'FAILED',
  ]);
  return { columns, rows };
}

function describeCheck(r) {
  const c = r.check;
  const levels = c.levels
    .map(
      (l) =>
        `${l.table.replace('call_rollups_', '')} rollups ${num(l.rows)} rows, sum(attempts) ${num(l.attempts)}, cost ${num(l.cost)}`,
    )
    .join('; ');
  return (
    `${r.path} batch ${r.batchSize}: count(*) ${num(c.records)} = written ${num(r.inserted)}` +
    `; cost ${num(c.recordCost)} = generated ${num(c.expectedCost)} micro-USD; ${levels}` +
    `; ${num(c.inDefault)} rows in the DEFAULT partition; replaying a batch inserted ${r.replayed}` +
    (r.path === 'CallRecorderService' ? `; journaled/failed flushes ${r.spilled}` : '') +
    ` — ${r.ok ? 'ok' : 'FAILED'}`
  );
}

// ---------------------------------------------------------------------------------------------
// Part 2: the gateway, recording on vs off

/**
 * Code a recording gateway runs that a non-recording one does not (for profile shares): the
 * calls module and the pg driver. `pg` alone is the driver's part (it is called from the writer,
 * so its samples are also under `recording`).
 */
const RECORDING_CODE = {
  recording:
    /\/modules\/calls\/|\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array)\//,
  pg: /\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array)\//,
};

async function ledgerCoverage(db, schema, answeredIds) {
  return withSchemaClient(db.url, schema, async (client) => {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM call_records)::bigint AS records,
              (SELECT coalesce(sum(attempts), 0) FROM call_rollups_minute)::bigint AS attempts,
              (SELECT count(*) FROM unnest($1::text[]) AS a(id)
                WHERE NOT EXISTS (SELECT 1 FROM call_records c WHERE c.request_id = a.id))::bigint
                AS missing`,
      [answeredIds],
    );
    const r = rows[0];
    return {
      records: Number(r.records),
      rollupAttempts: Number(r.attempts),
      missing: Number(r.missing),
    };
  });
}

/** Drives the gateway for `durationSec` and charges it the CPU its process used meanwhile. */
async function measureWindow(pid, load, durationSec, rate) {
  const window = startCpuWindow(pid);
  const result = await runLoad({ ...load, durationSec, rate });
  const cpu = window.stop();
  return {
    ...result,
    cpuUsPerRequest: cpu.cpuUs / result.requests,
    mainThreadUsPerRequest: cpu.mainThreadUs / result.requests,
    cpuCores: cpu.cpuUs / 1000 / cpu.wallMs,
  };
}

/**
 * One round: a fresh gateway process and schema; a warm-up at full speed (the JIT needs tens
 * of seconds of traffic before CPU per request settles); a window at full speed (closed loop:
 * RPS, p50/p99 under saturation) and one at a fixed rate (both variants doing the same work
 * per second: CPU per request and p99 comparable like for like); then SIGTERM, and for
 * "on" a check that the drained ledger holds every answered request.
 */
async function runRound({ db, options, cleanup, tmp, config, recording, index, rate, profile }) {
  const schema = benchSchemaName();
  const dropIt = cleanup.add(`drop schema ${schema}`, () => dropSchema(db.url, schema));
  const profileFile =
    options.cpuProf || profile
      ? path.join(
          options.cpuProf ? PROFILE_DIR : tmp,
          `ledger-${Date.now()}-${index + 1}-recording-${recording}.cpuprofile`,
        )
      : undefined;
  const nodeArgs = profileFile
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${path.dirname(profileFile)}`,
        `--cpu-prof-name=${path.basename(profileFile)}`,
      ]
    : [];
  const home = path.join(tmp, `home-${index}`);
  const stilts = await startStiltsProcess({
    env: {
      LOG_LEVEL: 'warn',
      STILTS_CONFIG: config.path,
      STILTS_SIMULATOR: 'off',
      STILTS_HOME: home,
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: schema,
      CALL_RECORDING: recording,
      ...config.env,
    },
    nodeArgs,
    // A fresh schema: Stilts creates a development API key on start and saves it in STILTS_HOME.
    awaitCredentials: true,
  });
  const stopIt = cleanup.add(`stop gateway ${stilts.pid}`, () => stilts.stop(10_000));
  try {
    const body = chatBody(config.route);
    // The gateway requires an API key; send the one it created (it is never printed).
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${stilts.credentials.apiKey}`,
    };
    // One request first: the route works and answers from the simulator.
    const probe = await fetch(`${stilts.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body,
    });
    const probeId = probe.headers.get('x-request-id');
    await probe.arrayBuffer();
    if (probe.status !== 200 || probe.headers.get('x-provider') !== 'sim-openai') {
      throw new Error(`gateway probe answered ${probe.status} (${stilts.tail()})`);
    }
    const answered = [probeId];
    let attempts = 1;
    const load = {
      url: stilts.url,
      path: '/v1/chat/completions',
      headers,
      body,
      connections: options.connections,
      onResponse: (status, responseHeaders) => {
        const id = responseHeaders.get('x-request-id');
        if (id) answered.push(id);
        attempts += Number(responseHeaders.get('x-stilts-attempts') ?? 0);
      },
    };
    if (options.warmupSec > 0) await runLoad({ ...load, durationSec: options.warmupSec });
    resetPeakRss(stilts.pid);
    const measuredFromUs = profileClockUs();
    const saturated = await measureWindow(stilts.pid, load, options.durationSec);
    const effectiveRate = rate ?? pacedRate(saturated.rps);
    const paced =
      effectiveRate > 0
        ? await measureWindow(stilts.pid, load, options.durationSec, effectiveRate)
        : undefined;
    const measuredToUs = profileClockUs();
    const memory = readMemory(stilts.pid);
    const exitCode = await cleanup.now(stopIt, () => stilts.stop(30_000));
    const result = {
      recording,
      index,
      saturated,
      paced,
      rate: effectiveRate,
      peakRssBytes: memory.peakRssBytes,
      exitCode,
      answered: answered.length,
      attempts,
    };
    if (recording === 'on') {
      // The gateway drained its recorder on SIGTERM: every answered request must be there.
      result.ledger = await ledgerCoverage(db, schema, answered);
      result.ledgerOk =
        exitCode === 0 &&
        result.ledger.missing === 0 &&
        result.ledger.records >= attempts &&
        result.ledger.rollupAttempts === result.ledger.records;
    }
    if (profileFile && existsSync(profileFile)) {
      // The measured windows only: start-up (migrations, partitions) also runs pg and calls code.
      result.profile = {
        file: profileFile,
        ...profileShares(profileFile, RECORDING_CODE, {
          fromUs: measuredFromUs,
          toUs: measuredToUs,
        }),
      };
    }
    return result;
  } finally {
    await cleanup.now(stopIt, () => stilts.stop(10_000));
    await cleanup.now(dropIt, () => dropSchema(db.url, schema));
  }
}

/** Half the first round's saturated throughput, in steps of 500 requests/s. */
function pacedRate(saturatedRps) {
  return Math.max(500, Math.floor(saturatedRps / 2 / 500) * 500);
}

function attributionText(profile) {
  if (!profile) return 'no profile written';
  const share = (x) => percent(x).replace('+', '');
  return (
    `${share(profile.shares.recording)} of the gateway's busy main-thread CPU in recording code (${share(profile.shares.pg)} in the pg driver); ` +
    `GC ${num(profile.gcMs)} ms besides ${num(profile.busyMs)} ms busy`
  );
}

function describeRound(r) {
  const s = r.saturated;
  const p = r.paced;
  return (
    `  round ${String(r.index + 1).padStart(2)} recording ${r.recording.padEnd(3)}: ` +
    `${num(s.rps)} req/s, p99 ${num(s.p99Ms, 1)} ms, ${num(s.cpuUsPerRequest)} µs CPU/request` +
    (p
      ? ` | at ${num(r.rate)} req/s: p99 ${num(p.p99Ms, 1)} ms, ${num(p.cpuUsPerRequest)} µs CPU/request (main thread ${num(p.mainThreadUsPerRequest)} µs)`
      : '') +
    `; non-2xx ${s.non2xx + (p?.non2xx ?? 0)}, errors ${s.errors + (p?.errors ?? 0)}` +
    (r.ledger
      ? `; ledger ${num(r.ledger.records)} rows for ${num(r.answered)} answered, ${r.ledger.missing} missing`
      : '') +
    (r.profile ? `; profile: ${attributionText(r.profile)}` : '')
  );
}

async function runGatewayBench(db, options, cleanup, tmp) {
  const sim = await startProviderSimProcess({ scenario: scenarioPath('healthy') });
  const stopSim = cleanup.add('stop provider-sim', () => sim.stop(5_000));
  try {
    const config = await writeGatewayConfig(tmp, { baseUrl: sim.baseUrlFor('sim-openai') });
    log(
      `Part 2: gateway (child process) -> provider-sim ${sim.url} (own process, healthy scenario, 0 ms); ` +
        `${options.connections} connections; ${options.rounds} x (on, off), each: ${options.warmupSec} s warm-up, ` +
        `${options.durationSec} s at full speed` +
        (options.rate === 0
          ? ''
          : `, ${options.durationSec} s at ${options.rate ? num(options.rate) : 'half the first round’s'} req/s`),
    );
    const rounds = [];
    let rate = options.rate;
    for (let i = 0; i < options.rounds; i++) {
      for (const recording of ['on', 'off']) {
        const index = rounds.length;
        const r = await runRound({ db, options, cleanup, tmp, config, recording, index, rate });
        rate = r.rate;
        rounds.push(r);
        log(describeRound(r));
      }
    }
    let attribution;
    if (options.attribution && !options.cpuProf) {
      // Not in the table: the profiler costs CPU itself. Its share figure is what it is for.
      const r = await runRound({
        db,
        options,
        cleanup,
        tmp,
        config,
        recording: 'on',
        index: rounds.length,
        rate: 0, // the full-speed window is enough for a share
        profile: true,
      });
      attribution = r.profile;
      log(`  profiled round (recording on, not in the table): ${attributionText(r.profile)}`);
    }
    let instructions;
    if (options.instructions) {
      const valgrind = await valgrindVersion();
      if (valgrind) {
        log(
          `Instructions per request under callgrind (${valgrind}; ${options.instructionProcesses} process(es) per variant, ${options.instructionWindows} x ${num(options.instructionRequests)} requests each)`,
        );
        instructions = await runInstructionCounts({ db, options, cleanup, tmp, config });
      } else {
        log('Instruction counts skipped: valgrind is not installed (apt-get install valgrind)');
      }
    }
    return { rounds, rate, attribution, instructions, simUrl: sim.url };
  } finally {
    await cleanup.now(stopSim, () => sim.stop(5_000));
  }
}

/** Uninstrumented requests before counting (JIT and caches warm). */
const INSTRUCTION_WARMUP_REQUESTS = 10_000;
const INSTRUCTION_CONNECTIONS = 10;

/**
 * The gateway with recording on and off under callgrind (support/instructions.mjs),
 * `instructionProcesses` fresh processes per variant, interleaved (on, off, on, off ...):
 * instructions per request, net of the idle rate, in `instructionWindows` windows of
 * `instructionRequests` requests. A process's figure is its median window; a variant's, the
 * median of its processes. Resolves with `{ on, off, overhead, pairs, spread, processSpread }`,
 * `on` and `off` each `{ processes: [{ perRequest, median, raw, idlePerSecond }], median }`.
 */
async function runInstructionCounts({ db, options, cleanup, tmp, config }) {
  const counts = { on: { processes: [] }, off: { processes: [] } };
  for (let p = 0; p < options.instructionProcesses; p++) {
    for (const recording of ['on', 'off']) {
      counts[recording].processes.push(
        await countInstructions({ db, options, cleanup, tmp, config, recording, p }),
      );
    }
  }
  for (const c of Object.values(counts)) c.median = median(c.processes.map((x) => x.median));
  return {
    ...counts,
    overhead: relativeChange(counts.on.median, counts.off.median),
    pairs: counts.on.processes.map((x, i) =>
      relativeChange(x.median, counts.off.processes[i].median),
    ),
    spread: Math.max(
      ...Object.values(counts).flatMap((c) =>
        c.processes.map((x) => relativeRange(x.perRequest, x.median)),
      ),
    ),
    processSpread: Math.max(
      ...Object.values(counts).map((c) =>
        relativeRange(
          c.processes.map((x) => x.median),
          c.median,
        ),
      ),
    ),
  };
}

/** One fresh gateway (recording `on` or `off`) under callgrind: its windows and their median. */
async function countInstructions({ db, options, cleanup, tmp, config, recording, p }) {
  const schema = benchSchemaName();
  const dropIt = cleanup.add(`drop schema ${schema}`, () => dropSchema(db.url, schema));
  const dir = await mkdtemp(path.join(tmp, `callgrind-${recording}-`));
  const launch = callgrindLaunch(dir, { host: '127.0.0.1' });
  const stilts = await startStiltsProcess({
    env: {
      LOG_LEVEL: 'warn',
      STILTS_CONFIG: config.path,
      STILTS_SIMULATOR: 'off',
      STILTS_HOME: path.join(dir, 'home'),
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: schema,
      CALL_RECORDING: recording,
      ...config.env,
      ...launch.env,
    },
    nodeArgs: launch.nodeArgs,
    wrapper: launch.wrapper,
    timeoutMs: 300_000,
    awaitCredentials: true,
  });
  const stopIt = cleanup.add(`stop gateway ${stilts.pid}`, () => stilts.stop(30_000));
  try {
    const load = (amount) =>
      runLoad({
        url: stilts.url,
        path: '/v1/chat/completions',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${stilts.credentials.apiKey}`,
        },
        body: chatBody(config.route),
        connections: INSTRUCTION_CONNECTIONS,
        amount,
        durationSec: 3_600,
      });
    const measured = await launch.measure(stilts.pid, load, {
      warmup: INSTRUCTION_WARMUP_REQUESTS,
      requests: options.instructionRequests,
      windows: options.instructionWindows,
    });
    const result = { ...measured, median: median(measured.perRequest) };
    log(
      `  recording ${recording.padEnd(3)} process ${p + 1} under callgrind: ${num(result.median)} (windows ${measured.perRequest.map((x) => num(x)).join(', ')}; gross ${measured.raw.map((x) => num(x)).join(', ')}; idle ${num(measured.idlePerSecond / 1e6, 1)} M/s${slowTickNote(measured)})`,
    );
    return result;
  } finally {
    await cleanup.now(stopIt, () => stilts.stop(30_000));
    await cleanup.now(dropIt, () => dropSchema(db.url, schema));
  }
}

function summarise(rounds, attribution) {
  const pick = (rs, window, field) =>
    rs.map((r) => r[window]?.[field]).filter((v) => v !== undefined);
  const summary = (recording) => {
    const rs = rounds.filter((r) => r.recording === recording);
    const windows = {};
    for (const window of ['saturated', 'paced']) {
      if (!rs.some((r) => r[window])) continue;
      windows[window] = {
        rps: median(pick(rs, window, 'rps')),
        p50Ms: median(pick(rs, window, 'p50Ms')),
        p99Ms: median(pick(rs, window, 'p99Ms')),
        cpuUsPerRequest: median(pick(rs, window, 'cpuUsPerRequest')),
        mainThreadUsPerRequest: median(pick(rs, window, 'mainThreadUsPerRequest')),
        cpuCores: median(pick(rs, window, 'cpuCores')),
        non2xx: sum(pick(rs, window, 'non2xx')),
        errors: sum(pick(rs, window, 'errors')),
      };
    }
    // How far apart rounds of the same variant are: the noise any on/off difference must beat.
    const cpu = pick(rs, 'paced', 'cpuUsPerRequest');
    const cpuAll = cpu.length > 0 ? cpu : pick(rs, 'saturated', 'cpuUsPerRequest');
    return {
      recording,
      ...windows,
      peakRssBytes: median(rs.map((r) => r.peakRssBytes)),
      spread: cpuAll.length > 1 ? Math.max(...cpuAll) / Math.min(...cpuAll) - 1 : Number.NaN,
    };
  };
  const on = summary('on');
  const off = summary('off');
  const basis = on.paced && off.paced ? 'paced' : 'saturated';
  // Each "on" round against the "off" round right after it.
  const pairs = [];
  for (let i = 0; i + 1 < rounds.length; i += 2) {
    pairs.push(
      relativeChange(rounds[i][basis].cpuUsPerRequest, rounds[i + 1][basis].cpuUsPerRequest),
    );
  }
  const change = (window, field) =>
    on[window] && off[window] ? relativeChange(on[window][field], off[window][field]) : Number.NaN;
  const profiled = [
    ...rounds.filter((r) => r.recording === 'on' && r.profile).map((r) => r.profile),
    ...(attribution ? [attribution] : []),
  ];
  return {
    on,
    off,
    basis,
    cpuOverhead: change(basis, 'cpuUsPerRequest'),
    cpuOverheadSaturated: change('saturated', 'cpuUsPerRequest'),
    cpuOverheadPaced: change('paced', 'cpuUsPerRequest'),
    mainThreadOverhead: change(basis, 'mainThreadUsPerRequest'),
    pairOverheads: pairs,
    rpsChange: change('saturated', 'rps'),
    p99ChangeSaturated: change('saturated', 'p99Ms'),
    p99ChangePaced: change('paced', 'p99Ms'),
    noise: Math.max(on.spread, off.spread),
    profileShare: profiled.length ? median(profiled.map((p) => p.shares.recording)) : undefined,
  };
}

function gatewayTable(rounds, summary, rate) {
  const hasPaced = rounds.some((r) => r.paced);
  const columns = [
    { header: 'round', align: 'left' },
    { header: 'recording', align: 'left' },
    { header: 'req/s', align: 'right' },
    { header: 'p50', align: 'right' },
    { header: 'p99', align: 'right' },
    { header: 'CPU/req', align: 'right' },
    ...(hasPaced
      ? [
          { header: `p50 @${num(rate)}/s`, align: 'right' },
          { header: `p99 @${num(rate)}/s`, align: 'right' },
          { header: `CPU/req @${num(rate)}/s`, align: 'right' },
        ]
      : []),
    { header: 'peak RSS', align: 'right' },
    { header: 'ledger', align: 'left' },
  ];
  const row = (label, r, ledger) => [
    label,
    r.recording,
    num(r.saturated.rps),
    `${num(r.saturated.p50Ms, 1)} ms`,
    `${num(r.saturated.p99Ms, 1)} ms`,
    `${num(r.saturated.cpuUsPerRequest)} µs`,
    ...(hasPaced
      ? [
          r.paced ? `${num(r.paced.p50Ms, 1)} ms` : '-',
          r.paced ? `${num(r.paced.p99Ms, 1)} ms` : '-',
          r.paced ? `${num(r.paced.cpuUsPerRequest)} µs` : '-',
        ]
      : []),
    mebibytes(r.peakRssBytes),
    ledger,
  ];
  const rows = rounds.map((r) =>
    row(
      String(r.index + 1),
      r,
      r.ledger
        ? `${num(r.ledger.records)} rows / ${num(r.answered)} answered, ${r.ledger.missing} missing`
        : '-',
    ),
  );
  rows.push(row('median', summary.on, ''), row('median', summary.off, ''));
  return { columns, rows };
}

function describeGatewaySummary(s, rate) {
  return [
    `Recording on vs off, medians: CPU per request ${percent(s.cpuOverheadSaturated)} at full speed` +
      (Number.isFinite(s.cpuOverheadPaced)
        ? `, ${percent(s.cpuOverheadPaced)} at ${num(rate)} req/s`
        : '') +
      ` (each pair: ${s.pairOverheads.map((x) => percent(x)).join(', ')}); throughput ${percent(s.rpsChange)}; ` +
      `p99 ${percent(s.p99ChangeSaturated)} at full speed` +
      (Number.isFinite(s.p99ChangePaced)
        ? `, ${percent(s.p99ChangePaced)} at ${num(rate)} req/s`
        : '') +
      '.',
    (Number.isFinite(s.noise)
      ? `Noise: CPU per request differs by up to ${percent(s.noise).replace('+', '')} between rounds of the same variant`
      : 'Noise: one round per variant, no estimate') +
      (s.profileShare !== undefined
        ? `; a CPU profile of a recording gateway puts ${percent(s.profileShare).replace('+', '')} of its main-thread CPU in recording code (the calls module and the pg driver; extra GC, GC helper threads and kernel time not included).`
        : '.'),
  ];
}

// ---------------------------------------------------------------------------------------------

function targetsOf(writer, gateway) {
  const targets = [];
  if (writer) {
    const recorder = writer.results.find(
      (r) =>
        r.path === 'CallRecorderService' && r.batchSize === DEFAULT_CALL_RECORDER_OPTIONS.batchSize,
    );
    const headline = recorder ?? writer.results[0];
    targets.push({
      kind: 'performance',
      target: `>= ${num(TARGET_RECORDS_PER_SEC)} attempt records/s (rollups on)`,
      ok: headline.perSec >= TARGET_RECORDS_PER_SEC,
      detail: `${num(headline.perSec)} records/s through ${headline.path} at batch ${num(headline.batchSize)}`,
    });
    targets.push({
      kind: 'correctness',
      target: 'Ledger exact after every writer run (count, rollups, cost, idempotent replay)',
      ok: writer.results.every((r) => r.ok),
      detail: `${writer.results.filter((r) => r.ok).length} of ${writer.results.length} runs verified`,
    });
  }
  if (gateway) {
    const s = gateway.summary;
    const where = s.basis === 'paced' ? `at ${num(gateway.rate)} req/s` : 'at full speed';
    const within = s.cpuOverhead < TARGET_CPU_OVERHEAD;
    const counted = gateway.instructions;
    targets.push({
      kind: 'performance',
      target: `Recording adds < ${TARGET_CPU_OVERHEAD * 100} % gateway CPU per request`,
      // Neither measure is exact on this machine: pass only when both say so.
      ok: within && (counted?.overhead ?? -Infinity) < TARGET_CPU_OVERHEAD,
      detail:
        (counted
          ? `${percent(counted.overhead)} instructions per request under callgrind (${num(counted.on.median)} vs ${num(counted.off.median)}${counted.pairs.length > 1 ? `; medians of ${counted.pairs.length} processes each, pairs ${counted.pairs.map((x) => percent(x)).join(', ')}` : ''}; windows of one process differ by up to ${percent(counted.spread).replace('+', '')}); CPU time `
          : '') +
        `${percent(s.cpuOverhead)} ${where} (median ${num(s.on[s.basis].cpuUsPerRequest)} vs ${num(s.off[s.basis].cpuUsPerRequest)} µs; pairs ${s.pairOverheads.map((x) => percent(x)).join(', ')}; main thread ${percent(s.mainThreadOverhead)}, ${num(s.on[s.basis].mainThreadUsPerRequest)} vs ${num(s.off[s.basis].mainThreadUsPerRequest)} µs, the rest V8's GC helper threads and other threads)` +
        (s.noise >= TARGET_CPU_OVERHEAD
          ? `; rounds of one variant differ by up to ${percent(s.noise).replace('+', '')}, more than the target: ${within ? 'indicative' : 'not conclusive'}, run more rounds`
          : '') +
        (s.profileShare !== undefined
          ? `; profile share of recording code (calls module + pg driver): ${percent(s.profileShare).replace('+', '')} of main-thread CPU`
          : ''),
    });
    const onRounds = gateway.rounds.filter((r) => r.recording === 'on');
    targets.push({
      kind: 'correctness',
      target: 'Recording loses nothing under load',
      ok: onRounds.every((r) => r.ledgerOk),
      detail: onRounds
        .map(
          (r) =>
            `${num(r.ledger.records)} rows for ${num(r.answered)} answered requests (${r.ledger.missing} missing; ${num(r.ledger.records - r.attempts)} more from requests the load generator cut off at the end; rollups ${r.ledger.rollupAttempts === r.ledger.records ? 'equal' : 'DIFFER'})`,
        )
        .join('; '),
    });
  }
  return targets;
}

function markdownReport({ machine, db, options, writer, gateway, targets }) {
  const out = [];
  out.push('## Call ledger (`npm run bench:ledger`)', '');
  out.push(describeRun(machine, db, options), '');
  if (writer) {
    const t = writerTable(writer.results);
    out.push(
      `### Writer throughput`,
      '',
      `${num(options.records)} attempt records per run (${num(writer.requests)} requests over ${writer.routes} route x deployment pairs and ${writer.keys} API keys, start times over ${writer.spanMs / 60_000} min, ~3 % failovers, 35 % streamed), each run into a fresh migrated schema with daily partitions; rollups upserted in the same transaction. ` +
        '`PostgresLedgerWriter`: one batch after the other on one connection. `CallRecorderService`: the recorder as the gateway uses it (queue, 250 ms / batch-size flushes), fed as fast as it absorbs records.',
      '',
      markdownTable(t.columns, t.rows),
      '',
      'Verification:',
      '',
      ...writer.results.map((r) => `- ${describeCheck(r)}`),
      '',
    );
  }
  if (gateway) {
    const t = gatewayTable(gateway.rounds, gateway.summary, gateway.rate);
    out.push(
      '### Gateway with recording on vs off',
      '',
      `The gateway (\`node ${PRODUCTION_NODE_ARGS.join(' ')} apps/server/dist/main.js\` as \`npm start\` runs it, \`LOG_LEVEL=warn\`) in front of the provider simulator (its own process, healthy scenario, 0 ms latency), one route of one OpenAI-compatible deployment; autocannon in the benchmark process, ${options.connections} connections, non-streamed \`POST /v1/chat/completions\`. ${options.rounds} interleaved rounds per variant (on, off, on, off ...), each a fresh gateway process and schema: ${options.warmupSec} s warm-up at full speed, then ${options.durationSec} s at full speed (closed loop)` +
        (gateway.rate > 0
          ? ` and ${options.durationSec} s at a fixed ${num(gateway.rate)} req/s (same work per second for both variants; latencies corrected for coordinated omission)`
          : '') +
        ". CPU is the gateway process's own (utime + stime from /proc, all threads) over the window, divided by the requests completed in it. The ledger check runs after the gateway drained on SIGTERM.",
      '',
      markdownTable(t.columns, t.rows),
      '',
      ...describeGatewaySummary(gateway.summary, gateway.rate).flatMap((line) => [line, '']),
    );
    const counted = gateway.instructions;
    if (counted) {
      out.push(
        `Instructions per request under valgrind's callgrind, which counts what a thread executes, largely whatever else the machine does (CPU time here varies more between rounds than the 5 % target): ${options.instructionProcesses === 1 ? 'one fresh gateway per variant' : `${options.instructionProcesses} fresh gateways per variant, interleaved (on, off, on, off ...), since fresh processes of one build differ by several percent`}, recording on and off, each ${num(INSTRUCTION_WARMUP_REQUESTS)} requests uninstrumented, 200 instrumented, then ${options.instructionWindows} counted window${options.instructionWindows === 1 ? '' : 's'} of ${num(options.instructionRequests)} requests (${INSTRUCTION_CONNECTIONS} connections). A process's figure is its median window${options.instructionProcesses === 1 ? '' : "; a variant's, the median of its processes"}. Counted: the main thread (JavaScript, and the garbage collection V8 does there); not counted: V8's helper threads (concurrent marking, sweeping, optimising compilers) and kernel time. Instrumented, the gateway runs about 50 times slower while its timers fire by the clock, so each window is counted net of the idle rate measured right after it; a recorder flushing every 250 ms would then write batches about 50 times smaller than at production rates, so the counted gateway flushes by count instead, every 250 records (\`RECORDER_BATCH_SIZE=250\`, what 250 ms holds at 1,000 req/s; at this benchmark's rates production batches are larger still): 4 flushes in every window of 1,000 requests.`,
        '',
        markdownTable(
          [
            { header: 'recording', align: 'left' },
            { header: 'instructions / request', align: 'right' },
            { header: 'processes (median window each)', align: 'left' },
            { header: 'windows', align: 'left' },
            { header: 'idle', align: 'right' },
            { header: 'slow-tick path taken off', align: 'left' },
          ],
          ['on', 'off'].map((v) => [
            v,
            num(counted[v].median),
            counted[v].processes.map((x) => num(x.median)).join(', '),
            counted[v].processes.map((x) => x.perRequest.map((w) => num(w)).join(', ')).join('; '),
            `${counted[v].processes.map((x) => num(x.idlePerSecond / 1e6, 1)).join(', ')} M/s`,
            counted[v].processes.map((x) => num(x.slowTickPerRequest)).join(', '),
          ]),
        ),
        '',
        `Recording adds ${percent(counted.overhead)} instructions per request` +
          (counted.pairs.length > 1
            ? ` (process pairs ${counted.pairs.map((x) => percent(x)).join(', ')}; processes of one variant differ by up to ${percent(counted.processSpread).replace('+', '')})`
            : '') +
          `; windows of one process differ by up to ${percent(counted.spread).replace('+', '')}.`,
        '',
      );
    }
  }
  out.push(
    '### Targets',
    '',
    markdownTable(
      [
        { header: 'target', align: 'left' },
        { header: 'result', align: 'left' },
        { header: 'detail', align: 'left' },
      ],
      targets.map((t) => [t.target, t.ok ? 'pass' : '**fail**', t.detail]),
    ),
  );
  return out.join('\n');
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`ledger.bench: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    log(USAGE);
    return 0;
  }
  const cleanup = createCleanup();
  cleanup.installSignalHandlers();
  const started = performance.now();
  try {
    const machine = describeMachine();
    machine.loadBefore = loadAverage();
    const steal = startStealMeter();
    machine.code = describeCode(ROOT);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'stilts-bench-ledger-'));
    cleanup.add('remove temp dir', () => rm(tmp, { recursive: true, force: true }));
    log(
      `Call ledger benchmark${options.quick ? ' (quick)' : ''}; code ${machine.code ?? 'unknown'}`,
    );
    log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadBefore.toFixed(2)}`,
    );
    const db = await openBenchDatabase();
    cleanup.add('stop database', () => db.stop());
    log(
      `database: ${db.label}; PostgreSQL ${db.settings.server_version}, shared_buffers ${db.settings.shared_buffers}, synchronous_commit ${db.settings.synchronous_commit}, fsync ${db.settings.fsync}`,
    );
    log();

    const writer = options.writer ? await runWriterBench(db, options, cleanup, tmp) : undefined;
    if (writer) log();
    let gateway;
    if (options.gateway) {
      gateway = await runGatewayBench(db, options, cleanup, tmp);
      gateway.summary = summarise(gateway.rounds, gateway.attribution);
      log();
    }

    if (writer) {
      const t = writerTable(writer.results);
      log('Writer throughput (attempt records/s, rollups on)');
      log(textTable(t.columns, t.rows));
      for (const r of writer.results) log(`  check: ${describeCheck(r)}`);
      log();
    }
    if (gateway) {
      const t = gatewayTable(gateway.rounds, gateway.summary, gateway.rate);
      log('Gateway, recording on vs off (CPU = gateway process per completed request)');
      log(textTable(t.columns, t.rows));
      for (const line of describeGatewaySummary(gateway.summary, gateway.rate)) log(line);
      log();
    }
    machine.loadAfter = loadAverage();
    machine.steal = steal.stop();
    const targets = targetsOf(writer, gateway);
    log('Targets');
    for (const t of targets) log(`  ${t.ok ? 'PASS' : 'FAIL'}  ${t.target}: ${t.detail}`);
    log();
    if (options.writeDoc) {
      const report = markdownReport({ machine, db, options, writer, gateway, targets });
      await writeDocSection(DOC, 'bench:ledger', report);
      log(`wrote the "Call ledger" section of ${path.relative(ROOT, DOC)}`);
    }
    log(`total ${seconds(performance.now() - started)}`);
    return exitCodeFor(targets, options);
  } finally {
    await cleanup.run();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`ledger.bench: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  },
);
