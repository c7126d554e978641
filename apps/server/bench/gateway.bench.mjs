// The gateway overhead benchmark (`npm run bench:gateway`).
//
// Starts the provider simulator (its own process), Stilts as in production (real PostgreSQL
// recording, API keys, a team and a route budget on every request) and a minimal pass-through
// Node proxy (the floor: node:http server piping to a keep-alive node:http client). Drives each
// with the same autocannon load (50 connections; upstream delay 0 and 50 ms; non-streamed and
// streamed) in interleaved rounds of fresh processes: RPS, p50/p99, p99 added over calling the
// simulator directly, CPU microseconds per request of the process under test, peak RSS.
// Also, per round: Stilts with keys and budgets vs keys only, and with OTLP tracing on (to a
// sink in this process), at a fixed rate (CPU per request, database transactions per 1,000
// requests); streamed time to first token with a client of its own (autocannon cannot see it).
// `--soak`: 1,000,000 requests through one Stilts, RSS sampled, growth after warm-up.
// `--cpu-prof`: one more Stilts round under `node --cpu-prof`: top self-time frames and a
// folded-stacks file (artifacts/bench-profiles/) for a flame graph.
//
// Prints the tables and writes them to the "Gateway overhead" section of docs/performance.md.
// Runs on the built packages (`npm run build`). `--help` lists the options.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { adminApi } from './support/admin-api.mjs';
import {
  createScratchDatabase,
  databaseActivity,
  openBenchDatabase,
} from './support/bench-database.mjs';
import { createCleanup } from './support/cleanup.mjs';
import {
  foldedStacks,
  profileClockUs,
  profileShares,
  topSelfFrames,
} from './support/cpu-profile.mjs';
import { exitCodeFor, writeDocSection } from './support/doc-section.mjs';
import { startFloorProxyProcess } from './support/floor-proxy.mjs';
import { markdownTable, mebibytes, num, percent, textTable } from './support/format.mjs';
import {
  chatBody,
  SIM_OPENAI_KEY,
  writeMultiRouteGatewayConfig,
} from './support/gateway-config.mjs';
import { callgrindLaunch, slowTickNote, valgrindVersion } from './support/instructions.mjs';
import { runLoad } from './support/load.mjs';
import {
  describeCode,
  describeLoad,
  describeMachine,
  describeRun,
  loadAverage,
  startStealMeter,
} from './support/machine.mjs';
import { startOtlpSink } from './support/otlp-sink.mjs';
import { readMemory, startCpuWindow } from './support/process-stats.mjs';
import { startProviderSimProcess, writeScenario } from './support/provider-sim-process.mjs';
import { benchSchemaName, withSchemaClient } from './support/schema.mjs';
import { median, relativeChange, relativeRange, sum } from './support/stats.mjs';
import { PRODUCTION_NODE_ARGS, startStiltsProcess } from './support/stilts-process.mjs';
import { runTtftLoad } from './support/ttft-load.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC = path.join(ROOT, 'docs/performance.md');
const PROFILE_DIR = path.join(ROOT, 'artifacts/bench-profiles');
const DOC_ID = 'bench:gateway';
const SOAK_DOC_ID = 'bench:gateway-soak';

const TARGETS = {
  cpuUsPerRequest: 300,
  rps: 3_000,
  addedP99Ms: 5,
  peakRssBytes: 150 * 1024 * 1024,
  addedTtftP99Ms: 2,
  tracingCpu: 0.15,
  budgetsCpu: 0.1,
  // A per-request query would show as >= 1,000 transactions per 1,000 requests.
  transactionsPer1000: 50,
  soakGrowth: 0.05,
};

/** Upstream behaviours (simulator providers) and the Stilts route in front of each. */
const UPSTREAMS = {
  d0: { providerId: 'sim-d0', route: 'bench-d0', latencyMs: 0, interChunkMs: 0 },
  d50: { providerId: 'sim-d50', route: 'bench-d50', latencyMs: 50, interChunkMs: 0 },
  // Streams whose events come 2 ms apart, so the first one is not the whole body.
  ttft: { providerId: 'sim-ttft', route: 'bench-ttft', latencyMs: 50, interChunkMs: 2 },
};

/** The load matrix: upstream delay x streaming. */
const CONDITIONS = [
  { id: 'd0', upstream: 'd0', stream: false, label: '0 ms' },
  { id: 'd0-stream', upstream: 'd0', stream: true, label: '0 ms, streamed' },
  { id: 'd50', upstream: 'd50', stream: false, label: '50 ms' },
  { id: 'd50-stream', upstream: 'd50', stream: true, label: '50 ms, streamed' },
];

/** What the matrix drives, in the order of the first round (later rounds rotate it). */
const SUBJECTS = ['direct', 'floor', 'stilts'];
const SUBJECT_LABEL = {
  direct: 'simulator (direct)',
  floor: 'floor proxy',
  stilts: 'Stilts',
  'stilts-no-budgets': 'Stilts, no budgets',
  'stilts-tracing': 'Stilts, tracing on',
};

/** The Stilts variants of a round; only `stilts` is in the matrix. */
const VARIANTS = {
  stilts: { budgets: true, tracing: false },
  'stilts-no-budgets': { budgets: false, tracing: false },
  'stilts-tracing': { budgets: true, tracing: true },
};

