import { afterAll, describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { testDatabaseUrl } from './support/test-database.js';

let h: DatabaseGatewayHarness | undefined;
let proxy: TcpProxy | undefined;
afterAll(async () => {
  proxy?.restore();
  await h?.close();
  await proxy?.close();
});

/** Runs `total` requests, `concurrency` at a time; returns the upstream attempts they took. */
async function burst(
  url: string,
  apiKey: string,
  total: number,
  concurrency: number,
): Promise<{ attempts: number; ok: number }> {
  let next = 0;
  let attempts = 0;
  let ok = 0;
  const body = JSON.stringify({ model: 'test-route', messages: [{ role: 'user', content: 'hi' }] });
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body,
      });
      await response.arrayBuffer();
      attempts += Number(response.headers.get('x-stilts-attempts') ?? 0);
      if (response.status === 200) ok++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { attempts, ok };
}

describe('the recorder when Postgres is unreachable', () => {
  it('answers every request during a 5,000-request burst, and after recovery the ledger holds every attempt exactly once', async () => {
    const target = new URL(testDatabaseUrl());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(target);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    h = await startDatabaseGatewayHarness({
      databaseUrl: viaProxy.toString(),
      // A flaky first deployment, so some requests take two attempts.
      scenario: scenarioOf({ flaky: { errorRate: 0.2, errorStatuses: [503] }, steady: {} }),
      catalog: (sim) =>
        simCatalog(sim, {
          strategy: 'priority',
          members: [{ id: 'flaky' }, { id: 'steady', priority: 1 }],
        }),
      env: {
        RECORDER_MAX_BUFFERED: '500',
        RECORDER_BATCH_SIZE: '200',
        BREAKER_CONSECUTIVE_FAILURES: '1000',
      },
    });
    const harness = h;

    proxy.cut();
    const { attempts, ok } = await burst(harness.url, harness.apiKey, 5_000, 25);
    expect(ok).toBe(5_000);
    expect(attempts).toBeGreaterThan(5_000);
    // Memory stayed bounded: the overflow went to the journal on disk.
    expect(harness.recorder.queueDepth).toBeLessThanOrEqual(500);
    expect(harness.recorder.stats.journaled).toBeGreaterThan(0);
    expect(harness.recorder.stats.flushFailures).toBeGreaterThan(0);
    const journalFiles = await readdir(`${harness.home}/journal`);
    expect(journalFiles.some((f) => f.endsWith('.ndjson'))).toBe(true);

    proxy.restore();
    await eventually(async () => {
      const [row] = await harness.sql<{ n: string }>('SELECT count(*) AS n FROM call_records');
      return Number(row?.n) >= attempts;
    }, 60_000);
    await eventually(
      () =>
        harness.recorder.settled &&
        harness.recorder.stats.replayed === harness.recorder.stats.journaled,
      30_000,
    );

    const [counts] = await harness.sql<{ n: string; distinct_keys: string; rolled: string }>(
      `SELECT (SELECT count(*) FROM call_records) AS n,
              (SELECT count(DISTINCT (request_id, attempt)) FROM call_records) AS distinct_keys,
              (SELECT sum(attempts) FROM call_rollups_minute) AS rolled`,
    );
    expect(Number(counts?.n)).toBe(attempts);
    expect(Number(counts?.distinct_keys)).toBe(attempts);
    expect(Number(counts?.rolled)).toBe(attempts);
    expect(harness.recorder.stats.rejected).toBe(0);
    expect(harness.recorder.stats.dropped).toBe(0);
    const left = (await readdir(`${harness.home}/journal`)).filter((f) => !f.includes('.active.'));
    expect(left).toEqual([]);
  }, 180_000);
});
