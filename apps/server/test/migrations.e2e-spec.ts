import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { migrations } from '@stilts/migrations';
import {
  migrationStatus,
  revertLastMigration,
  runMigrations,
} from '../src/modules/database/data-source.factory.js';
import { silentDatabaseLogger } from '../src/modules/database/database-logger.js';
import type { DatabaseService } from '../src/modules/database/database.service.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

const MIGRATION_NAMES = migrations.map((Migration) => new Migration().name);

const TABLES = [
  'admin_sessions',
  'admin_tokens',
  'api_keys',
  'audit_log',
  'budget_leases',
  'budget_usage',
  'budgets',
  'call_records',
  'call_records_default',
  'call_rollups_day',
  'call_rollups_day_by_deployment',
  'call_rollups_hour',
  'call_rollups_hour_by_deployment',
  'call_rollups_minute',
  'deployments',
  'providers',
  'replica_state',
  'route_deployments',
  'route_overrides',
  'routes',
  'teams',
  'weight_snapshots',
];

let db: TestDatabase;
let database: DatabaseService;

beforeEach(async () => {
  db = await createTestDatabase({ migrate: false });
  database = db.database;
});

afterEach(async () => {
  await db.drop();
});

async function tables(): Promise<string[]> {
  const rows = await database.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
    [db.schema],
  );
  return rows.map((r) => r.table_name);
}

/**
 * Every object in the schema that is not the migrations table or part of it: relations
 * (tables, partitions, indexes, sequences, views), functions, and free-standing types.
 */
async function objectsBesidesMigrationsTable(): Promise<string[]> {
  const rows = await database.query<{ name: string }>(
    `SELECT c.relkind::text || ':' || c.relname AS name
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1
        AND c.oid <> 'migrations'::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_index i
                         WHERE i.indexrelid = c.oid AND i.indrelid = 'migrations'::regclass)
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.objid = c.oid AND d.refobjid = 'migrations'::regclass)
     UNION ALL
     SELECT 'function:' || p.proname
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1
     UNION ALL
     SELECT 'type:' || t.typname
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1
        AND t.typrelid = 0
        AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0)
      ORDER BY 1`,
    [db.schema],
  );
  return rows.map((r) => r.name);
}

async function revertAll(): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    const name = await revertLastMigration(db.dataSource, silentDatabaseLogger);
    if (name === undefined) return reverted;
    reverted.push(name);
  }
}