const USAGE = `Usage: node apps/server/bench/gateway.bench.mjs [options]   (npm run bench:gateway)

Database: DATABASE_URL when set, else a temporary embedded PostgreSQL; every gateway process
gets a scratch database (dropped afterwards) with a fresh schema.

Options:
  --rounds <n>          interleaved rounds of fresh processes (default 3; --quick 1)
  --warmup <s>          warm-up seconds per Stilts process, at full speed (default 12)
  --duration <s>        seconds of each load-matrix window (default 5)
  --paced-duration <s>  seconds of each fixed-rate window (default 8)
  --rate <n>            req/s of the fixed-rate windows (default: half of the first Stilts
                        warm-up's req/s, in steps of 250)
  --connections <n>     autocannon and TTFT client connections (default 50)
  --ttft-requests <n>   streamed requests per TTFT run (default 2000)
  --quick               smoke run: 1 round, 3 s warm-up, 2 s windows, 300 TTFT requests; no doc
  --soak                instead of the matrix: 1,000,000 requests through one Stilts, RSS sampled
  --soak-requests <n>   requests of the soak (default 1000000)
  --soak-interval <s>   seconds between RSS samples in the soak (default 5)
  --instructions        count instructions per request of each Stilts variant under valgrind's
                        callgrind (default: on, except with --quick; needs valgrind): the
                        figure that decides the budgets and tracing targets
  --no-instructions     skip the instruction counts
  --instruction-requests <n>  requests per counted window (default 1000; --quick 300)
  --instruction-windows <n>   counted windows per process (default 3; --quick 1)
  --instruction-processes <n> fresh processes per variant, interleaved (default 3; --quick 1):
                        one traced process differs from the next by more than the target's
                        margin, so a variant's figure is the median of its processes
  --cpu-prof            one more Stilts round under node --cpu-prof: top self-time frames, and
                        a .cpuprofile and a .folded file in artifacts/bench-profiles/
  --doc / --no-doc      write docs/performance.md (default: yes, except with --quick)
  -h, --help            this text`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      rounds: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      'paced-duration': { type: 'string' },
      rate: { type: 'string' },
      connections: { type: 'string' },
      'ttft-requests': { type: 'string' },
      quick: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'soak-requests': { type: 'string' },
      'soak-interval': { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      instructions: { type: 'boolean' },
      'no-instructions': { type: 'boolean' },
      'instruction-requests': { type: 'string' },
      'instruction-windows': { type: 'string' },
      'instruction-processes': { type: 'string' },
      doc: { type: 'boolean' },
      'no-doc': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const quick = values.quick;
  const int = (name, fallback, min) => {
    const raw = values[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}`);
    return n;
  };
  return {
    help: values.help,
    quick,
    rounds: int('rounds', quick ? 1 : 3, 1),
    warmupSec: int('warmup', quick ? 3 : 12, 1),
    durationSec: int('duration', quick ? 2 : 5, 1),
    pacedSec: int('paced-duration', quick ? 4 : 8, 3),
    rate: int('rate', undefined, 1),
    connections: int('connections', 50, 1),
    ttftRequests: int('ttft-requests', quick ? 300 : 2_000, 1),
    soak: values.soak,
    soakRequests: int('soak-requests', quick ? 50_000 : 1_000_000, 1_000),
    soakIntervalSec: int('soak-interval', quick ? 2 : 5, 1),
    cpuProf: values['cpu-prof'],
    instructions: values['no-instructions'] ? false : (values.instructions ?? !quick),
    instructionRequests: int('instruction-requests', quick ? 300 : 1_000, 50),
    instructionWindows: int('instruction-windows', quick ? 1 : 3, 1),
    instructionProcesses: int('instruction-processes', quick ? 1 : 3, 1),
    writeDoc: values['no-doc'] ? false : (values.doc ?? !quick),
  };
}

const log = (line = '') => process.stdout.write(`${line}\n`);
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value, digits = 1) => `${num(value, digits)} ms`;
const share = (fraction) => percent(fraction).replace('+', '');
/** "+3.0 ms", "−0.7 ms". */
const signedMs = (value) => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
const rotate = (items, by) => items.map((_, i) => items[(i + by) % items.length]);

/** Half of a full-speed throughput, in steps of 250 requests/s. */
function pacedRate(fullSpeedRps) {
  return Math.max(250, Math.floor(fullSpeedRps / 2 / 250) * 250);
}

// ---------------------------------------------------------------------------------------------
// Processes under test

async function startSimulator(tmp) {
  const provider = ({ latencyMs, interChunkMs }) => ({
    apiKey: SIM_OPENAI_KEY,
    models: ['gpt-4o-mini'],
    behaviour: { latency: { kind: 'fixed', ms: latencyMs }, interChunkMs },
  });
  const scenario = await writeScenario(tmp, 'gateway-bench', {
    description: 'bench:gateway (generated): fixed upstream delays, no faults',
    defaults: { outputTokens: 64, chunkTokens: 4 },
    providers: Object.fromEntries(Object.values(UPSTREAMS).map((u) => [u.providerId, provider(u)])),
  });
  return startProviderSimProcess({ scenario });
}

/** The load of `condition` against one subject: where to send what, with which credentials. */
function loadFor(subject, condition, { sim, floor, stilts }, connections) {
  const upstream = UPSTREAMS[condition.upstream];
  if (subject === 'direct' || subject === 'floor') {
    return {
      url: subject === 'direct' ? sim.url : floor.url,
      path: `/${upstream.providerId}/v1/chat/completions`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SIM_OPENAI_KEY}` },
      body: chatBody('gpt-4o-mini', { stream: condition.stream }),
      connections,
    };
  }
  return {
    url: stilts.url,
    path: '/v1/chat/completions',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${stilts.credentials.apiKey}`,
    },
    body: chatBody(upstream.route, { stream: condition.stream }),
    connections,
  };
}

/**
 * A fresh Stilts in its own scratch database (so `pg_stat_database` counts its transactions
 * alone) and STILTS_HOME, with the credentials it created; with `budgets`, a month budget on the
 * `default` team (its API key's) and one on every route, far larger than the run can spend.
 */
async function startStilts({
  db,
  tmp,
  cleanup,
  config,
  name,
  budgets,
  tracing,
  nodeArgs = [],
  wrapper = [],
  env = {},
}) {
  const scratch = await createScratchDatabase(db.url);
  const dropIt = cleanup.add(`drop database ${scratch.name}`, () => scratch.drop());
  const home = await mkdtemp(path.join(tmp, `home-${name}-`));
  const schema = benchSchemaName();
  let stilts;
  try {
    stilts = await startStiltsProcess({
      env: {
        LOG_LEVEL: 'warn',
        STILTS_CONFIG: config.path,
        STILTS_SIMULATOR: 'off',
        STILTS_HOME: home,
        DATABASE_URL: scratch.url,
        DATABASE_SCHEMA: schema,
        CALL_RECORDING: 'on',
        ...(tracing ? { OTEL_EXPORTER_OTLP_ENDPOINT: tracing.url } : {}),
        ...config.env,
        ...env,
      },
      nodeArgs,
      wrapper,
      // Under valgrind, start-up (migrations included) is several times slower.
      timeoutMs: wrapper.length > 0 ? 300_000 : 60_000,
      awaitCredentials: true,
    });
  } catch (error) {
    await cleanup.now(dropIt, () => scratch.drop());
    throw error;
  }
  const stopIt = cleanup.add(`stop ${name} ${stilts.pid}`, () => stilts.stop(10_000));
  const instance = {
    ...stilts,
    name,
    database: scratch,
    schema,
    budgets: [],
    async close() {
      const exitCode = await cleanup.now(stopIt, () => stilts.stop(30_000));
      await cleanup.now(dropIt, () => scratch.drop());
      return exitCode;
    },
  };
  try {
    if (budgets) instance.budgets = await createBudgets(instance);
    await probeStilts(instance);
  } catch (error) {
    await instance.close();
    throw error;
  }
  return instance;
}

const HUGE_BUDGET_MICRO_USD = 1_000_000_000_000; // USD 1,000,000 a month

async function createBudgets(stilts) {
  const admin = adminApi(stilts.url, stilts.credentials.adminToken);
  const teams = await admin.get('/teams');
  const team = teams.items.find((t) => t.name === 'default');
  if (!team) throw new Error('Stilts has no "default" team (is this a first start?)');
  const created = [
    await admin.post('/budgets', {
      name: 'bench: default team',
      scope: 'team',
      scopeRef: team.id,
      period: 'month',
      amountMicroUsd: HUGE_BUDGET_MICRO_USD,
    }),
  ];
  for (const upstream of Object.values(UPSTREAMS)) {
    created.push(
      await admin.post('/budgets', {
        name: `bench: route ${upstream.route}`,
        scope: 'route',
        scopeRef: upstream.route,
        period: 'month',
        amountMicroUsd: HUGE_BUDGET_MICRO_USD,
      }),
    );
  }
  // Replicas apply budget changes within a second (NOTIFY, then a reload).
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return created.map((b) => b.id);
}

/** Where this Stilts' budgets stand: `[{ name, spentMicroUsd, reservedMicroUsd }]`. */
async function budgetStatus(stilts) {
  const admin = adminApi(stilts.url, stilts.credentials.adminToken);
  const page = await admin.get('/budgets?limit=200');
  return page.items.map((b) => ({
    name: b.name,
    spentMicroUsd: b.status.spentMicroUsd,
    reservedMicroUsd: b.status.reservedMicroUsd,
  }));
}

/** One request per route, streamed and not: each answers 200 from its simulator provider. */
async function probeStilts(stilts) {
  for (const condition of [...CONDITIONS, { upstream: 'ttft', stream: true }]) {
    const load = loadFor('stilts', condition, { stilts }, 1);
    const response = await fetch(`${load.url}${load.path}`, {
      method: 'POST',
      headers: load.headers,
      body: load.body,
    });
    await response.arrayBuffer();
    const provider = response.headers.get('x-provider');
    if (response.status !== 200 || provider !== UPSTREAMS[condition.upstream].providerId) {
      throw new Error(
        `${stilts.name}: probe of route ${UPSTREAMS[condition.upstream].route} answered ${response.status} from ${provider} (${stilts.tail()})`,
      );
    }
  }
}

function assertAlive(proc, what) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    throw new Error(
      `${what} (pid ${proc.pid}) exited during the run (${proc.child.exitCode ?? proc.child.signalCode}); ` +
        'exit code 0 means it was sent SIGTERM or SIGINT from outside the benchmark',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** `error.code` of an OpenAI-style error body, or undefined. */
function errorCode(body) {
  try {
    return JSON.parse(body)?.error?.code ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Drives one subject for a window and charges its process the CPU it used meanwhile; counts
 * answers other than 200 by status and error code (`failures`).
 */
async function measureWindow(proc, load, { durationSec, rate, onResponse }) {
  const failures = {};
  const window = startCpuWindow(proc.pid);
  const result = await runLoad({
    ...load,
    durationSec,
    rate,
    onResponse: (status, headers, body) => {
      onResponse?.(status, headers, body);
      if (status === 200) return;
      const code = errorCode(body);
      const key = code ? `${status} ${code}` : String(status);
      failures[key] = (failures[key] ?? 0) + 1;
    },
  });
  const cpu = window.stop();
  assertAlive(proc, proc.name ?? 'process under test');
  return {
    ...result,
    failures,
    cpuUsPerRequest: cpu.cpuUs / result.requests,
    cpuCores: cpu.cpuUs / 1000 / cpu.wallMs,
  };
}

/**
 * A fixed-rate window on the 0 ms route, with the database transactions of the process's own
 * scratch database counted between 1 s after the start and 1 s before the end (while it is busy,
 * so every backend publishes its counts within about a second), against the responses received
 * in between. With `sink`, the OTLP spans and bytes that arrived during the window.
 */
async function measurePaced({ statsClient, stilts, rate, durationSec, connections, sink }) {
  const load = loadFor('stilts', CONDITIONS[0], { stilts }, connections);
  let responses = 0;
  const marks = [];
  const mark = async () => {
    const at = responses;
    marks.push({ responses: at, ...(await databaseActivity(statsClient, stilts.database.name)) });
  };
  const timers = [
    setTimeout(() => void mark(), 1_000),
    setTimeout(() => void mark(), (durationSec - 1) * 1_000),
  ];
  const spansBefore = sink?.snapshot();
  try {
    const result = await measureWindow(stilts, load, {
      durationSec,
      rate,
      onResponse: () => {
        responses++;
      },
    });
    // The second reading may still be on its way.
    for (let i = 0; i < 50 && marks.length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [a, b] = marks;
    const counted = b && a ? b.responses - a.responses : 0;
    result.queries = {
      requests: counted,
      transactions: b && a ? b.transactions - a.transactions : Number.NaN,
      inserted: b && a ? b.inserted - a.inserted : Number.NaN,
    };
    result.queries.transactionsPer1000 = (result.queries.transactions / counted) * 1000;
    result.queries.insertedPer1000 = (result.queries.inserted / counted) * 1000;
    if (sink) {
      // Spans of the window's last requests are exported up to 5 s later (the batch delay).
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const after = sink.snapshot();
      result.export = {
        spans: after.spans - spansBefore.spans,
        bytes: after.bytes - spansBefore.bytes,
        posts: after.requests - spansBefore.requests,
        errors: after.errors - spansBefore.errors,
      };
      result.export.spansPerRequest = result.export.spans / result.requests;
    }
    return result;
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
}

/**
 * Warms a Stilts process up: mostly the 0 ms route, non-streamed, a quarter streamed, then a
 * second on each other route, so that every budget account has leased before it is measured.
 * Resolves with the first load's figures and every non-200 answer (`failures`).
 */
async function warmUp(stilts, warmupSec, connections) {
  const streamSec = Math.max(1, Math.round(warmupSec / 4));
  const loads = [
    [CONDITIONS[0], Math.max(1, warmupSec - streamSec - 2)],
    [CONDITIONS[1], streamSec],
    [CONDITIONS[2], 1],
    [{ upstream: 'ttft', stream: true }, 1],
  ];
  const failures = {};
  let first;
  for (const [condition, durationSec] of loads) {
    const load = loadFor('stilts', condition, { stilts }, connections);
    const result = await measureWindow(stilts, load, { durationSec });
    first ??= result;
    addCounts(failures, result.failures);
  }
  return { ...first, failures };
}

async function runRound(context) {
  const { db, options, cleanup, tmp, config, sim, sink, statsClient, index } = context;
  const round = {
    index,
    matrix: {},
    paced: {},
    ttft: {},
    peakRssBytes: {},
    warmupFailures: {},
  };
  const stiltses = {};
  let floor;
  try {
    floor = await startFloorProxyProcess({ upstream: sim.url });
    floor.name = 'floor proxy';
    const stopFloor = cleanup.add(`stop floor proxy ${floor.pid}`, () => floor.stop(5_000));
    floor.close = () => cleanup.now(stopFloor, () => floor.stop(5_000));
    for (const [name, variant] of Object.entries(VARIANTS)) {
      stiltses[name] = await startStilts({
        db,
        tmp,
        cleanup,
        config,
        name,
        budgets: variant.budgets,
        tracing: variant.tracing ? sink : undefined,
      });
    }
    const subjects = { sim, floor, stilts: stiltses.stilts };
    const procOf = { direct: sim, floor, stilts: stiltses.stilts };

    // Warm-ups: every Stilts the same, before anything is measured, so that they are compared
    // at the same age; the floor proxy and the simulator need little.
    await runLoad({
      ...loadFor('floor', CONDITIONS[0], subjects, options.connections),
      durationSec: 3,
    });
    let warmupRps;
    for (const name of rotate(Object.keys(VARIANTS), index)) {
      const w = await warmUp(stiltses[name], options.warmupSec, options.connections);
      if (name === 'stilts') warmupRps = w.rps;
      round.warmupFailures[name] = w.failures;
      if (Object.keys(w.failures).length > 0) {
        log(`    ${SUBJECT_LABEL[name]} warm-up (not measured): ${countsText(w.failures)}`);
      }
    }
    round.warmupRps = warmupRps;
    // Every round at the first round's rate: the same work per second for every process.
    const rate = context.rate ?? pacedRate(warmupRps);
    round.rate = rate;

    // Fixed rate: CPU per request and database transactions of each variant.
    for (const name of rotate(Object.keys(VARIANTS), index)) {
      round.paced[name] = await measurePaced({
        statsClient,
        stilts: stiltses[name],
        rate,
        durationSec: options.pacedSec,
        connections: options.connections,
        sink: VARIANTS[name].tracing ? sink : undefined,
      });
      log(`    ${describePaced(name, round.paced[name], rate)}`);
    }

    // The matrix: each condition, each subject (order rotated per round). Stilts' database
    // transactions are counted across it and the TTFT runs too: a longer span, idle gaps
    // (background work) included, so the publication lag of the counts matters less.
    const phaseFrom = await databaseActivity(statsClient, stiltses.stilts.database.name);
    for (const condition of CONDITIONS) {
      round.matrix[condition.id] = {};
      for (const subject of rotate(SUBJECTS, index)) {
        const load = loadFor(subject, condition, subjects, options.connections);
        round.matrix[condition.id][subject] = await measureWindow(procOf[subject], load, {
          durationSec: options.durationSec,
        });
      }
      log(`    ${describeCondition(condition, round.matrix[condition.id])}`);
    }

    // Streamed time to first token, with the client of its own.
    for (const subject of rotate(SUBJECTS, index)) {
      const load = loadFor(subject, { upstream: 'ttft', stream: true }, subjects, 1);
      round.ttft[subject] = await runTtftLoad({
        ...load,
        connections: options.connections,
        requests: options.ttftRequests,
      });
      assertAlive(procOf[subject], subject);
    }
    log(`    ${describeTtft(round.ttft)}`);
    const phaseTo = await databaseActivity(statsClient, stiltses.stilts.database.name);
    const phaseRequests =
      sum(CONDITIONS.map((c) => round.matrix[c.id].stilts.requests)) + round.ttft.stilts.requests;
    round.phaseQueries = {
      requests: phaseRequests,
      transactions: phaseTo.transactions - phaseFrom.transactions,
      transactionsPer1000: ((phaseTo.transactions - phaseFrom.transactions) / phaseRequests) * 1000,
    };
    log(
      `    Stilts, load matrix and TTFT: ${num(round.phaseQueries.transactions)} DB transactions for ${num(phaseRequests)} requests (${num(round.phaseQueries.transactionsPer1000, 1)} per 1,000)`,
    );

    round.budgets = await budgetStatus(stiltses.stilts);
    round.budgetsTracing = await budgetStatus(stiltses['stilts-tracing']);
    round.peakRssBytes.direct = readMemory(sim.pid).peakRssBytes;
    round.peakRssBytes.floor = readMemory(floor.pid).peakRssBytes;
    for (const name of Object.keys(VARIANTS)) {
      round.peakRssBytes[name] = readMemory(stiltses[name].pid).peakRssBytes;
    }
    return round;
  } finally {
    for (const stilts of Object.values(stiltses)) {
      round.exitCodes ??= {};
      round.exitCodes[stilts.name] = await stilts.close();
    }
    await floor?.close();
  }
}

/**
 * Areas of Stilts' code, for the share of the profiled main thread's busy time spent in each
 * (a sample counts for every area on its stack: the budget charges written in the ledger's
 * transaction count for budgets and recording). Shares of one process's own profile do not
 * move with machine noise, as CPU-time comparisons between processes and windows do.
 */
const PROFILE_AREAS = {
  budgets: /\/modules\/budgets\//,
  keys: /\/modules\/keys\//,
  recording:
    /\/modules\/calls\/|\/node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array)\//,
  telemetry: /\/modules\/telemetry\/|\/node_modules\/(@opentelemetry|prom-client|pino)\//,
};

/** "budgets 1.5 %, keys 2.0 %, ..." */
const areaShares = (profile) =>
  Object.entries(profile.areas.shares)
    .map(([area, fraction]) => `${area} ${share(fraction)}`)
    .join(', ');

/** One Stilts under --cpu-prof: warm-up, then full speed on the 0 ms route, plain and streamed. */
async function runProfiledRound({ db, options, cleanup, tmp, config }) {
  await mkdir(PROFILE_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(PROFILE_DIR, `gateway-${stamp}.cpuprofile`);
  const stilts = await startStilts({
    db,
    tmp,
    cleanup,
    config,
    name: 'stilts-profiled',
    budgets: true,
    nodeArgs: [
      '--cpu-prof',
      `--cpu-prof-dir=${path.dirname(file)}`,
      `--cpu-prof-name=${path.basename(file)}`,
    ],
  });
  let plain;
  let streamed;
  let fromUs;
  let toUs;
  try {
    await warmUp(stilts, options.warmupSec, options.connections);
    fromUs = profileClockUs();
    plain = await measureWindow(
      stilts,
      loadFor('stilts', CONDITIONS[0], { stilts }, options.connections),
      { durationSec: options.durationSec * 2 },
    );
    streamed = await measureWindow(
      stilts,
      loadFor('stilts', CONDITIONS[1], { stilts }, options.connections),
      { durationSec: options.durationSec },
    );
    toUs = profileClockUs();
  } finally {
    await stilts.close(); // the profile is written at exit
  }
  if (!existsSync(file)) throw new Error(`no CPU profile at ${file}`);
  const window = { fromUs, toUs };
  const root = `file://${ROOT}/`;
  const top = topSelfFrames(file, { window, limit: 25, root });
  const areas = profileShares(file, PROFILE_AREAS, window);
  const folded = file.replace(/\.cpuprofile$/, '.folded');
  await writeFile(folded, foldedStacks(file, { window, root }));
  const topFile = file.replace(/\.cpuprofile$/, '.top.txt');
  await writeFile(
    topFile,
    `${top.frames.map((f) => `${share(f.share).padStart(7)}  ${num(f.selfMs).padStart(7)} ms  ${f.name}`).join('\n')}\n`,
  );
  return {
    file,
    folded,
    topFile,
    top,
    areas,
    plain,
    streamed,
    requests: plain.requests + streamed.requests,
  };
}

