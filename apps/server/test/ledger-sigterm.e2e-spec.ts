import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { spawnStilts, type StiltsProcess } from './support/spawn-stilts.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './support/test-database.js';

const SCENARIO = {
  providers: Object.fromEntries(
    ['sim-openai', 'sim-anthropic', 'sim-gemini', 'sim-local'].map((id) => [
      id,
      {
        behaviour: {
          latency: { kind: 'fixed', ms: 15 },
          outputTokens: 8,
          interChunkMs: 0,
          errorRate: 0.1,
          errorStatuses: [503],
        },
      },
    ]),
  ),
};

const servers: StiltsProcess[] = [];
let proxy: TcpProxy | undefined;
let home: string | undefined;
const schema = randomSchemaName();
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  proxy?.restore();
  await proxy?.close();
  await dropSchema(testDatabaseUrl(), schema);
  if (home) await rm(home, { recursive: true, force: true });
});

async function count(): Promise<number> {
  const client = new pg.Client({
    connectionString: testDatabaseUrl(),
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM call_records');
    return Number(result.rows[0]?.n);
  } finally {
    await client.end();
  }
}

/** Sends requests from `workers` loops until the server stops answering; sums the attempts. */
async function loadUntilDown(
  url: string,
  apiKey: string,
  workers: number,
): Promise<{ attempts: number; answered: number }> {
  let attempts = 0;
  let answered = 0;
  const body = JSON.stringify({
    model: 'chat-default',
    messages: [{ role: 'user', content: 'hi' }],
  });
  const loop = async (): Promise<void> => {
    for (;;) {
      let response: Response;
      try {
        response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            connection: 'close',
            authorization: `Bearer ${apiKey}`,
          },
          body,
        });
      } catch {
        return; // refused: the server is stopping
      }
      await response.arrayBuffer();
      attempts += Number(response.headers.get('x-stilts-attempts') ?? 0);
      if (response.status !== 503 || response.headers.get('x-stilts-attempts')) answered++;
    }
  };
  await Promise.all(Array.from({ length: workers }, loop));
  return { attempts, answered };
}

describe('SIGTERM under load', () => {
  it('drains the recorder; after a restart, rows plus the replayed journal equal the attempts made', async () => {
    home = await mkdtemp(path.join(tmpdir(), 'stilts-home-'));
    const scenarioPath = path.join(home, 'scenario.json');
    await writeFile(scenarioPath, JSON.stringify(SCENARIO));
    const target = new URL(testDatabaseUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const env = {
      STILTS_SIMULATOR: 'on',
      SIM_SCENARIO: scenarioPath,
      STILTS_HOME: home,
      DATABASE_SCHEMA: schema,
      RECORDER_MAX_BUFFERED: '200',
    };
    const first = await spawnStilts({ ...env, DATABASE_URL: viaProxy.toString() });
    servers.push(first);
    const load = loadUntilDown(first.url, first.apiKey ?? '', 16);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The database goes away, then the process is asked to stop, mid-load.
    proxy.cut();
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.child.kill('SIGTERM');
    const made = await load;
    const code = await first.exited;
    if (code !== 0) console.log(first.lines.slice(-30).join('\n'));
    expect(code).toBe(0);
    expect(made.attempts).toBeGreaterThan(100);

    proxy.restore();
    const before = await count();
    expect(before).toBeLessThan(made.attempts);
    const journal = (await readdir(path.join(home, 'journal'))).filter((f) =>
      f.endsWith('.ndjson'),
    );
    expect(journal.length).toBeGreaterThan(0);

    // A new process on the same STILTS_HOME replays the journal.
    const second = await spawnStilts({ ...env, DATABASE_URL: testDatabaseUrl() });
    servers.push(second);
    const until = Date.now() + 30_000;
    while ((await count()) < made.attempts && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await count()).toBe(made.attempts);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(await count()).toBe(made.attempts);
    expect(
      (await readdir(path.join(home, 'journal'))).filter(
        (f) => f.endsWith('.ndjson') && !f.includes('rejected'),
      ),
    ).toEqual([]);
  }, 120_000);
});
