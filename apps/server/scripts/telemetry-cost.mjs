// What metrics and tracing cost per request (`npm run bench:telemetry`; needs `npm run build`).
//
// Part 1, the observer alone: N simulated requests (one attempt each) through the gateway's
// observer — no-op, metrics, metrics + tracing (always sampled, batched, each batch encoded as
// OTLP/protobuf by the SDK's encoder or by Stilts' and dropped), metrics + tracing sampled at
// 10 % — CPU and wall time per request.
// Part 2, the whole gateway: the app in this process (memory storage), the provider simulator
// and autocannon in child processes, a sink for OTLP in a third; CPU of this process per
// request with the no-op observer, with metrics, and with metrics + tracing, in interleaved
// rounds of fresh apps. The differences are what telemetry costs.
//
// Part 3, everything on: the built server (`dist/main.js` on PostgreSQL — DATABASE_URL, else
// the local test database —, call recording, keys, budgets, weights job) as a child process,
// with and without OTLP export to the sink: CPU of that process per request (from /proc).
//
// Prints the figures; asserts nothing. Options: --requests N (parts 2 and 3, per round, default
// 20000), --rounds R (default 3), --micro N (part 1, default 300000), --parts 123.
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { createApp } from '../dist/app.factory.js';
import { closeGracefully } from '../dist/common/http/graceful-close.js';
import { loadConfig } from '../dist/config/app-config.js';
import { StaticCatalogSource } from '../dist/modules/catalog/catalog.service.js';
import { ResolvedCatalog } from '../dist/modules/catalog/resolved-catalog.js';
import { NOOP_OBSERVER } from '../dist/modules/gateway/gateway-observer.js';
import { AccessLog } from '../dist/modules/telemetry/access-log.js';
import { GatewayMetrics } from '../dist/modules/telemetry/gateway-metrics.js';
import { GatewayTelemetryObserver } from '../dist/modules/telemetry/gateway-telemetry.observer.js';
import { GatewayTracing } from '../dist/modules/telemetry/gateway-tracing.js';
import { HttpTelemetry } from '../dist/modules/telemetry/http-telemetry.js';
import { MetricRegistry } from '../dist/modules/telemetry/metric-registry.js';
import { createOtlpProtoTraceExporter } from '../dist/modules/telemetry/otlp-trace-exporter.js';
import { OtlpTraceProtoSerializer } from '../dist/modules/telemetry/otlp-trace-serializer.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    micro: { type: 'string', default: '300000' },
    parts: { type: 'string', default: '123' },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const MICRO = Number(args.micro);
const PARTS = args.parts;

/** The configurations in a different order each round, so no one always runs first or last. */
function rotated(configs, round) {
  const k = round % configs.length;
  return [...configs.slice(k), ...configs.slice(0, k)];
}

/** Starts `node <args>` and resolves with the first stdout line matching `pattern`. */
async function child(nodeArgs, pattern) {
  const proc = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  for await (const line of lines) {
    const match = pattern.exec(line);
    if (match) return { proc, match };
  }
  throw new Error(`child ${nodeArgs.join(' ')} exited early`);
}

async function stop(proc) {
  if (proc.exitCode !== null) return;
  proc.kill('SIGTERM');
  await once(proc, 'exit');
}

/** An HTTP server that accepts anything (the OTLP collector stand-in), in its own process. */
function startSink() {
  return child(
    [
      '-e',
      `require('http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(200, { 'content-type': 'application/x-protobuf' }); s.end(); }); }).listen(0, '127.0.0.1', function () { console.log('sink ' + this.address().port); });`,
    ],
    /^sink (\d+)$/,
  );
}