// ---------------------------------------------------------------------------------------------
// Instructions per request (callgrind)

/** Connections of the counted load: under valgrind Stilts is the bottleneck at far fewer. */
const INSTRUCTION_CONNECTIONS = 10;
/** Uninstrumented requests before counting (JIT and caches warm, budgets leased). */
const INSTRUCTION_WARMUP_REQUESTS = 10_000;

/**
 * Each Stilts variant under callgrind, `instructionProcesses` fresh processes of each, one at a
 * time and interleaved (stilts, no budgets, tracing, stilts, ...): start, warm up, then
 * `instructionWindows` counted windows of `instructionRequests` non-streamed requests (0 ms
 * upstream). A process's figure is its median window; a variant's, the median of its
 * processes. Resolves with `{ [variant]: { processes: [{ perRequest, median, raw,
 * idlePerSecond }], median } }`.
 */
async function runInstructionCounts({ db, options, cleanup, tmp, config, sink }) {
  const counts = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, { processes: [] }]));
  for (let p = 0; p < options.instructionProcesses; p++) {
    for (const [variant, { budgets, tracing }] of Object.entries(VARIANTS)) {
      const dir = await mkdtemp(path.join(tmp, `callgrind-${variant}-`));
      const launch = callgrindLaunch(dir, { host: '127.0.0.1' });
      const stilts = await startStilts({
        ...{ db, tmp, cleanup, config, budgets },
        name: `${variant}-callgrind-${p + 1}`,
        tracing: tracing ? sink : undefined,
        env: launch.env,
        nodeArgs: launch.nodeArgs,
        wrapper: launch.wrapper,
      });
      try {
        const load = (amount) =>
          runLoad({
            ...loadFor('stilts', CONDITIONS[0], { stilts }, INSTRUCTION_CONNECTIONS),
            amount,
            durationSec: 3_600,
          });
        const measured = await launch.measure(stilts.pid, load, {
          warmup: INSTRUCTION_WARMUP_REQUESTS,
          requests: options.instructionRequests,
          windows: options.instructionWindows,
        });
        const result = { ...measured, median: median(measured.perRequest) };
        counts[variant].processes.push(result);
        log(
          `    ${SUBJECT_LABEL[variant].padEnd(20)} process ${p + 1}: ${num(result.median)} (windows ${result.perRequest.map((x) => num(x)).join(', ')}; gross ${result.raw.map((x) => num(x)).join(', ')}; idle ${num(result.idlePerSecond / 1e6, 1)} M/s${slowTickNote(result)})`,
        );
      } finally {
        await stilts.close();
      }
    }
  }
  for (const c of Object.values(counts)) c.median = median(c.processes.map((x) => x.median));
  return counts;
}

