// The admin metrics benchmark (`npm run bench:admin-metrics`): how fast `GET /admin/api/metrics`
// answers with a month of traffic — 10 million call records' worth — in the database.
//
// Fills a fresh schema with the rollups that 10M attempt records spread over 30 days produce
// (2 routes x 3 deployments x 10 API keys: every minute, hour and day row the ledger writer
// would have upserted), plus a realistic share of raw `call_records` rows (the last day; the
// raw table is never read by this endpoint), then starts Stilts on it and times the endpoint
// over HTTP for 1 h / 24 h / 7 d / 30 d at minute / hour / day resolution, ungrouped and grouped
// by deployment. Prints a table and writes it to the "Admin metrics" section of
// docs/performance.md. Runs on the built packages (`npm run build`). `--help` lists the options.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../dist/app.factory.js';
import { loadConfig } from '../dist/config/app-config.js';
import { ROLLUP_COUNTERS } from '../dist/modules/calls/call-rollup.js';
import { AdminAuthService } from '../dist/modules/admin/auth/admin-auth.service.js';
import { secretResolver } from '../dist/modules/catalog/catalog.types.js';
import { openBenchDatabase } from './support/bench-database.mjs';
import { createCleanup } from './support/cleanup.mjs';
import { writeDocSection } from './support/doc-section.mjs';
import { markdownTable, num, textTable } from './support/format.mjs';
import { describeMachine } from './support/machine.mjs';
import { benchSchemaName, dropSchema } from './support/schema.mjs';
import { median, quantile } from './support/stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOC = path.join(ROOT, 'docs/performance.md');
const TARGET_MS = 300;
const BUCKETS = 33;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const USAGE = `Usage: node apps/server/bench/admin-metrics.bench.mjs [options]   (npm run bench:admin-metrics)

Database: DATABASE_URL when set, else a temporary embedded PostgreSQL.

Options (environment variable in brackets):
  --records <n>   call records the rollups stand for (BENCH_RECORDS; default 10000000)
  --raw <n>       raw call_records rows inserted too (BENCH_RAW; default 1000000)
  --days <n>      days of traffic (BENCH_DAYS; default 30)
  --runs <n>      timed requests per case, after one warm-up (BENCH_RUNS; default 7)
  --quick         smoke run: 300000 records over 3 days, 20000 raw rows, 3 runs; no doc update
  --doc / --no-doc  write docs/performance.md (default: yes, except with --quick)
`;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string' },
    raw: { type: 'string' },
    days: { type: 'string' },
    runs: { type: 'string' },
    quick: { type: 'boolean', default: false },
    doc: { type: 'boolean' },
    'no-doc': { type: 'boolean' },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const pick = (flag, env, full, quick) =>
  Number(flag ?? process.env[env] ?? (args.quick ? quick : full));
const RECORDS = pick(args.records, 'BENCH_RECORDS', 10_000_000, 300_000);
const RAW = pick(args.raw, 'BENCH_RAW', 1_000_000, 20_000);
const DAYS = pick(args.days, 'BENCH_DAYS', 30, 3);
const RUNS = pick(args.runs, 'BENCH_RUNS', 7, 3);
const WRITE_DOC = args['no-doc'] ? false : (args.doc ?? !args.quick);

const ROUTES = [
  {
    route: 'chat-default',
    deployments: ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'gemini/gemini-2.5-flash'],
  },
  {
    route: 'chat-premium',
    deployments: ['openai/gpt-4o', 'anthropic/claude-sonnet-4-5', 'gemini/gemini-2.5-pro'],
  },
];
const KEYS = Array.from({ length: 10 }, (_, i) => `key-${String(i + 1).padStart(2, '0')}`);

function log(line) {
  process.stderr.write(`${line}\n`);
}

/** Histogram literal SQL: `n` counts in bucket `b` (1-based expression), zeros elsewhere. */
function oneBucket(count, bucket) {
  return `array_fill(0, ARRAY[${bucket} - 1]) || ARRAY[${count}]::integer[] || array_fill(0, ARRAY[${BUCKETS} - ${bucket}])`;
}

const sumBuckets = (c) =>
  `ARRAY[${Array.from({ length: BUCKETS }, (_, i) => `sum(${c}[${i + 1}])`).join(', ')}]::integer[]`;

