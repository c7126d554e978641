import { afterEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { advisoryLockKey } from '../src/modules/database/database-names.js';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './support/test-database.js';

interface ReadyBody {
  status: string;
  checks: Record<string, { ok: boolean; detail: string }>;
}

async function ready(url: string): Promise<{ status: number; body: ReadyBody }> {
  const response = await fetch(`${url}/health/ready`);
  return { status: response.status, body: (await response.json()) as ReadyBody };
}

async function live(url: string): Promise<number> {
  return (await fetch(`${url}/health/live`)).status;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('health without a database (memory mode)', () => {
  it('is live and ready once the catalog is loaded', async () => {
    const h: GatewayHarness = await startGatewayHarness({
      scenario: scenarioOf({ a: {} }),
      catalog: (sim) => simCatalog(sim, { members: [{ id: 'a' }] }),
    });
    cleanups.push(() => h.close());
    expect(await live(h.url)).toBe(200);
    const { status, body } = await ready(h.url);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      checks: { catalog: { ok: true, detail: '1 routes' } },
    });
  });
});

describe('health with a database', () => {
  async function startBehindProxy(
    options: {
      strategy?: 'adaptive' | 'static';
      schema?: string;
      env?: Record<string, string>;
    } = {},
  ): Promise<{ h: DatabaseGatewayHarness; proxy: TcpProxy }> {
    const target = new URL(testDatabaseUrl());
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanups.push(() => proxy.close());
    const url = new URL(testDatabaseUrl());
    url.port = String(proxy.port);
    const h = await startDatabaseGatewayHarness({
      scenario: scenarioOf({ a: {} }),
      catalog: (sim) =>
        simCatalog(sim, { strategy: options.strategy ?? 'static', members: [{ id: 'a' }] }),
      databaseUrl: url.toString(),
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.env ? { env: options.env } : {}),
    });
    cleanups.push(() => h.close());
    return { h, proxy };
  }

  it('turns not ready while the database is unreachable, and ready again after', async () => {
    const { h, proxy } = await startBehindProxy();
    let probe = await ready(h.url);
    expect(probe.status).toBe(200);
    expect(probe.body.status).toBe('ready');
    expect(probe.body.checks.database).toEqual({ ok: true, detail: 'answers' });
    expect(probe.body.checks.migrations).toEqual({ ok: true, detail: 'all applied' });

    proxy.cut();
    await eventually(async () => (await ready(h.url)).status === 503, 8_000);
    probe = await ready(h.url);
    expect(probe.body.status).toBe('not_ready');
    expect(probe.body.checks.database?.ok).toBe(false);
    expect(probe.body.checks.migrations).toEqual({ ok: false, detail: 'database unavailable' });
    expect(probe.body.checks.catalog?.ok).toBe(true);
    // The process itself is fine.
    expect(await live(h.url)).toBe(200);

    proxy.restore();
    await eventually(async () => (await ready(h.url)).status === 200, 10_000);
  });

  it('is not ready while a migration is pending', async () => {
    const { h } = await startBehindProxy();
    const [last] = await h.sql<{ id: number; timestamp: string; name: string }>(
      'DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING id, timestamp, name',
    );
    expect(last).toBeDefined();
    const probe = await ready(h.url);
    expect(probe.status).toBe(503);
    expect(probe.body.checks.database?.ok).toBe(true);
    expect(probe.body.checks.migrations).toEqual({ ok: false, detail: `pending: ${last?.name}` });
    await h.sql('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
      last?.id,
      last?.timestamp,
      last?.name,
    ]);
    await eventually(async () => (await ready(h.url)).status === 200, 5_000);
  });

  it('waits for the first weight snapshot of an adaptive route', async () => {
    // Another session holds the weights job's lease, so this replica computes no snapshot.
    const schema = randomSchemaName();
    cleanups.push(() => dropSchema(testDatabaseUrl(), schema));
    const holder = new pg.Client({ connectionString: testDatabaseUrl() });
    await holder.connect();
    cleanups.push(() => holder.end());
    const key = advisoryLockKey(schema, 'weights_leader').toString();
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [key]);

    const { h } = await startBehindProxy({
      strategy: 'adaptive',
      schema,
      env: { WEIGHTS_INTERVAL_MS: '200' },
    });
    const probe = await ready(h.url);
    expect(probe.status).toBe(503);
    expect(probe.body.checks.weights).toEqual({
      ok: false,
      detail: 'no weight snapshot yet for test-route',
    });
    expect(probe.body.checks.database?.ok).toBe(true);

    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [key]);
    await eventually(async () => (await ready(h.url)).status === 200, 10_000);
    expect((await ready(h.url)).body.checks.weights?.ok).toBe(true);
  });
});