/**
 * Growth of budgets and tracing in instructions (medians of processes), each process pair's
 * growth (process p of one variant against process p of the other), and the spreads: of the
 * windows of one process, and of the processes of one variant.
 */
function instructionSummary(counts) {
  if (!counts) return undefined;
  const windowSpreads = Object.values(counts).flatMap((c) =>
    c.processes.map((x) => relativeRange(x.perRequest, x.median)),
  );
  const processSpreads = Object.fromEntries(
    Object.entries(counts).map(([v, c]) => [
      v,
      relativeRange(
        c.processes.map((x) => x.median),
        c.median,
      ),
    ]),
  );
  const pairs = (a, b) =>
    counts[a].processes.map((x, i) => relativeChange(x.median, counts[b].processes[i].median));
  return {
    counts,
    processes: counts.stilts.processes.length,
    budgets: relativeChange(counts.stilts.median, counts['stilts-no-budgets'].median),
    tracing: relativeChange(counts['stilts-tracing'].median, counts.stilts.median),
    budgetsPairs: pairs('stilts', 'stilts-no-budgets'),
    tracingPairs: pairs('stilts-tracing', 'stilts'),
    spread: Math.max(...windowSpreads),
    processSpreads,
  };
}

function instructionTable(instructions) {
  const base = instructions.counts.stilts.median;
  const several = instructions.processes > 1;
  return {
    columns: [
      { header: 'variant', align: 'left' },
      { header: 'instructions / request', align: 'right' },
      { header: 'vs Stilts', align: 'right' },
      ...(several
        ? [
            { header: 'processes (median window each)', align: 'left' },
            { header: 'processes differ by', align: 'right' },
          ]
        : []),
      { header: 'windows', align: 'left' },
      { header: 'idle', align: 'right' },
      { header: 'slow-tick path taken off', align: 'left' },
    ],
    rows: Object.entries(instructions.counts).map(([variant, c]) => [
      SUBJECT_LABEL[variant],
      num(c.median),
      variant === 'stilts' ? '-' : percent(relativeChange(c.median, base)),
      ...(several
        ? [
            c.processes.map((x) => num(x.median)).join(', '),
            share(instructions.processSpreads[variant]),
          ]
        : []),
      c.processes.map((x) => x.perRequest.map((w) => num(w)).join(', ')).join('; '),
      c.processes.map((x) => `${num(x.idlePerSecond / 1e6, 1)}`).join(', ') + ' M/s',
      c.processes.map((x) => num(x.slowTickPerRequest)).join(', '),
    ]),
  };
}

// ---------------------------------------------------------------------------------------------
// Soak

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = sum(points.map((p) => p.x)) / n;
  const my = sum(points.map((p) => p.y)) / n;
  const sxy = sum(points.map((p) => (p.x - mx) * (p.y - my)));
  const sxx = sum(points.map((p) => (p.x - mx) ** 2));
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

async function runSoak({ db, options, cleanup, tmp, config }) {
  const stilts = await startStilts({ db, tmp, cleanup, config, name: 'stilts', budgets: true });
  const samples = [];
  let responses = 0;
  let result;
  let exitCode;
  let ledgerRows;
  const t0 = performance.now();
  const sample = () => {
    const memory = readMemory(stilts.pid);
    samples.push({ sec: (performance.now() - t0) / 1000, requests: responses, ...memory });
  };
  try {
    sample();
    const timer = setInterval(sample, options.soakIntervalSec * 1000);
    const progress = setInterval(() => {
      const last = samples.at(-1);
      log(
        `    ${num(responses)} requests, ${seconds(performance.now() - t0)}; RSS ${mebibytes(last.rssBytes)}`,
      );
    }, 60_000);
    try {
      result = await runLoad({
        ...loadFor('stilts', CONDITIONS[0], { stilts }, options.connections),
        amount: options.soakRequests,
        durationSec: 3_600,
        onResponse: () => {
          responses++;
        },
      });
    } finally {
      clearInterval(timer);
      clearInterval(progress);
    }
    sample();
    assertAlive(stilts, 'Stilts');
    result.budgets = await budgetStatus(stilts);
  } finally {
    // SIGTERM: the gateway drains its recorder, so every answered request is in the ledger.
    exitCode = await stilts.stop(60_000);
    try {
      ledgerRows = await withSchemaClient(stilts.database.url, stilts.schema, async (c) =>
        Number((await c.query('SELECT count(*)::bigint AS n FROM call_records')).rows[0].n),
      );
    } catch (error) {
      log(`  ledger count failed: ${error.message}`);
    }
    await stilts.close();
  }
  // Warm-up: the first 20 % of the requests. Compared: the samples of the next 10 % and those of
  // the last 10 % (medians, against GC's sawtooth), or the nearest sample where none fell.
  const warmupUntil = 0.2 * options.soakRequests;
  const between = (from, to) => samples.filter((x) => x.requests >= from && x.requests < to);
  const afterWarmup = between(warmupUntil, 0.3 * options.soakRequests);
  const end = between(0.9 * options.soakRequests, Infinity);
  const rssAfterWarmup = median(
    (afterWarmup.length > 0
      ? afterWarmup
      : [samples.find((x) => x.requests >= warmupUntil) ?? samples.at(-1)]
    ).map((x) => x.rssBytes),
  );
  const rssEnd = median((end.length > 0 ? end : [samples.at(-1)]).map((x) => x.rssBytes));
  const post = samples.filter((s) => s.requests >= warmupUntil);
  return {
    requests: result.requests,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    non2xx: result.non2xx,
    errors: result.errors,
    durationSec: result.durationSec,
    samples,
    rssAfterWarmup,
    rssEnd,
    peakRssBytes: Math.max(...samples.map((s) => s.peakRssBytes)),
    growth: relativeChange(rssEnd, rssAfterWarmup),
    slopeBytesPer100k: slope(post.map((s) => ({ x: s.requests / 100_000, y: s.rssBytes }))),
    budgets: result.budgets,
    ledgerRows,
    answered: responses,
    exitCode,
  };
}

// ---------------------------------------------------------------------------------------------
// Summaries and reports

/** Adds the counts of `from` (a `{ what: count }` map) to `into`. */
function addCounts(into, from = {}) {
  for (const [what, count] of Object.entries(from)) into[what] = (into[what] ?? 0) + count;
  return into;
}

/** `{ '429 budget_exceeded': 3 }` -> "429 budget_exceeded x3". */
function countsText(counts) {
  return Object.entries(counts)
    .map(([what, count]) => `${what} x${count}`)
    .join(', ');
}

/** " (non-2xx 3: 429 rate_limit_exceeded x3; errors 1)" or '' when all went well. */
function failureText(r) {
  if (r.non2xx + r.errors === 0) return '';
  const codes = countsText(r.failures ?? {});
  return ` (non-2xx ${r.non2xx}${codes ? `: ${codes}` : ''}; errors ${r.errors})`;
}

function describePaced(name, p, rate) {
  return (
    `${SUBJECT_LABEL[name].padEnd(20)} at ${num(rate)} req/s: ${num(p.cpuUsPerRequest)} µs CPU/request, p99 ${ms(p.p99Ms)}, ` +
    `${num(p.queries.transactionsPer1000, 1)} DB transactions per 1,000 requests` +
    (p.export
      ? `; exported ${num(p.export.spans)} spans (${num(p.export.spansPerRequest, 2)}/request, ${mebibytes(p.export.bytes)})`
      : '') +
    failureText(p)
  );
}