async function fill(client, endMs) {
  const combos = ROUTES.flatMap((r) =>
    r.deployments.flatMap((d) => KEYS.map((k) => `('${r.route}', '${d}', '${k}')`)),
  );
  const startMs = endMs - DAYS * DAY;
  const minutes = DAYS * 24 * 60;
  const perRow = RECORDS / (minutes * combos.length);
  log(
    `filling rollups: ${num(minutes)} minutes x ${combos.length} (route, deployment, key) series, ~${perRow.toFixed(2)} attempts per row`,
  );
  let t = performance.now();
  // One day per statement keeps each transaction modest.
  for (let day = 0; day < DAYS; day++) {
    const from = new Date(startMs + day * DAY).toISOString();
    await client.query(
      `INSERT INTO call_rollups_minute (minute, route, deployment_id, api_key_id, attempts,
         first_attempts, successes, server_errors, rate_limited, timeouts, streamed,
         latency_sum_ms, latency_buckets, ttft_count, ttft_sum_ms, ttft_buckets, input_tokens,
         output_tokens, cost_micro_usd)
       SELECT m, c.route, c.dep, c.key, a, f, s, e, 0, a - s - e, st, s * lat, ${oneBucket('s', 'lb')},
              st, st * lat / 3, ${oneBucket('st', 'lb - 2')}, a * 400, s * 250, s * 900
         FROM generate_series($1::timestamptz, $1::timestamptz + interval '1 day' - interval '1 minute',
                              interval '1 minute') AS m
        CROSS JOIN (VALUES ${combos.join(', ')}) AS c(route, dep, key)
        CROSS JOIN LATERAL (SELECT 1 + floor(random() * ${2 * perRow - 1})::int AS a,
                                   200 + floor(random() * 1800)::int AS lat) AS r1
        CROSS JOIN LATERAL (SELECT greatest(1, a - (random() < 0.1)::int) AS f,
                                   a - (random() < 0.05)::int AS s,
                                   LEAST(a - (a - (random() < 0.05)::int), (random() < 0.03)::int) AS e,
                                   (random() < 0.5)::int * a AS st,
                                   CASE WHEN lat < 300 THEN 15 WHEN lat < 500 THEN 16
                                        WHEN lat < 700 THEN 17 WHEN lat < 1000 THEN 18
                                        WHEN lat < 1500 THEN 19 ELSE 20 END AS lb) AS r2`,
      [from],
    );
    if ((day + 1) % 5 === 0 || day === DAYS - 1) log(`  day ${day + 1}/${DAYS}`);
  }
  log(`  minute rollups in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  for (const [table, time] of [
    ['call_rollups_hour', 'hour'],
    ['call_rollups_day', 'day'],
  ]) {
    t = performance.now();
    await client.query(`
      INSERT INTO ${table} (${time}, route, deployment_id, api_key_id, ${ROLLUP_COUNTERS.join(', ')},
                            latency_buckets, ttft_buckets)
      SELECT date_trunc('${time}', minute, 'UTC'), route, deployment_id, api_key_id,
             ${ROLLUP_COUNTERS.map((c) => `sum(${c})`).join(', ')},
             ${sumBuckets('latency_buckets')}, ${sumBuckets('ttft_buckets')}
        FROM call_rollups_minute GROUP BY 1, 2, 3, 4`);
    log(`  ${table} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  // The rollups over all keys, one row per (bucket, route, deployment), as the writer keeps them.
  for (const [table, source, time] of [
    ['call_rollups_hour_by_deployment', 'call_rollups_hour', 'hour'],
    ['call_rollups_day_by_deployment', 'call_rollups_day', 'day'],
  ]) {
    t = performance.now();
    await client.query(`
      INSERT INTO ${table} (${time}, route, deployment_id, ${ROLLUP_COUNTERS.join(', ')},
                            latency_buckets, ttft_buckets)
      SELECT ${time}, route, deployment_id, ${ROLLUP_COUNTERS.map((c) => `sum(${c})`).join(', ')},
             ${sumBuckets('latency_buckets')}, ${sumBuckets('ttft_buckets')}
        FROM ${source} GROUP BY 1, 2, 3`);
    log(`  ${table} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  t = performance.now();
  await client.query(
    `
    INSERT INTO call_records (request_id, attempt, started_at, route, deployment_id, provider_id,
      api_key_id, outcome, http_status, error_type, latency_ms, ttft_ms, input_tokens,
      output_tokens, cost_micro_usd, propensity, snapshot_version, streamed, plan)
    SELECT 'bench-' || i, 1, to_timestamp($1 / 1000.0) - (i % 86000) * interval '1 second',
           'chat-default', 'openai/gpt-4o-mini', 'openai', 'key-' || lpad((1 + i % 10)::text, 2, '0'),
           'success', 200, NULL, 300 + i % 700, NULL, 400, 250, 900, 0.5, NULL, false,
           '{"c":[["openai/gpt-4o-mini",0.5,0.5]],"x":[]}'::jsonb
      FROM generate_series(1, $2::int) AS i`,
    [endMs, RAW],
  );
  log(`  ${num(RAW)} raw call records in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  await client.query('ANALYZE');
  const counts = await client.query(`SELECT
      (SELECT sum(attempts) FROM call_rollups_minute) AS attempts,
      (SELECT count(*) FROM call_rollups_minute) AS minute_rows,
      (SELECT count(*) FROM call_rollups_hour) AS hour_rows,
      (SELECT count(*) FROM call_rollups_day) AS day_rows,
      (SELECT count(*) FROM call_rollups_hour_by_deployment) AS hour_all_keys_rows,
      (SELECT count(*) FROM call_rollups_day_by_deployment) AS day_all_keys_rows,
      (SELECT count(*) FROM call_records) AS raw_rows`);
  return Object.fromEntries(Object.entries(counts.rows[0]).map(([k, v]) => [k, Number(v)]));
}

const cleanup = createCleanup(log);
cleanup.installSignalHandlers?.();
const db = await openBenchDatabase();
cleanup.add('database', () => db.stop());
const schema = benchSchemaName();
cleanup.add('schema', () => dropSchema(db.url, schema));
log(`database: ${db.label}; schema ${schema}`);
try {
  const home = await mkdtemp(path.join(os.tmpdir(), 'stilts-bench-home-'));
  cleanup.add('home', () => rm(home, { recursive: true, force: true }));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORT: '0',
    DATABASE_SCHEMA: schema,
    STILTS_HOME: home,
    WEIGHTS_INTERVAL_MS: '3600000',
    REPLICA_ID: 'bench',
  });
  const app = await createApp({
    config,
    storage: { kind: 'database', url: db.url, catalogSeed: undefined, secrets: secretResolver({}) },
  });
  cleanup.add('app', () => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  const token = await app.get(AdminAuthService).ensureInitialAdminToken();
  const client = new pg.Client({ connectionString: db.url, options: `-c search_path=${schema}` });
  await client.connect();
  cleanup.add('client', () => client.end());
  const endMs = Math.floor(Date.now() / HOUR) * HOUR;
  const filled = await fill(client, endMs);
  log(
    `filled: ${num(filled.attempts)} attempts in rollups (${num(filled.minute_rows)} minute, ${num(filled.hour_rows)} hour, ${num(filled.day_rows)} day rows), ${num(filled.raw_rows)} raw records`,
  );

  const ranges = [
    ['1 h', HOUR],
    ['6 h', 6 * HOUR],
    ['24 h', DAY],
    ['7 d', 7 * DAY],
    ['30 d', 30 * DAY],
  ].filter(([, ms]) => ms <= DAYS * DAY);
  const rows = [];
  for (const groupBy of ['none', 'deployment']) {
    for (const [label, span] of ranges) {
      for (const resolution of ['minute', 'hour', 'day']) {
        const q = new URLSearchParams({
          from: new Date(endMs - span).toISOString(),
          to: new Date(endMs).toISOString(),
          resolution,
          groupBy,
        });
        const times = [];
        let status = 0;
        let points = 0;
        for (let i = 0; i <= RUNS; i++) {
          const t0 = performance.now();
          const response = await fetch(`${url}/admin/api/metrics?${q}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          const body = await response.json();
          const ms = performance.now() - t0;
          status = response.status;
          if (status === 200) points = body.series.reduce((a, s) => a + s.points.length, 0);
          if (i > 0) times.push(ms);
          if (status !== 200) break;
        }
        rows.push(
          status === 200
            ? [
                groupBy,
                label,
                resolution,
                num(points),
                median(times).toFixed(1),
                quantile(times, 1).toFixed(1),
                median(times) < TARGET_MS ? 'yes' : 'NO',
              ]
            : [groupBy, label, resolution, '-', `${status}: too many points`, '', 'n/a'],
        );
        log(`  ${groupBy} ${label} ${resolution}: ${rows[rows.length - 1].slice(3).join(' ')}`);
      }
    }
  }
  const columns = [
    { header: 'groupBy', align: 'left' },
    { header: 'range', align: 'left' },
    { header: 'resolution', align: 'left' },
    { header: 'points', align: 'right' },
    { header: 'median ms', align: 'right' },
    { header: 'max ms', align: 'right' },
    { header: `< ${TARGET_MS} ms`, align: 'left' },
  ];
  const machine = describeMachine();
  const setup = `${num(filled.attempts)} call records' worth of rollups over ${DAYS} days (2 routes x 3 deployments x 10 API keys: ${num(filled.minute_rows)} minute, ${num(filled.hour_rows)} hour and ${num(filled.day_rows)} day rows, and ${num(filled.hour_all_keys_rows)} hour and ${num(filled.day_all_keys_rows)} day rows over all keys, generated in SQL as the ledger writer would have upserted them) plus ${num(filled.raw_rows)} raw call records (the last day; the endpoint never reads them). Median and max of ${RUNS} requests over HTTP after one warm-up, token auth included.`;
  process.stdout.write(`\n${setup}\n\n${textTable(columns, rows)}\n`);
  if (WRITE_DOC) {
    await writeDocSection(
      DOC,
      'admin-metrics',
      `## Admin metrics\n\n\`npm run bench:admin-metrics\` (${machine.date}, ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${db.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL from DATABASE_URL'} ${db.settings.server_version}).\n\n${setup} Target: under ${TARGET_MS} ms. Minute resolution is refused past 360 points per series (6 h): a longer range needs hour or day resolution, which read the hourly and daily rollups (over all keys unless the query splits or filters by key).\n\n${markdownTable(columns, rows)}`,
    );
    log(`wrote ${path.relative(ROOT, DOC)}`);
  }
} finally {
  await cleanup.run();
}
