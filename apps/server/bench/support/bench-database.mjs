// The PostgreSQL a benchmark writes to: DATABASE_URL when set, otherwise an embedded server
// started the way Stilts starts its own (same binaries, same settings), in a temporary
// STILTS_HOME that is deleted afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { silentDatabaseLogger } from '../../dist/modules/database/database-logger.js';
import { redactUrl } from '../../dist/modules/database/database-names.js';
import { startEmbeddedPostgres } from '../../dist/modules/database/embedded-postgres.js';
import { freePort } from './child-process.mjs';

/** Server settings that decide write throughput, reported next to the figures. */
const SETTINGS = [
  'server_version',
  'shared_buffers',
  'synchronous_commit',
  'fsync',
  'wal_level',
  'max_wal_size',
];

async function describeServer(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [SETTINGS],
    );
    const settings = {};
    for (const name of SETTINGS) {
      const row = rows.find((r) => r.name === name);
      settings[name] = row ? formatSetting(row) : '?';
    }
    return settings;
  } finally {
    await client.end();
  }
}

function formatSetting({ setting, unit }) {
  if (unit === '8kB') return `${(Number(setting) * 8) / 1024} MB`;
  if (unit === 'MB') return `${setting} MB`;
  return unit ? `${setting} ${unit}` : setting;
}

/**
 * Opens the benchmark's database: `{ url, redactedUrl, kind, label, settings, stop() }`.
 * `kind` is 'DATABASE_URL' or 'embedded'; `url` may carry a password: never print it.
 */
export async function openBenchDatabase(env = process.env) {
  if (env.DATABASE_URL) {
    const url = env.DATABASE_URL;
    const settings = await describeServer(url);
    return {
      url,
      redactedUrl: redactUrl(url),
      kind: 'DATABASE_URL',
      label: `DATABASE_URL (${redactUrl(url)})`,
      settings,
      stop: async () => undefined,
    };
  }
  const home = await mkdtemp(path.join(os.tmpdir(), 'stilts-bench-pg-'));
  let server;
  try {
    server = await startEmbeddedPostgres({
      home,
      port: await freePort(),
      logger: silentDatabaseLogger,
      database: 'stilts',
    });
    const settings = await describeServer(server.url);
    return {
      url: server.url,
      redactedUrl: server.redactedUrl,
      kind: 'embedded',
      label: `embedded PostgreSQL (temporary, ${server.redactedUrl})`,
      settings,
      async stop() {
        await server.stop();
        await rm(home, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.stop();
    await rm(home, { recursive: true, force: true });
    throw error;
  }
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database `stilts_bench_<12 hex>` on the server of `url` (same user), for one
 * process under test: its `pg_stat_database` row then counts that process's transactions and
 * nobody else's (other runs, other databases). Returns `{ name, url, drop() }`; `drop()`
 * disconnects whoever is still connected.
 */
export async function createScratchDatabase(url) {
  const name = `stilts_bench_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE DATABASE ${name}`));
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  return {
    name,
    url: scratch.toString(),
    drop: () =>
      withClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)),
  };
}

/**
 * Transactions (committed + rolled back) and rows inserted in database `name` so far, from
 * `pg_stat_database`, read on `client` (connected to another database). A backend publishes its
 * counts when a transaction ends, at most once a second (an idle one within ~10 s), so compare
 * readings taken while the process under test is busy, seconds apart.
 */
export async function databaseActivity(client, name) {
  const { rows } = await client.query(
    `SELECT (xact_commit + xact_rollback)::bigint AS transactions, tup_inserted::bigint AS inserted
       FROM pg_stat_database WHERE datname = $1`,
    [name],
  );
  return {
    transactions: Number(rows[0]?.transactions ?? Number.NaN),
    inserted: Number(rows[0]?.inserted ?? Number.NaN),
  };
}