function describeCondition(condition, bySubject) {
  return (
    `${condition.label.padEnd(16)} ` +
    SUBJECTS.map((s) => {
      const r = bySubject[s];
      return `${s} ${num(r.rps)} req/s p99 ${ms(r.p99Ms)} ${num(r.cpuUsPerRequest)} µs${failureText(r)}`;
    }).join(' | ')
  );
}

function describeTtft(ttft) {
  return (
    'TTFT p99 (streamed, 50 ms upstream): ' +
    SUBJECTS.map(
      (s) =>
        `${s} ${ms(ttft[s].ttft.p99Ms)}${ttft[s].failed > 0 ? ` (${ttft[s].failed} failed: ${countsText(ttft[s].failures)})` : ''}`,
    ).join(', ')
  );
}

function summarise(rounds) {
  const matrix = {};
  for (const condition of CONDITIONS) {
    matrix[condition.id] = {};
    for (const subject of SUBJECTS) {
      const rs = rounds.map((r) => r.matrix[condition.id][subject]);
      const added = rounds.map(
        (r) => r.matrix[condition.id][subject].p99Ms - r.matrix[condition.id].direct.p99Ms,
      );
      matrix[condition.id][subject] = {
        rps: median(rs.map((r) => r.rps)),
        p50Ms: median(rs.map((r) => r.p50Ms)),
        p99Ms: median(rs.map((r) => r.p99Ms)),
        addedP99Ms: median(added),
        cpuUsPerRequest: median(rs.map((r) => r.cpuUsPerRequest)),
        peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes[subject])),
        non2xx: sum(rs.map((r) => r.non2xx)),
        failures: rs.reduce((all, r) => addCounts(all, r.failures), {}),
        errors: sum(rs.map((r) => r.errors)),
      };
    }
  }
  const paced = {};
  for (const name of Object.keys(VARIANTS)) {
    const ps = rounds.map((r) => r.paced[name]);
    paced[name] = {
      cpuUsPerRequest: median(ps.map((p) => p.cpuUsPerRequest)),
      p50Ms: median(ps.map((p) => p.p50Ms)),
      p99Ms: median(ps.map((p) => p.p99Ms)),
      transactionsPer1000: median(ps.map((p) => p.queries.transactionsPer1000)),
      insertedPer1000: median(ps.map((p) => p.queries.insertedPer1000)),
      peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes[name])),
      non2xx: sum(ps.map((p) => p.non2xx)),
      failures: ps.reduce((all, p) => addCounts(all, p.failures), {}),
      errors: sum(ps.map((p) => p.errors)),
      export: ps[0].export
        ? {
            spans: sum(ps.map((p) => p.export.spans)),
            bytes: sum(ps.map((p) => p.export.bytes)),
            posts: sum(ps.map((p) => p.export.posts)),
            errors: sum(ps.map((p) => p.export.errors)),
            spansPerRequest: median(ps.map((p) => p.export.spansPerRequest)),
          }
        : undefined,
    };
  }
  const pairs = (variant) =>
    rounds.map((r) =>
      relativeChange(r.paced[variant].cpuUsPerRequest, r.paced[base(variant)].cpuUsPerRequest),
    );
  const base = (variant) => (variant === 'stilts' ? 'stilts-no-budgets' : 'stilts');
  const budgetsPairs = pairs('stilts');
  const tracingPairs = pairs('stilts-tracing');
  const ttft = {};
  for (const subject of SUBJECTS) {
    ttft[subject] = {
      p50Ms: median(rounds.map((r) => r.ttft[subject].ttft.p50Ms)),
      p99Ms: median(rounds.map((r) => r.ttft[subject].ttft.p99Ms)),
      addedP99Ms: median(rounds.map((r) => r.ttft[subject].ttft.p99Ms - r.ttft.direct.ttft.p99Ms)),
      totalP99Ms: median(rounds.map((r) => r.ttft[subject].total.p99Ms)),
      rps: median(rounds.map((r) => r.ttft[subject].rps)),
      failed: sum(rounds.map((r) => r.ttft[subject].failed)),
      failures: rounds.reduce((all, r) => addCounts(all, r.ttft[subject].failures), {}),
      requests: sum(rounds.map((r) => r.ttft[subject].requests)),
    };
  }
  // Spread of the same variant's CPU across rounds: the noise a difference must beat.
  const spread = (variant) => {
    const xs = rounds.map((r) => r.paced[variant].cpuUsPerRequest);
    return xs.length > 1 ? Math.max(...xs) / Math.min(...xs) - 1 : Number.NaN;
  };
  return {
    matrix,
    paced,
    phaseQueries: {
      requests: sum(rounds.map((r) => r.phaseQueries.requests)),
      transactions: sum(rounds.map((r) => r.phaseQueries.transactions)),
      transactionsPer1000: median(rounds.map((r) => r.phaseQueries.transactionsPer1000)),
    },
    budgetsCpu: median(budgetsPairs),
    budgetsPairs,
    tracingCpu: median(tracingPairs),
    tracingPairs,
    noise: Math.max(...Object.keys(VARIANTS).map(spread)),
    warmupFailures: Object.fromEntries(
      Object.keys(VARIANTS).map((name) => [
        name,
        rounds.reduce((all, r) => addCounts(all, r.warmupFailures[name]), {}),
      ]),
    ),
    ttft,
    rate: rounds[0].rate,
  };
}

function matrixTable(summary) {
  const columns = [
    { header: 'upstream', align: 'left' },
    { header: 'process under test', align: 'left' },
    { header: 'req/s', align: 'right' },
    { header: 'p50', align: 'right' },
    { header: 'p99', align: 'right' },
    { header: 'p99 added', align: 'right' },
    { header: 'CPU/req', align: 'right' },
    { header: 'peak RSS', align: 'right' },
  ];
  const rows = [];
  for (const condition of CONDITIONS) {
    for (const subject of SUBJECTS) {
      const m = summary.matrix[condition.id][subject];
      rows.push([
        condition.label,
        SUBJECT_LABEL[subject] + failureText(m),
        num(m.rps),
        ms(m.p50Ms),
        ms(m.p99Ms),
        subject === 'direct' ? '-' : signedMs(m.addedP99Ms),
        `${num(m.cpuUsPerRequest)} µs`,
        mebibytes(m.peakRssBytes),
      ]);
    }
  }
  return { columns, rows };
}

function pacedTable(summary) {
  const columns = [
    { header: 'variant', align: 'left' },
    { header: 'CPU/req', align: 'right' },
    { header: 'vs Stilts', align: 'right' },
    { header: 'p50', align: 'right' },
    { header: 'p99', align: 'right' },
    { header: 'DB transactions / 1,000 req', align: 'right' },
    { header: 'rows inserted / 1,000 req', align: 'right' },
    { header: 'peak RSS', align: 'right' },
    { header: 'OTLP export', align: 'left' },
  ];
  const rows = Object.entries(summary.paced).map(([name, p]) => [
    SUBJECT_LABEL[name] + failureText(p),
    `${num(p.cpuUsPerRequest)} µs`,
    name === 'stilts'
      ? '-'
      : percent(relativeChange(p.cpuUsPerRequest, summary.paced.stilts.cpuUsPerRequest)),
    ms(p.p50Ms),
    ms(p.p99Ms),
    num(p.transactionsPer1000, 1),
    num(p.insertedPer1000, 0),
    mebibytes(p.peakRssBytes),
    p.export
      ? `${num(p.export.spans)} spans (${num(p.export.spansPerRequest, 2)}/req), ${mebibytes(p.export.bytes)} in ${num(p.export.posts)} POSTs`
      : '-',
  ]);
  return { columns, rows };
}

function ttftTable(summary) {
  const columns = [
    { header: 'process under test', align: 'left' },
    { header: 'TTFT p50', align: 'right' },
    { header: 'TTFT p99', align: 'right' },
    { header: 'TTFT p99 added', align: 'right' },
    { header: 'whole stream p99', align: 'right' },
    { header: 'streams/s', align: 'right' },
    { header: 'failed', align: 'right' },
  ];
  const rows = SUBJECTS.map((subject) => {
    const t = summary.ttft[subject];
    return [
      SUBJECT_LABEL[subject],
      ms(t.p50Ms),
      ms(t.p99Ms),
      subject === 'direct' ? '-' : signedMs(t.addedP99Ms),
      ms(t.totalP99Ms),
      num(t.rps),
      `${t.failed} / ${num(t.requests)}${t.failed > 0 ? ` (${countsText(t.failures)})` : ''}`,
    ];
  });
  return { columns, rows };
}

function profileTable(profile) {
  return {
    columns: [
      { header: 'self time', align: 'right' },
      { header: 'share', align: 'right' },
      { header: 'function (file:line)', align: 'left' },
    ],
    rows: profile.top.frames.map((f) => [ms(f.selfMs, 0), share(f.share), f.name]),
  };
}

/** `; medians of n processes each, pairs ...` when there were several processes per variant. */
function processPairs(instructions, pairs) {
  return instructions.processes > 1
    ? `; medians of ${instructions.processes} processes each, process pairs ${pairs.map((x) => percent(x)).join(', ')}`
    : '';
}