/** One row in every table; call records in a daily partition, the default one, a detached one. */
async function populate(): Promise<void> {
  await database.query(
    `INSERT INTO providers (id, kind, base_url, api_key_env, headers)
     VALUES ('openai', 'openai', 'https://api.openai.com/v1', 'OPENAI_API_KEY', '{"x-team":"a"}')`,
  );
  await database.query(
    `INSERT INTO deployments (id, provider_id, model, input_price_micro_per_million,
       output_price_micro_per_million, cached_input_price_micro_per_million, timeout_ms,
       first_byte_timeout_ms)
     VALUES ('openai/gpt-4o-mini', 'openai', 'gpt-4o-mini', 150000, 600000, 75000, 60000, 15000)`,
  );
  await database.query(
    `INSERT INTO routes (name, strategy, max_attempts, deadline_ms)
     VALUES ('chat-default', 'adaptive', 3, 120000)`,
  );
  await database.query(
    `INSERT INTO route_deployments (route_name, deployment_id, weight, priority)
     VALUES ('chat-default', 'openai/gpt-4o-mini', 1.0, 0)`,
  );
  // What the partition job does for one day, and a partition a retention job has detached.
  await database.query(
    `CREATE TABLE call_records_p20260115 PARTITION OF call_records
       FOR VALUES FROM ('2026-01-15 00:00:00+00') TO ('2026-01-16 00:00:00+00')`,
  );
  await database.query(
    `CREATE TABLE call_records_p20260114 PARTITION OF call_records
       FOR VALUES FROM ('2026-01-14 00:00:00+00') TO ('2026-01-15 00:00:00+00')`,
  );
  const insertRecord = `INSERT INTO call_records (request_id, attempt, started_at, route,
       deployment_id, provider_id, api_key_id, outcome, http_status, error_type, latency_ms,
       ttft_ms, input_tokens, output_tokens, cost_micro_usd, propensity, snapshot_version,
       streamed)
     VALUES ($1, 1, $2, 'chat-default', 'openai/gpt-4o-mini', 'openai', NULL, 'success', 200,
       NULL, 812, NULL, 120, 40, 42, 0.5, NULL, false)`;
  await database.query(insertRecord, ['req-daily', '2026-01-15T12:00:00Z']);
  await database.query(insertRecord, ['req-default', '2031-03-01T00:00:00Z']);
  await database.query(insertRecord, ['req-detached', '2026-01-14T08:00:00Z']);
  await database.query(`ALTER TABLE call_records DETACH PARTITION call_records_p20260114`);
  await database.query(
    `INSERT INTO call_rollups_minute (minute, route, deployment_id, attempts, successes,
       latency_sum_ms, latency_buckets, ttft_buckets, input_tokens, output_tokens, cost_micro_usd)
     VALUES ('2026-01-15T12:00:00Z', 'chat-default', 'openai/gpt-4o-mini', 1, 1, 812,
       '{0,0,1,0}', '{0,0,0,0}', 120, 40, 42)`,
  );
  await database.query(
    `UPDATE routes SET objective = '{"latencySloMs": 2000}' WHERE name = 'chat-default'`,
  );
  await database.query(
    `INSERT INTO weight_snapshots (route, computed_at, computed_by, weights, lambda, deployments, objective)
     VALUES ('chat-default', now(), 'test', '{"openai/gpt-4o-mini": 1}', 0, '[]', '{}')`,
  );
  await database.query(
    `INSERT INTO route_overrides (kind, route, deployment_id, weight, actor, reason)
     VALUES ('pin_weight', 'chat-default', 'openai/gpt-4o-mini', 0.5, 'admin', 'test')`,
  );
  await database.query(
    `INSERT INTO audit_log (actor, action, target, reason) VALUES ('admin', 'override.create', 'chat-default', 'test')`,
  );
  const [team] = await database.query<{ id: string }>(
    "INSERT INTO teams (name) VALUES ('team-a') RETURNING id",
  );
  await database.query(
    `INSERT INTO api_keys (team_id, name, prefix, hash) VALUES ($1, 'k', 'sk-stilts-abcdef', $2)`,
    [team?.id, 'a'.repeat(64)],
  );
  const [budget] = await database.query<{ id: string }>(
    `INSERT INTO budgets (name, scope, scope_ref, period, amount_micro_usd, action)
     VALUES ('b', 'team', $1, 'day', 1000000, 'block') RETURNING id`,
    [team?.id],
  );
  await database.query(
    `INSERT INTO budget_usage (budget_id, period_start, spent_micro_usd, leased_micro_usd)
     VALUES ($1, '2026-01-15', 10, 20)`,
    [budget?.id],
  );
  await database.query(
    `INSERT INTO budget_leases (budget_id, period_start, replica_id, amount_micro_usd, expires_at)
     VALUES ($1, '2026-01-15', 'r1', 20, now())`,
    [budget?.id],
  );
}

