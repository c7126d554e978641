import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startProviderSim, type ProviderSim } from '@stilts/provider-sim';
import { costMicroUsd } from '@stilts/routing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { channelName } from '../src/modules/database/database-names.js';
import { spawnStilts, type StiltsProcess } from './support/spawn-stilts.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './support/test-database.js';

const PRICE = { inputPerMillion: 1_000_000, outputPerMillion: 10_000_000 };
let sim: ProviderSim;
let dir: string;
let config: string;
const started: StiltsProcess[] = [];
const schemas: string[] = [];

beforeAll(async () => {
  sim = await startProviderSim({
    scenario: {
      providers: {
        'sim-a': { behaviour: { outputTokens: 20, latency: { kind: 'fixed', ms: 20 } } },
      },
    },
  });
  dir = await mkdtemp(path.join(tmpdir(), 'stilts-budget-'));
  config = path.join(dir, 'stilts.config.json');
  await writeFile(
    config,
    JSON.stringify({
      providers: [{ id: 'sim-a', kind: 'openai', baseUrl: sim.baseUrlFor('sim-a', 'openai') }],
      deployments: [
        {
          id: 'sim-a',
          provider: 'sim-a',
          model: 'm',
          inputPricePerMillionUsd: '1',
          outputPricePerMillionUsd: '10',
        },
      ],
      routes: [{ name: 'chat', strategy: 'static', deployments: [{ deployment: 'sim-a' }] }],
    }),
  );
});
afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }
});
afterAll(async () => {
  await sim.close();
  for (const schema of schemas) await dropSchema(testDatabaseUrl(), schema);
  await rm(dir, { recursive: true, force: true });
});

async function sql<T extends pg.QueryResultRow>(
  schema: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({
    connectionString: testDatabaseUrl(),
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

async function replicas(
  n: number,
  env: Record<string, string> = {},
): Promise<{ servers: StiltsProcess[]; schema: string }> {
  const schema = randomSchemaName();
  schemas.push(schema);
  const servers: StiltsProcess[] = [];
  for (let i = 0; i < n; i++) {
    const server = await spawnStilts({
      STILTS_CONFIG: config,
      DATABASE_SCHEMA: schema,
      REPLICA_ID: `replica-${i}`,
      LOG_LEVEL: 'info',
      ...env,
    });
    servers.push(server);
    started.push(server);
  }
  return { servers, schema };
}

async function addBudget(
  schema: string,
  scope: string,
  scopeRef: string | null,
  amount: number,
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    schema,
    `INSERT INTO budgets (name, scope, scope_ref, period, amount_micro_usd, action)
     VALUES ('shared', $1, $2, 'day', $3, 'block') RETURNING id`,
    [scope, scopeRef, amount],
  );
  await sql(schema, 'SELECT pg_notify($1, $2)', [channelName(schema, 'budgets'), '']);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return (row as { id: string }).id;
}

async function ask(
  server: StiltsProcess,
  apiKey: string,
): Promise<{ status: number; code: string | null; cost: number }> {
  const response = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({
      model: 'chat',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'Say something.' }],
    }),
  });
  const body = (await response.json()) as {
    error?: { code: string };
    usage?: { prompt_tokens: number; completion_tokens: number };
  };
  const cost = body.usage
    ? costMicroUsd(
        { inputTokens: body.usage.prompt_tokens, outputTokens: body.usage.completion_tokens },
        PRICE,
      )
    : 0;
  return { status: response.status, code: body.error?.code ?? null, cost };
}

async function books(
  schema: string,
): Promise<{ spent: number; leased: number; leases: number; ledger: number }> {
  const [row] = await sql<{ spent: string; leased: string; leases: string; ledger: string }>(
    schema,
    `SELECT coalesce((SELECT sum(spent_micro_usd) FROM budget_usage), 0) AS spent,
            coalesce((SELECT sum(leased_micro_usd) FROM budget_usage), 0) AS leased,
            coalesce((SELECT sum(amount_micro_usd) FROM budget_leases), 0) AS leases,
            coalesce((SELECT sum(cost_micro_usd) FROM call_records), 0) AS ledger`,
  );
  return {
    spent: Number(row?.spent),
    leased: Number(row?.leased),
    leases: Number(row?.leases),
    ledger: Number(row?.ledger),
  };
}

describe('budgets across replicas', () => {
  it('three server processes sharing a team budget stay within it under 500 concurrent requests', async () => {
    const { servers, schema } = await replicas(3);
    const apiKey = servers[0]?.apiKey as string;
    const [team] = await sql<{ id: string }>(schema, "SELECT id FROM teams WHERE name = 'default'");
    const perCall = (await ask(servers[0] as StiltsProcess, apiKey)).cost;
    expect(perCall).toBeGreaterThan(0);
    const cap = perCall * 60;
    await addBudget(schema, 'team', (team as { id: string }).id, cap);

    const results = await Promise.all(
      Array.from({ length: 500 }, (_, i) => ask(servers[i % 3] as StiltsProcess, apiKey)),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 429 && r.code === 'budget_exceeded');
    expect(ok.length + refused.length).toBe(500);
    expect(ok.length).toBeGreaterThan(10);
    expect(refused.length).toBeGreaterThan(300);

    await new Promise((resolve) => setTimeout(resolve, 1_000)); // recorders flush
    const b = await books(schema);
    const spentUnderBudget = b.ledger - perCall; // the probe ran before the budget existed
    expect(spentUnderBudget).toBeLessThanOrEqual(cap + perCall);
    expect(b.spent).toBe(spentUnderBudget);
    expect(b.leased).toBe(b.leases);
    expect(b.spent + b.leased).toBeLessThanOrEqual(cap + perCall);
  }, 90_000);

  it("takes back a killed replica's leases after they expire, losing and doubling no spend", async () => {
    const env = { BUDGET_LEASE_TTL_SECONDS: '2', BUDGET_MAINTENANCE_INTERVAL_MS: '300' };
    const { servers, schema } = await replicas(1, env);
    const first = servers[0] as StiltsProcess;
    const apiKey = first.apiKey as string;
    await addBudget(schema, 'global', null, 10_000_000);
    for (let i = 0; i < 10; i++) expect((await ask(first, apiKey)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 800)); // records (and their charges) written
    const before = await books(schema);
    expect(before.leased).toBeGreaterThan(0);
    expect(before.spent).toBe(before.ledger);

    first.child.kill('SIGKILL');
    await first.exited;
    // Another replica starts; its maintenance sweeps the dead one's leases once they expire.
    const {
      servers: [second],
    } = {
      servers: [await spawnStilts({ STILTS_CONFIG: config, DATABASE_SCHEMA: schema, ...env })],
    };
    started.push(second);
    const until = Date.now() + 10_000;
    let after = await books(schema);
    while (after.leases > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      after = await books(schema);
    }
    expect(after.leases).toBe(0);
    expect(after.leased).toBe(0);
    expect(after.spent).toBe(before.spent);
    expect(after.spent).toBe(after.ledger);
    // And the budget is whole again for new traffic.
    expect((await ask(second, apiKey)).status).toBe(200);
  }, 60_000);
});