function targetsOf(summary, rounds, profile) {
  const instructions = summary.instructions;
  const m0 = summary.matrix.d0.stilts;
  const m50 = summary.matrix.d50.stilts;
  const ttft = summary.ttft.stilts;
  const paced = summary.paced;
  const pairs = (xs) => xs.map((x) => percent(x)).join(', ');
  const noisy = (target) =>
    Number.isFinite(summary.noise) && summary.noise >= target
      ? `; rounds of one variant differ by up to ${share(summary.noise)}, more than the target: indicative`
      : '';
  const budgetsOk = rounds.every((r) =>
    [...r.budgets, ...r.budgetsTracing].every((b) => b.spentMicroUsd + b.reservedMicroUsd > 0),
  );
  const transactions = Math.max(
    paced.stilts.transactionsPer1000,
    paced['stilts-tracing'].transactionsPer1000,
    summary.phaseQueries.transactionsPer1000,
  );
  return [
    {
      kind: 'performance',
      target: `<= ${TARGETS.cpuUsPerRequest} µs CPU per request`,
      ok: m0.cpuUsPerRequest <= TARGETS.cpuUsPerRequest,
      detail: `${num(m0.cpuUsPerRequest)} µs at full speed, 0 ms upstream (median of rounds); ${num(paced.stilts.cpuUsPerRequest)} µs at ${num(summary.rate)} req/s; streamed ${num(summary.matrix['d0-stream'].stilts.cpuUsPerRequest)} µs`,
    },
    {
      kind: 'performance',
      target: `>= ${num(TARGETS.rps)} req/s at 0 ms upstream delay`,
      ok: m0.rps >= TARGETS.rps,
      detail: `${num(m0.rps)} req/s, non-streamed (streamed ${num(summary.matrix['d0-stream'].stilts.rps)}; floor proxy ${num(summary.matrix.d0.floor.rps)}, simulator direct ${num(summary.matrix.d0.direct.rps)}; load generator, simulator and PostgreSQL on the same cores)`,
    },
    {
      kind: 'performance',
      target: `<= ${TARGETS.addedP99Ms} ms added p99 at 50 ms upstream delay, 50 connections`,
      ok: m50.addedP99Ms <= TARGETS.addedP99Ms,
      detail: `${signedMs(m50.addedP99Ms)} (p99 ${ms(m50.p99Ms)} vs ${ms(summary.matrix.d50.direct.p99Ms)} direct; floor proxy ${signedMs(summary.matrix.d50.floor.addedP99Ms)}); streamed ${signedMs(summary.matrix['d50-stream'].stilts.addedP99Ms)}`,
    },
    {
      kind: 'performance',
      target: `<= ${mebibytes(TARGETS.peakRssBytes).replace('.0 MiB', ' MB')} peak RSS`,
      ok: paced.stilts.peakRssBytes <= TARGETS.peakRssBytes,
      detail: `${mebibytes(paced.stilts.peakRssBytes)} (VmHWM over the whole process life, highest round; with tracing ${mebibytes(paced['stilts-tracing'].peakRssBytes)}; floor proxy ${mebibytes(summary.matrix.d0.floor.peakRssBytes)})`,
    },
    {
      kind: 'performance',
      target: `Streaming TTFT adds <= ${TARGETS.addedTtftP99Ms} ms at p99`,
      ok: ttft.addedP99Ms <= TARGETS.addedTtftP99Ms,
      detail: `${signedMs(ttft.addedP99Ms)} (TTFT p99 ${ms(ttft.p99Ms)} vs ${ms(summary.ttft.direct.p99Ms)} direct; floor proxy ${signedMs(summary.ttft.floor.addedP99Ms)})`,
    },
    {
      kind: 'performance',
      target: `Tracing on costs <= ${TARGETS.tracingCpu * 100} % more CPU per request`,
      // Neither measure is exact on this machine: pass only when both say so.
      ok:
        summary.tracingCpu <= TARGETS.tracingCpu &&
        (instructions?.tracing ?? -Infinity) <= TARGETS.tracingCpu,
      detail:
        (instructions
          ? `${percent(instructions.tracing)} instructions per request under callgrind (${num(instructions.counts['stilts-tracing'].median)} vs ${num(instructions.counts.stilts.median)}${processPairs(instructions, instructions.tracingPairs)}); CPU time ${percent(summary.tracingCpu)}`
          : percent(summary.tracingCpu)) +
        ` at ${num(summary.rate)} req/s (${num(paced['stilts-tracing'].cpuUsPerRequest)} vs ${num(paced.stilts.cpuUsPerRequest)} µs; rounds ${pairs(summary.tracingPairs)}${noisy(TARGETS.tracingCpu)}); ` +
        `the sink received ${num(paced['stilts-tracing'].export.spans)} spans, ${num(paced['stilts-tracing'].export.spansPerRequest, 2)} per request`,
    },
    {
      kind: 'performance',
      target: `Keys and budgets on: CPU per request grows < ${TARGETS.budgetsCpu * 100} % (vs keys, no budgets)`,
      ok:
        summary.budgetsCpu < TARGETS.budgetsCpu &&
        (instructions?.budgets ?? -Infinity) < TARGETS.budgetsCpu,
      detail:
        (instructions
          ? `${percent(instructions.budgets)} instructions per request under callgrind (${num(instructions.counts.stilts.median)} vs ${num(instructions.counts['stilts-no-budgets'].median)}${processPairs(instructions, instructions.budgetsPairs)}); CPU time ${percent(summary.budgetsCpu)}`
          : percent(summary.budgetsCpu)) +
        ` at ${num(summary.rate)} req/s (${num(paced.stilts.cpuUsPerRequest)} vs ${num(paced['stilts-no-budgets'].cpuUsPerRequest)} µs; rounds ${pairs(summary.budgetsPairs)}${noisy(TARGETS.budgetsCpu)})` +
        (profile
          ? `; the CPU profile puts ${share(profile.areas.shares.budgets)} of Stilts' busy main-thread time in budgets code`
          : ''),
    },
    {
      kind: 'performance',
      target: 'No per-request database round trip (transactions per 1,000 requests)',
      ok: transactions < TARGETS.transactionsPer1000,
      detail: `at ${num(summary.rate)} req/s: ${num(paced.stilts.transactionsPer1000, 1)} with keys and budgets, ${num(paced['stilts-no-budgets'].transactionsPer1000, 1)} without budgets, ${num(paced['stilts-tracing'].transactionsPer1000, 1)} with tracing; over the load matrix and TTFT runs (idle gaps included): ${num(summary.phaseQueries.transactionsPer1000, 1)} (${num(summary.phaseQueries.transactions)} for ${num(summary.phaseQueries.requests)} requests). A query per request would be >= 1,000.`,
    },
    {
      kind: 'correctness',
      target: 'Stilts answered every request 200, and charged every budget',
      ok:
        budgetsOk &&
        CONDITIONS.every(
          (c) => summary.matrix[c.id].stilts.non2xx + summary.matrix[c.id].stilts.errors === 0,
        ) &&
        Object.values(paced).every((p) => p.non2xx + p.errors === 0) &&
        summary.ttft.stilts.failed === 0,
      detail:
        `budgets (team + ${Object.keys(UPSTREAMS).length} routes, per Stilts with budgets) ${budgetsOk ? 'all spent or reserved' : 'NOT ALL CHARGED'}; ` +
        `failed requests of the other subjects (not Stilts; see the tables): ${otherFailures(summary)}`,
    },
  ];
}

/**
 * Non-200 answers and errors of the simulator called directly and of the floor proxy (a
 * measuring stick with no retry: it answers 502 when it reuses a keep-alive connection the
 * simulator is closing), summed over the matrix and the TTFT runs.
 */
function otherFailures(summary) {
  const parts = SUBJECTS.filter((s) => s !== 'stilts').map((s) => {
    const failed =
      sum(CONDITIONS.map((c) => summary.matrix[c.id][s].non2xx + summary.matrix[c.id][s].errors)) +
      summary.ttft[s].failed;
    return `${SUBJECT_LABEL[s]} ${num(failed)}`;
  });
  return parts.join(', ');
}

function existingSoakBlock() {
  if (!existsSync(DOC)) return undefined;
  const doc = readFileSync(DOC, 'utf8');
  const begin = `<!-- ${SOAK_DOC_ID}:begin -->`;
  const end = `<!-- ${SOAK_DOC_ID}:end -->`;
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  return from >= 0 && to > from ? doc.slice(from, to + end.length) : undefined;
}

const SOAK_PLACEHOLDER = `<!-- ${SOAK_DOC_ID}:begin -->

### Soak

Not run yet: \`npm run bench:gateway -- --soak\`.

<!-- ${SOAK_DOC_ID}:end -->`;

