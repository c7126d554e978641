import { afterAll, describe, expect, it } from '@jest/globals';
import { startProviderSim, type ProviderSim } from '@stilts/provider-sim';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnStilts, type StiltsProcess } from './support/spawn-stilts.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './support/test-database.js';

const INTERVAL_MS = 500;
const schema = randomSchemaName();
const servers: StiltsProcess[] = [];
let sim: ProviderSim | undefined;
let dir: string | undefined;

afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await sim?.close();
  await dropSchema(testDatabaseUrl(), schema);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function snapshotsSince(
  id: number,
): Promise<{ id: number; computed_by: string; at: number }[]> {
  const client = new pg.Client({
    connectionString: testDatabaseUrl(),
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    const result = await client.query<{ id: string; computed_by: string; computed_at: Date }>(
      'SELECT id, computed_by, computed_at FROM weight_snapshots WHERE id > $1 ORDER BY id',
      [id],
    );
    return result.rows.map((r) => ({
      id: Number(r.id),
      computed_by: r.computed_by,
      at: r.computed_at.getTime(),
    }));
  } finally {
    await client.end();
  }
}

describe('the weights job across replicas', () => {
  it('runs on one replica only, and another takes over within two intervals when it dies', async () => {
    sim = await startProviderSim({ scenario: { providers: { 'sim-a': {}, 'sim-b': {} } } });
    dir = await mkdtemp(path.join(tmpdir(), 'stilts-'));
    const config = path.join(dir, 'stilts.config.json');
    await writeFile(
      config,
      JSON.stringify({
        providers: ['sim-a', 'sim-b'].map((id) => ({
          id,
          kind: 'openai',
          baseUrl: sim?.baseUrlFor(id, 'openai'),
        })),
        deployments: ['sim-a', 'sim-b'].map((id) => ({
          id,
          provider: id,
          model: 'm',
          inputPricePerMillionUsd: '1',
          outputPricePerMillionUsd: '2',
        })),
        routes: [{ name: 'chat', deployments: [{ deployment: 'sim-a' }, { deployment: 'sim-b' }] }],
      }),
    );
    const env = {
      STILTS_CONFIG: config,
      DATABASE_SCHEMA: schema,
      WEIGHTS_INTERVAL_MS: String(INTERVAL_MS),
    };
    servers.push(
      await spawnStilts({ ...env, REPLICA_ID: 'replica-a', STILTS_HOME: path.join(dir, 'a') }),
    );
    servers.push(
      await spawnStilts({ ...env, REPLICA_ID: 'replica-b', STILTS_HOME: path.join(dir, 'b') }),
    );

    await new Promise((resolve) => setTimeout(resolve, 8 * INTERVAL_MS));
    const during = await snapshotsSince(0);
    expect(during.length).toBeGreaterThanOrEqual(5);
    const leaders = new Set(during.map((s) => s.computed_by));
    expect(leaders.size).toBe(1);
    const leaderName = [...leaders][0];
    const leaderIndex = leaderName === 'replica-a' ? 0 : 1;
    const leader = servers[leaderIndex] as StiltsProcess;
    const survivorName = leaderIndex === 0 ? 'replica-b' : 'replica-a';

    const lastId = Math.max(...during.map((s) => s.id));
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    await leader.exited;
    let takeover: { id: number; computed_by: string; at: number } | undefined;
    while (!takeover && Date.now() - killedAt < 10 * INTERVAL_MS) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      takeover = (await snapshotsSince(lastId)).find((s) => s.computed_by === survivorName);
    }
    expect(takeover).toBeDefined();
    // Two intervals, plus scheduling slack for a loaded 2-core machine.
    expect((takeover?.at ?? Infinity) - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + 500);
    const after = await snapshotsSince(lastId);
    expect(new Set(after.map((s) => s.computed_by))).toEqual(new Set([survivorName]));
  }, 60_000);
});