// The SDK's own OTLP protobuf serializer (what `@opentelemetry/exporter-trace-otlp-proto` uses).
const require = createRequire(import.meta.url);
const { ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');

/** Stilts' OTLP/protobuf encoder (what production uses), writing the same bytes. */
const stiltsSerializer = new OtlpTraceProtoSerializer((data) =>
  ProtobufTraceSerializer.deserializeResponse(data),
);

/** Serialises every batch to OTLP/protobuf as an exporter does, then drops it. */
const serializingExporter = (serializer) => ({
  export(spans, done) {
    serializer.serializeRequest(spans);
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
});

/**
 * The SDK's batching as configured in production; `sinkPort` sends over HTTP to the sink with
 * the exporter production uses (the SDK's OTLP/HTTP exporter with Stilts' encoder), undefined
 * serialises with `encoder` (`stilts` or `sdk`) and drops (part 1: no network back-pressure in
 * a tight loop).
 */
function tracerProvider(sinkPort, ratio, encoder = 'stilts') {
  const exporter =
    sinkPort === undefined
      ? serializingExporter(encoder === 'sdk' ? ProtobufTraceSerializer : stiltsSerializer)
      : createOtlpProtoTraceExporter({ url: `http://127.0.0.1:${sinkPort}/v1/traces` });
  return new BasicTracerProvider({
    sampler: new ParentBasedSampler({
      root: ratio === 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(ratio),
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 100_000 })],
  });
}

function catalogDefinition(simUrl) {
  return {
    providers: [
      {
        id: 'p-a',
        kind: 'openai',
        baseUrl: `${simUrl}/p-a/v1`,
        apiKeyEnv: null,
        apiKey: 'bench-key',
        headers: {},
        enabled: true,
      },
    ],
    deployments: [
      {
        id: 'a',
        providerId: 'p-a',
        model: 'bench-model',
        price: { inputPerMillion: 1_000_000, outputPerMillion: 2_000_000 },
        timeoutMs: 10_000,
        firstByteTimeoutMs: 10_000,
        enabled: true,
      },
    ],
    routes: [
      {
        name: 'chat',
        description: 'bench',
        strategy: 'static',
        maxAttempts: 3,
        deadlineMs: 30_000,
        objective: {},
        spendCap: null,
        members: [{ deploymentId: 'a', weight: 1, priority: 0 }],
      },
    ],
  };
}

const micros = (usage) => usage.user + usage.system;
const fmt = (n, digits = 2) => n.toFixed(digits);

const BODY = JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'Say hello' }] });