function markdownReport({ machine, db, options, summary, targets, profile }) {
  const out = ['## Gateway overhead (`npm run bench:gateway`)', ''];
  out.push(describeRun(machine, db, options), '');
  out.push(
    `Processes, each its own: the provider simulator (one for the run; three providers answering after a fixed 0 ms or 50 ms, streams in one write, or — for time to first token — after 50 ms with events 2 ms apart; 64 output tokens in 16 chunks); Stilts (\`node ${PRODUCTION_NODE_ARGS.join(' ')} apps/server/dist/main.js\` as \`npm start\` runs it, \`LOG_LEVEL=warn\`) as in production: call recording into PostgreSQL, the API key it created on first start, a month budget on the key's team and one on every route, so every request passes the budget gate; and the floor, \`apps/server/bench/support/floor-proxy.mjs\`: a node:http server piping to a keep-alive node:http client, nothing else. ` +
      `${options.rounds} interleaved round${options.rounds === 1 ? '' : 's'} of fresh gateway and floor processes (each Stilts in its own scratch database): ${options.warmupSec} s warm-up of every Stilts; then ${options.pacedSec} s windows at a fixed ${num(summary.rate)} req/s for each Stilts variant; then each load-matrix cell for ${options.durationSec} s per process (autocannon in the benchmark process, ${options.connections} connections, closed loop); then ${num(options.ttftRequests)} streamed requests per process for time to first token. ` +
      'CPU is the process under test\'s own (utime + stime from /proc, all threads) over the window, divided by the requests completed in it — for "simulator (direct)", the simulator\'s. "p99 added" is that p99 minus the p99 of the simulator called directly in the same round (median of rounds). Peak RSS is VmHWM over the process life (highest round). The load generator, the simulator and PostgreSQL share the 2 cores with the process under test.',
    '',
  );
  const m = matrixTable(summary);
  out.push('### Load matrix', '', markdownTable(m.columns, m.rows), '');
  const p = pacedTable(summary);
  out.push(
    `### Keys, budgets and tracing at ${num(summary.rate)} req/s`,
    '',
    'Non-streamed, 0 ms upstream. "Stilts" has keys and budgets on; "no budgets" authenticates the key but has no budget defined; "tracing on" exports every span over OTLP/HTTP (protobuf, the SDK\'s default batching) to a sink in the benchmark process on 127.0.0.1 that counts what it receives. Database transactions are `xact_commit + xact_rollback` of the process\'s own scratch database in `pg_stat_database`, counted across the window while it runs: the recorder\'s batched ledger writes (every 250 ms or 1,000 records) and the budget lease renewals (every 5 s) are expected there; a per-request query would be at least 1,000 per 1,000 requests. Medians of rounds.',
    '',
    markdownTable(p.columns, p.rows),
    '',
    `Across the load matrix and the TTFT runs (idle gaps between windows included), Stilts with keys and budgets ran ${num(summary.phaseQueries.transactions)} transactions for ${num(summary.phaseQueries.requests)} requests: ${num(summary.phaseQueries.transactionsPer1000, 1)} per 1,000 (median of rounds). Counts are published by each PostgreSQL backend at most once a second (an idle one within 10 s), so each reading may miss a few transactions.`,
    '',
    `CPU per request, each round against the same round's "Stilts": budgets ${summary.budgetsPairs.map((x) => percent(x)).join(', ')}; tracing ${summary.tracingPairs.map((x) => percent(x)).join(', ')}. ` +
      (Number.isFinite(summary.noise)
        ? `Rounds of one variant differ by up to ${share(summary.noise)}: differences smaller than that are noise.`
        : 'One round: no estimate of the noise.'),
    '',
  );
  if (summary.instructions) {
    const it = instructionTable(summary.instructions);
    out.push(
      '### Instructions per request (callgrind)',
      '',
      `The differences the budgets and tracing targets ask about are smaller than the noise of CPU time on this machine, so each Stilts variant also ran, one at a time, under valgrind's callgrind, which counts the instructions a thread executes, largely whatever else the machine does. Counted: Stilts' main thread (the JavaScript, and the garbage collection V8 does there); not counted: V8's helper threads (concurrent marking, sweeping, optimising compilers, whose timing varies from window to window by more than the differences measured) and kernel time. Each variant: ${options.instructionProcesses === 1 ? 'a fresh Stilts' : `${options.instructionProcesses} fresh Stilts, one at a time and interleaved with the other variants' (a traced process's count differs from the next one's by more than the tracing target's margin, so one process per variant settles nothing)`} (as above, each in its own scratch database), ${num(INSTRUCTION_WARMUP_REQUESTS)} requests uninstrumented, 200 more instrumented, then ${options.instructionWindows} counted window${options.instructionWindows === 1 ? '' : 's'} of ${num(options.instructionRequests)} non-streamed requests (0 ms upstream, ${INSTRUCTION_CONNECTIONS} connections, closed loop). A process's figure is its median window${options.instructionProcesses === 1 ? '' : "; a variant's, the median of its processes"}. Under valgrind many fresh processes (on 2026-11-25, every traced one) fall into a state that no process at full speed was seen in: V8's optimised \`process.nextTick\` calls the runtime for its tick object's computed keys, ~31,000 instructions per request whatever the code. Each window is counted net of that runtime function's inclusive instructions (the "slow-tick path taken off" column; see \`apps/server/bench/support/instructions.mjs\`). Instrumented, Stilts serves about 50 times fewer requests per second while its timers (metrics, budget lease renewal, partition upkeep, trace export) fire as often as ever, so each window is counted net of the idle rate of an idle window of the same length right after it (the idle rates are in the table). The recorder flushes every 250 records rather than every 250 ms (\`RECORDER_BATCH_SIZE=250\`, what 250 ms holds at 1,000 req/s), so its batches are as large as a production gateway's rather than 50 times smaller. Span export keeps its own rule (a batch every 512 spans, or after \`OTEL_BSP_SCHEDULE_DELAY\`, 5 s): where the slowed process gathers 512 spans within 5 s its batches are production-sized, otherwise smaller, and these counts then somewhat overstate tracing.` +
        (options.instructionWindows > 1
          ? ` Windows of one process differ by up to ${share(summary.instructions.spread)}.`
          : '') +
        (summary.instructions.processes > 1
          ? ` Process pairs (process n of a variant against process n of Stilts): budgets ${summary.instructions.budgetsPairs.map((x) => percent(x)).join(', ')}; tracing ${summary.instructions.tracingPairs.map((x) => percent(x)).join(', ')}.`
          : ''),
      '',
      markdownTable(it.columns, it.rows),
      '',
    );
  }
  const t = ttftTable(summary);
  out.push(
    '### Streaming: time to first token',
    '',
    `A client of the benchmark's own (node:http, ${options.connections} keep-alive connections, closed loop) times each streamed request from its start to its first token: the first complete SSE \`data:\` event whose delta carries text (the role-only first event is not one); upstream answers after 50 ms, events 2 ms apart. Medians of rounds.`,
    '',
    markdownTable(t.columns, t.rows),
    '',
  );
  const warmupFailures = Object.entries(summary.warmupFailures).filter(
    ([, counts]) => Object.keys(counts).length > 0,
  );
  if (warmupFailures.length > 0) {
    out.push(
      `During the warm-ups (not measured; each Stilts' first requests on each route, ${options.connections} at once), Stilts refused requests although every budget had almost all of its USD 1,000,000 left: ${warmupFailures.map(([name, counts]) => `${SUBJECT_LABEL[name]} ${countsText(counts)}`).join('; ')} (all rounds).`,
      '',
    );
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
      targets.map((x) => [x.target, x.ok ? 'pass' : '**fail**', x.detail]),
    ),
    '',
  );
  if (profile) {
    const pt = profileTable(profile);
    out.push(
      '### CPU profile',
      '',
      `One more Stilts (keys and budgets on) under \`node --cpu-prof\`: after the warm-up, ${options.durationSec * 2} s non-streamed and ${options.durationSec} s streamed at full speed, 0 ms upstream (${num(profile.requests)} requests; ${num(profile.plain.cpuUsPerRequest)} µs CPU per non-streamed request under the profiler). Main thread only; "(garbage collector)" and "(program)" (native work outside JavaScript) included. The top ${pt.rows.length} functions by self time:`,
      '',
      markdownTable(pt.columns, pt.rows),
      '',
      `Share of the busy main-thread time (idle, GC and "(program)" left out) under each area's code, a sample counting for every area on its stack: ${areaShares(profile)}. Budgets: \`modules/budgets\`; keys: \`modules/keys\`; recording: \`modules/calls\` and the pg driver; telemetry: \`modules/telemetry\`, OpenTelemetry, prom-client and pino.`,
      '',
      `The profile and a folded-stacks file (flamegraph.pl, inferno or speedscope) are written to \`${path.relative(ROOT, PROFILE_DIR)}/\` (git-ignored).`,
      '',
    );
  }
  out.push(existingSoakBlock() ?? SOAK_PLACEHOLDER);
  return out.join('\n');
}

function soakMarkdown(soak, machine, db, options) {
  const out = [
    `<!-- ${SOAK_DOC_ID}:begin -->`,
    '',
    '### Soak',
    '',
    `\`npm run bench:gateway -- --soak${options.soakRequests === 1_000_000 ? '' : ` --soak-requests ${options.soakRequests}`}\`. ${describeRun(machine, db, options)}`,
    '',
    `${num(soak.requests)} non-streamed requests through one Stilts (keys and budgets on, recording), 0 ms upstream, ${options.connections} connections at full speed: ${num(soak.rps)} req/s, p50 ${ms(soak.p50Ms)}, p99 ${ms(soak.p99Ms)}, non-2xx ${soak.non2xx}, errors ${soak.errors}, in ${seconds(soak.durationSec * 1000)}. RSS sampled every ${options.soakIntervalSec} s; warm-up is the first 20 % of the requests.`,
    '',
    markdownTable(
      [
        { header: 'RSS after warm-up (20-30 %)', align: 'right' },
        { header: 'RSS at the end (last 10 %)', align: 'right' },
        { header: 'growth', align: 'right' },
        { header: 'trend after warm-up', align: 'right' },
        { header: 'peak RSS', align: 'right' },
        { header: 'ledger rows', align: 'right' },
        { header: `growth <= ${TARGETS.soakGrowth * 100} %`, align: 'left' },
      ],
      [
        [
          mebibytes(soak.rssAfterWarmup),
          mebibytes(soak.rssEnd),
          percent(soak.growth),
          `${mebibytes(soak.slopeBytesPer100k)} per 100,000 requests`,
          mebibytes(soak.peakRssBytes),
          `${num(soak.ledgerRows)} for ${num(soak.answered)} answered`,
          soak.growth <= TARGETS.soakGrowth ? 'pass' : '**fail**',
        ],
      ],
    ),
    '',
    `RSS samples (requests done: RSS): ${soakSampleLine(soak.samples)}.`,
    '',
    `<!-- ${SOAK_DOC_ID}:end -->`,
  ];
  return out.join('\n');
}