describe('migrations', () => {
  it('apply to an empty schema, in order, recorded in its own migrations table', async () => {
    expect(await tables()).toEqual([]);
    const applied = await runMigrations(db.dataSource, silentDatabaseLogger);
    expect(applied).toEqual(MIGRATION_NAMES);
    expect(await tables()).toEqual([...TABLES, 'migrations'].sort());
    expect(await migrationStatus(db.dataSource)).toEqual(
      MIGRATION_NAMES.map((name) => ({ name, applied: true })),
    );
    // Unqualified names landed in the test schema, not in public.
    const [where] = await database.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'migrations' AND n.nspname = $1`,
      [db.schema],
    );
    expect(where?.schema).toBe(db.schema);
    // A second run finds nothing to do.
    expect(await runMigrations(db.dataSource, silentDatabaseLogger)).toEqual([]);
  });

  it('revert one at a time, newest first, until only the migrations table is left', async () => {
    await runMigrations(db.dataSource, silentDatabaseLogger);
    expect(await objectsBesidesMigrationsTable()).not.toEqual([]);

    expect(await revertAll()).toEqual([...MIGRATION_NAMES].reverse());
    expect(await tables()).toEqual(['migrations']);
    expect(await objectsBesidesMigrationsTable()).toEqual([]);
    expect(await database.query('SELECT * FROM migrations')).toEqual([]);
    expect(await migrationStatus(db.dataSource)).toEqual(
      MIGRATION_NAMES.map((name) => ({ name, applied: false })),
    );

    expect(await runMigrations(db.dataSource, silentDatabaseLogger)).toEqual(MIGRATION_NAMES);
    expect(await tables()).toEqual([...TABLES, 'migrations'].sort());
  });

  it('revert a populated schema completely — rows, daily and detached partitions — and apply again', async () => {
    await runMigrations(db.dataSource, silentDatabaseLogger);
    await populate();
    const placed = await database.query<{ request_id: string; partition: string }>(
      `SELECT request_id, tableoid::regclass::text AS partition FROM call_records ORDER BY 1`,
    );
    expect(placed).toEqual([
      { request_id: 'req-daily', partition: 'call_records_p20260115' },
      { request_id: 'req-default', partition: 'call_records_default' },
    ]);

    await revertAll();
    expect(await tables()).toEqual(['migrations']);
    expect(await objectsBesidesMigrationsTable()).toEqual([]);

    expect(await runMigrations(db.dataSource, silentDatabaseLogger)).toEqual(MIGRATION_NAMES);
    const counts = await database.query<{ n: string }>(
      TABLES.map((t) => `SELECT count(*) AS n FROM ${t}`).join(' UNION ALL '),
    );
    expect(counts.map((c) => Number(c.n))).toEqual(TABLES.map(() => 0));
    await populate();
  });
});

describe('the schema', () => {
  beforeEach(async () => {
    await runMigrations(db.dataSource, silentDatabaseLogger);
    await populate();
  });

  it('makes a replayed attempt a conflict, not a duplicate', async () => {
    const replay = await database.query(
      `INSERT INTO call_records (request_id, attempt, started_at, route, deployment_id,
         provider_id, outcome, latency_ms, input_tokens, output_tokens, cost_micro_usd,
         propensity, streamed)
       VALUES ('req-daily', 1, '2026-01-15T12:00:00Z', 'chat-default', 'openai/gpt-4o-mini',
         'openai', 'success', 812, 120, 40, 42, 0.5, false)
       ON CONFLICT DO NOTHING RETURNING request_id`,
    );
    expect(replay).toEqual([]);
  });

  it('accepts records of deployments that no longer exist (no foreign keys)', async () => {
    await expect(
      database.query(
        `INSERT INTO call_records (request_id, attempt, started_at, route, deployment_id,
           provider_id, outcome, latency_ms, input_tokens, output_tokens, cost_micro_usd,
           propensity, streamed)
         VALUES ('req-gone', 2, now(), 'gone-route', 'gone/model', 'gone', 'timeout', 30000, 0,
           0, 0, 1, true)`,
      ),
    ).resolves.toEqual([]);
  });

  it.each([
    [`UPDATE providers SET kind = 'azure'`, 'providers_kind_check'],
    [`UPDATE providers SET managed_by = 'someone'`, 'providers_managed_by_check'],
    [`UPDATE deployments SET input_price_micro_per_million = -1`, 'deployments_input_price_check'],
    [`UPDATE deployments SET timeout_ms = 0`, 'deployments_timeout_ms_check'],
    [`UPDATE routes SET strategy = 'random'`, 'routes_strategy_check'],
    [`UPDATE routes SET max_attempts = 11`, 'routes_max_attempts_check'],
    [`UPDATE route_deployments SET weight = -0.5`, 'route_deployments_weight_check'],
    [`UPDATE call_records SET outcome = 'great'`, 'call_records_outcome_check'],
    [`UPDATE call_records SET propensity = 1.5`, 'call_records_propensity_check'],
    [`UPDATE call_records SET attempt = 0`, 'call_records_attempt_check'],
    [`DELETE FROM deployments`, 'route_deployments_deployment_id_fkey'],
    [`DELETE FROM providers`, 'deployments_provider_id_fkey'],
  ])('rejects %s (%s)', async (sql, constraint) => {
    await expect(database.query(sql)).rejects.toMatchObject({
      driverError: expect.objectContaining({ constraint }),
    });
  });

  it('cascades renames and route deletions to route_deployments', async () => {
    await database.query(`UPDATE providers SET id = 'openai-eu' WHERE id = 'openai'`);
    await database.query(`UPDATE deployments SET id = 'openai-eu/mini'`);
    await database.query(`UPDATE routes SET name = 'chat'`);
    expect(await database.query(`SELECT route_name, deployment_id FROM route_deployments`)).toEqual(
      [{ route_name: 'chat', deployment_id: 'openai-eu/mini' }],
    );
    expect(await database.query(`SELECT provider_id FROM deployments`)).toEqual([
      { provider_id: 'openai-eu' },
    ]);
    await database.query(`DELETE FROM routes`);
    expect(await database.query(`SELECT * FROM route_deployments`)).toEqual([]);
  });

  it('keeps money as exact bigints', async () => {
    await database.query(
      `UPDATE call_rollups_minute SET cost_micro_usd = cost_micro_usd + 9007199254740993`,
    );
    const [row] = await database.query<{ cost_micro_usd: string }>(
      `SELECT cost_micro_usd FROM call_rollups_minute`,
    );
    expect(row?.cost_micro_usd).toBe('9007199254741035');
  });
});