/** Runs autocannon (its own process) for `amount` requests; throws on any error answer. */
async function autocannon(url, amount, withTrace, apiKey) {
  const headerArgs = ['-H', 'content-type=application/json'];
  if (withTrace) {
    headerArgs.push('-H', 'traceparent=00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  }
  if (apiKey) headerArgs.push('-H', `authorization=Bearer ${apiKey}`);
  const args = ['-c', '16', '-a', String(amount), '-m', 'POST', ...headerArgs, '-b', BODY];
  const proc = spawn(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/autocannon/autocannon.js'),
      ...args,
      '--json',
      `${url}/v1/chat/completions`,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  await once(proc, 'exit');
  const report = JSON.parse(out);
  if (report.non2xx > 0 || report.errors > 0) {
    throw new Error(`load had ${report.non2xx} non-2xx and ${report.errors} errors`);
  }
  return report;
}

// ---------------------------------------------------------------- part 1: the observer alone
async function micro() {
  const catalog = new ResolvedCatalog(catalogDefinition('http://127.0.0.1:9'), 1);
  const member = catalog.route('chat').members[0];
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const make = (tracing) => {
    const metrics = new GatewayMetrics(new MetricRegistry());
    const log = new AccessLog('info');
    return new GatewayTelemetryObserver(metrics, new HttpTelemetry(metrics, log), tracing, log);
  };
  const variants = [
    ['no-op observer', () => ({ observer: NOOP_OBSERVER })],
    ['metrics', () => ({ observer: make(undefined) })],
    [
      "metrics + tracing (SDK's OTLP encoder)",
      () => {
        const provider = tracerProvider(undefined, 1, 'sdk');
        return { observer: make(new GatewayTracing(provider.getTracer('bench'))), provider };
      },
    ],
    [
      "metrics + tracing (Stilts' OTLP encoder)",
      () => {
        const provider = tracerProvider(undefined, 1, 'stilts');
        return { observer: make(new GatewayTracing(provider.getTracer('bench'))), provider };
      },
    ],
    [
      'metrics + tracing (10 % of roots sampled)',
      () => {
        const provider = tracerProvider(undefined, 0.1);
        return { observer: make(new GatewayTracing(provider.getTracer('bench'))), provider };
      },
    ],
  ];
  // Half the callers send a sampled traceparent, except to the 10 % variant (roots only).
  const run = async (observer, n, callerContext) => {
    for (let i = 0; i < n; i++) {
      const requestId = `r-${i % 4096}`; // the HTTP hook would forget ids; keep the set bounded
      const request = observer.requestStarted({
        requestId,
        route: 'chat',
        stream: false,
        traceparent: callerContext && i % 2 === 0 ? traceparent : undefined,
        tracestate: undefined,
        receivedAt: performance.now(),
      });
      const attempt = request.attemptStarted(member, 1);
      attempt.ended({
        requestId,
        attempt: 1,
        startedAt: 0,
        route: 'chat',
        deploymentId: 'a',
        providerId: 'p-a',
        apiKeyId: null,
        outcome: 'success',
        httpStatus: 200,
        errorType: null,
        latencyMs: 12,
        ttftMs: null,
        inputTokens: 7,
        outputTokens: 12,
        costMicroUsd: 31,
        propensity: 1,
        snapshotVersion: null,
        streamed: false,
      });
      request.finished({
        status: 200,
        errorCode: null,
        attempts: 1,
        deploymentId: 'a',
        upstreamMs: 0.5,
      });
      // Let the batch processor export as it would between requests.
      if (i % 256 === 255) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const rows = [];
  for (const [name, build] of variants) {
    const { observer, provider } = build();
    const callerContext = !name.includes('10 %');
    await run(observer, Math.min(MICRO, 50_000), callerContext); // warm-up
    await provider?.forceFlush();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(observer, MICRO, callerContext);
    await provider?.forceFlush(); // export (serialisation included) counts
    const wall = performance.now() - t0;
    const cpu = micros(process.cpuUsage(cpu0));
    await provider?.shutdown();
    rows.push([name, (cpu / MICRO) * 1000, (wall / MICRO) * 1e6]);
  }
  const base = rows[0][1];
  console.log(`\nPart 1 — the observer alone, ${MICRO} requests of one attempt each`);
  console.log(
    'variant                                   CPU ns/req   wall ns/req   vs no-op (CPU ns)',
  );
  for (const [name, cpu, wall] of rows) {
    console.log(
      `${name.padEnd(42)}${fmt(cpu, 0).padStart(10)}${fmt(wall, 0).padStart(14)}${fmt(cpu - base, 0).padStart(18)}`,
    );
  }
}

// ------------------------------------------------------------- part 2: the whole gateway
async function gateway(sinkPort, simUrl) {
  const configs = ['no-op observer', 'metrics', 'metrics + tracing', 'metrics + tracing 10 %'];
  const results = new Map(configs.map((c) => [c, []]));
  const load = (url, amount, withTrace) => autocannon(url, amount, withTrace, undefined);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const config of rotated(configs, round)) {
      const provider =
        config === 'metrics + tracing'
          ? tracerProvider(sinkPort, 1)
          : config === 'metrics + tracing 10 %'
            ? tracerProvider(sinkPort, 0.1)
            : undefined;
      // Callers send a sampled traceparent, except to the 10 % configuration (roots sampled).
      const withTrace = config !== 'metrics + tracing 10 %';
      const app = await createApp({
        config: loadConfig({ LOG_LEVEL: 'silent', PORT: '0' }),
        storage: {
          kind: 'memory',
          catalogSource: new StaticCatalogSource(catalogDefinition(simUrl), 'bench'),
          recorder: { record: () => undefined },
        },
        ...(config === 'no-op observer' ? { observer: NOOP_OBSERVER } : {}),
        ...(provider ? { tracing: { tracerProvider: provider } } : {}),
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
      await load(url, Math.min(5_000, REQUESTS), withTrace); // warm-up
      await provider?.forceFlush();
      const cpu0 = process.cpuUsage();
      const report = await load(url, REQUESTS, withTrace);
      await provider?.forceFlush();
      const cpu = micros(process.cpuUsage(cpu0));
      results.get(config).push({ cpuPerReq: cpu / REQUESTS, rps: report.requests.average });
      await closeGracefully(app, 2_000);
      await provider?.shutdown();
      console.log(
        `  round ${round} ${config}: ${fmt(cpu / REQUESTS, 1)} µs CPU/request, ${fmt(report.requests.average, 0)} req/s`,
      );
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const base = median(results.get('no-op observer').map((r) => r.cpuPerReq));
  const metrics = median(results.get('metrics').map((r) => r.cpuPerReq));
  console.log(
    `\nPart 2 — the whole gateway (this process), ${REQUESTS} requests x ${ROUNDS} rounds, medians`,
  );
  console.log('config                      CPU µs/req   vs no-op');
  for (const config of configs) {
    const cpu = median(results.get(config).map((r) => r.cpuPerReq));
    console.log(
      `${config.padEnd(27)}${fmt(cpu, 1).padStart(11)}${`${cpu >= base ? '+' : ''}${fmt(cpu - base, 1)} (${fmt(((cpu - base) / base) * 100, 1)} %)`.padStart(20)}`,
    );
  }
  const traced = median(results.get('metrics + tracing').map((r) => r.cpuPerReq));
  console.log(
    `tracing on top of metrics: +${fmt(traced - metrics, 1)} µs (${fmt(((traced - metrics) / metrics) * 100, 1)} %)`,
  );
}

// --------------------------------------------------------- part 3: everything on, a process
/** User + system CPU of a process so far, in µs (from /proc; Linux, 100 Hz ticks). */
function processCpuMicros(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
}

async function everythingOn(sinkPort, simUrl, dir) {
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const config = path.join(dir, 'stilts.config.json');
  await writeFile(
    config,
    JSON.stringify({
      providers: [{ id: 'p-a', kind: 'openai', baseUrl: `${simUrl}/p-a/v1` }],
      deployments: [
        {
          id: 'a',
          provider: 'p-a',
          model: 'bench-model',
          inputPricePerMillionUsd: '1',
          outputPricePerMillionUsd: '2',
        },
      ],
      routes: [{ name: 'chat', strategy: 'static', deployments: [{ deployment: 'a', weight: 1 }] }],
    }),
  );
  const configs = ['tracing off', 'tracing on', 'tracing on, 10 % sampled'];
  const results = new Map(configs.map((c) => [c, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of rotated(configs, round)) {
      const index = configs.indexOf(name);
      const schema = `bench_telemetry_${process.pid}_${round}_${index}`;
      const home = await mkdtemp(path.join(dir, 'home-'));
      const proc = spawn(process.execPath, [path.join(ROOT, 'apps/server/dist/main.js')], {
        env: {
          PATH: process.env.PATH ?? '',
          PORT: '0',
          LOG_LEVEL: 'info',
          DATABASE_URL: databaseUrl,
          DATABASE_SCHEMA: schema,
          STILTS_HOME: home,
          STILTS_CONFIG: config,
          STILTS_SIMULATOR: 'off',
          ...(name === 'tracing off'
            ? {}
            : { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}` }),
          ...(name === 'tracing on, 10 % sampled'
            ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }
            : {}),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let url;
      const lines = createInterface({ input: proc.stdout });
      for await (const line of lines) {
        const match = /"url":"(http:[^"]+)".*Stilts is listening/.exec(line);
        if (match) {
          url = match[1];
          break;
        }
      }
      proc.stdout.resume();
      try {
        if (!url) throw new Error('the server did not start');
        const credentials = readFileSync(path.join(home, 'credentials'), 'utf8');
        const apiKey = /STILTS_API_KEY=(\S+)/.exec(credentials)?.[1];
        const withTrace = name !== 'tracing on, 10 % sampled';
        await autocannon(url, Math.min(5_000, REQUESTS), withTrace, apiKey); // warm-up
        const cpu0 = processCpuMicros(proc.pid);
        const report = await autocannon(url, REQUESTS, withTrace, apiKey);
        const cpu = processCpuMicros(proc.pid) - cpu0;
        results.get(name).push(cpu / REQUESTS);
        console.log(
          `  round ${round} ${name}: ${fmt(cpu / REQUESTS, 1)} µs CPU/request, ${fmt(report.requests.average, 0)} req/s`,
        );
      } finally {
        await stop(proc);
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const off = median(results.get('tracing off'));
  console.log(
    `\nPart 3 — everything on (dist/main.js, PostgreSQL, recording, keys), ${REQUESTS} requests x ${ROUNDS} rounds, medians`,
  );
  for (const name of configs) {
    const cpu = median(results.get(name));
    const delta = `  +${fmt(cpu - off, 1)} µs (${fmt(((cpu - off) / off) * 100, 1)} %)`;
    console.log(
      `${name.padEnd(28)}${fmt(cpu, 1).padStart(8)} µs CPU/request${name === 'tracing off' ? '' : delta}`,
    );
  }
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'stilts-telemetry-bench-'));
const scenario = path.join(dir, 'scenario.json');
await writeFile(
  scenario,
  JSON.stringify({
    providers: {
      'p-a': {
        behaviour: {
          latency: { kind: 'fixed', ms: 0 },
          interChunkMs: 0,
          outputTokens: 12,
          chunkTokens: 2,
        },
      },
    },
  }),
);
const sink = await startSink();
const sim = await child(
  [
    path.join(ROOT, 'apps/provider-sim/dist/cli.js'),
    '--port',
    '0',
    '--scenario',
    scenario,
    '--log-size',
    '0',
  ],
  /listening on (http:\/\/\S+)/,
);
try {
  console.log(
    `Node ${process.versions.node}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`,
  );
  if (PARTS.includes('1')) await micro();
  if (PARTS.includes('2')) await gateway(Number(sink.match[1]), sim.match[1]);
  if (PARTS.includes('3')) await everythingOn(Number(sink.match[1]), sim.match[1], dir);
} finally {
  await stop(sim.proc);
  await stop(sink.proc);
  await rm(dir, { recursive: true, force: true });
}