function soakSampleLine(samples) {
  const every = Math.max(1, Math.ceil(samples.length / 12));
  return samples
    .filter((x, i) => (i % every === 0 || i === samples.length - 1) && x !== samples[i - 1])
    .filter((x, i, kept) => i === 0 || x.requests !== kept[i - 1].requests)
    .map((s) => `${num(s.requests / 1000)}k: ${mebibytes(s.rssBytes)}`)
    .join(', ');
}

async function writeSoakDoc(block) {
  if (existingSoakBlock()) {
    const inner = block
      .replace(`<!-- ${SOAK_DOC_ID}:begin -->`, '')
      .replace(`<!-- ${SOAK_DOC_ID}:end -->`, '');
    await writeDocSection(DOC, SOAK_DOC_ID, inner);
    return;
  }
  await writeDocSection(
    DOC,
    DOC_ID,
    ['## Gateway overhead (`npm run bench:gateway`)', '', 'Not run yet.', '', block].join('\n'),
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`gateway.bench: ${error.message}\n\n${USAGE}\n`);
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
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'stilts-bench-gateway-'));
    cleanup.add('remove temp dir', () => rm(tmp, { recursive: true, force: true }));
    log(
      `Gateway overhead benchmark${options.soak ? ', soak' : ''}${options.quick ? ' (quick)' : ''}; code ${machine.code ?? 'unknown'}`,
    );
    log(
      `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; load average ${machine.loadBefore.toFixed(2)}`,
    );
    const db = await openBenchDatabase();
    cleanup.add('stop database', () => db.stop());
    log(
      `database: ${db.label}; PostgreSQL ${db.settings.server_version}, shared_buffers ${db.settings.shared_buffers}, synchronous_commit ${db.settings.synchronous_commit}, fsync ${db.settings.fsync}`,
    );
    const sim = await startSimulator(tmp);
    sim.name = 'provider simulator';
    const stopSim = cleanup.add('stop provider-sim', () => sim.stop(5_000));
    const config = await writeMultiRouteGatewayConfig(
      tmp,
      Object.values(UPSTREAMS).map((u) => ({
        route: u.route,
        providerId: u.providerId,
        baseUrl: sim.baseUrlFor(u.providerId),
      })),
    );
    log(`provider simulator ${sim.url} (pid ${sim.pid})`);
    log();

    if (options.soak) {
      log(
        `Soak: ${num(options.soakRequests)} requests through one Stilts (keys, budgets, recording), ${options.connections} connections, RSS every ${options.soakIntervalSec} s`,
      );
      const soak = await runSoak({ db, options, cleanup, tmp, config });
      machine.loadAfter = loadAverage();
      machine.steal = steal.stop();
      await cleanup.now(stopSim, () => sim.stop(5_000));
      log(
        `  ${num(soak.requests)} requests in ${seconds(soak.durationSec * 1000)} (${num(soak.rps)} req/s, p99 ${ms(soak.p99Ms)}, non-2xx ${soak.non2xx}, errors ${soak.errors})`,
      );
      log(`  RSS samples: ${soakSampleLine(soak.samples)}`);
      log(
        `  RSS after warm-up ${mebibytes(soak.rssAfterWarmup)}, at the end ${mebibytes(soak.rssEnd)} (${percent(soak.growth)}; trend ${mebibytes(soak.slopeBytesPer100k)} per 100,000 requests); peak ${mebibytes(soak.peakRssBytes)}`,
      );
      log(`  ledger: ${num(soak.ledgerRows)} rows for ${num(soak.answered)} answered requests`);
      const ok = soak.growth <= TARGETS.soakGrowth;
      log(
        `  ${ok ? 'PASS' : 'FAIL'}  RSS does not grow after warm-up (<= ${TARGETS.soakGrowth * 100} %): ${percent(soak.growth)}`,
      );
      if (options.writeDoc) {
        await writeSoakDoc(soakMarkdown(soak, machine, db, options));
        log(`wrote the soak part of the "Gateway overhead" section of ${path.relative(ROOT, DOC)}`);
      }
      log(`total ${seconds(performance.now() - started)}`);
      return ok || options.quick ? 0 : 1;
    }

    // The simulator warms up once; it serves the whole run.
    for (const condition of CONDITIONS) {
      await runLoad({
        ...loadFor('direct', condition, { sim }, options.connections),
        durationSec: options.quick ? 1 : 2,
      });
    }
    const sink = await startOtlpSink();
    cleanup.add('close OTLP sink', () => sink.close());
    const statsClient = new pg.Client({ connectionString: db.url });
    await statsClient.connect();
    cleanup.add('close stats connection', () => statsClient.end());

    log(
      `${options.rounds} round(s); each: fresh floor proxy and Stilts (${Object.keys(VARIANTS).join(', ')}), ${options.warmupSec} s warm-up each, ` +
        `${options.pacedSec} s at a fixed rate per Stilts, ${CONDITIONS.length} x ${SUBJECTS.length} windows of ${options.durationSec} s, ${num(options.ttftRequests)} streamed requests per TTFT run; ${options.connections} connections`,
    );
    const rounds = [];
    let rate = options.rate;
    for (let i = 0; i < options.rounds; i++) {
      log(`  round ${i + 1}`);
      const round = await runRound({
        ...{ db, options, cleanup, tmp, config, sim, sink, statsClient },
        index: i,
        rate,
      });
      rate = round.rate;
      rounds.push(round);
    }
    let profile;
    if (options.cpuProf) {
      log('  profiled Stilts (not in the tables)');
      profile = await runProfiledRound({ db, options, cleanup, tmp, config });
      log(
        `    ${num(profile.requests)} requests profiled; ${path.relative(ROOT, profile.file)}, ${path.relative(ROOT, profile.folded)}`,
      );
    }
    let counts;
    if (options.instructions) {
      const valgrind = await valgrindVersion();
      if (valgrind) {
        log(
          `  instructions per request under callgrind (${valgrind}; ${options.instructionProcesses} process(es) per variant, ${options.instructionWindows} x ${num(options.instructionRequests)} requests each)`,
        );
        counts = await runInstructionCounts({ db, options, cleanup, tmp, config, sink });
      } else {
        log('  instruction counts skipped: valgrind is not installed (apt-get install valgrind)');
      }
    }
    machine.loadAfter = loadAverage();
    machine.steal = steal.stop();
    const summary = summarise(rounds);
    summary.instructions = instructionSummary(counts);
    log();
    const m = matrixTable(summary);
    log('Load matrix (medians of rounds; CPU = the process under test, per completed request)');
    log(textTable(m.columns, m.rows));
    log();
    const p = pacedTable(summary);
    log(`Stilts variants at ${num(summary.rate)} req/s (non-streamed, 0 ms upstream)`);
    log(textTable(p.columns, p.rows));
    log(
      `  CPU per request vs the same round's Stilts: budgets ${summary.budgetsPairs.map((x) => percent(x)).join(', ')}; tracing ${summary.tracingPairs.map((x) => percent(x)).join(', ')}; rounds of one variant differ by up to ${share(summary.noise)}`,
    );
    log();
    if (summary.instructions) {
      const it = instructionTable(summary.instructions);
      log(
        `Instructions per request under callgrind (non-streamed, 0 ms upstream; main thread, net of idle)`,
      );
      log(textTable(it.columns, it.rows));
      log();
    }
    const t = ttftTable(summary);
    log('Streaming time to first token (50 ms upstream, events 2 ms apart)');
    log(textTable(t.columns, t.rows));
    log();
    if (profile) {
      const pt = profileTable(profile);
      log(
        `CPU profile: top self time (main thread; ${num(profile.plain.cpuUsPerRequest)} µs CPU per request under the profiler)`,
      );
      log(textTable(pt.columns, pt.rows));
      log(`  busy main-thread time by area: ${areaShares(profile)}`);
      log();
    }
    const targets = targetsOf(summary, rounds, profile);
    log('Targets');
    for (const x of targets) log(`  ${x.ok ? 'PASS' : 'FAIL'}  ${x.target}: ${x.detail}`);
    log();
    log(describeLoad(machine));
    if (options.writeDoc) {
      const report = markdownReport({ machine, db, options, summary, targets, profile });
      await writeDocSection(DOC, DOC_ID, report);
      log(`wrote the "Gateway overhead" section of ${path.relative(ROOT, DOC)}`);
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
    process.stderr.write(
      `gateway.bench: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
