import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PostgresLedgerWriter } from '../src/modules/calls/postgres-ledger.writer.js';
import { DatabaseService } from '../src/modules/database/database.service.js';
import { startAdminHarness, type AdminHarness } from './support/admin-harness.js';
import { attemptRecord } from './support/attempt-record.factory.js';
import { eventually } from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

let h: AdminHarness;
const HOUR = 3_600_000;
/** A fixed past hour, so the seeded data never mixes with live traffic. */
const T0 = Date.UTC(2026, 10, 20, 10, 0, 0);
const range = (from: number, to: number): string =>
  `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

beforeAll(async () => {
  h = await startAdminHarness({
    scenario: scenarioOf({ bad: { outage: { status: 500 } }, good: {}, off: {} }),
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'priority',
        members: [
          { id: 'bad', priority: 0 },
          { id: 'good', priority: 1 },
          { id: 'off', priority: 2 },
        ],
      }),
  });
  // 60 seeded attempts over two hours: 3 routes x 2 deployments x keys, mixed outcomes.
  const writer = new PostgresLedgerWriter(h.app.get(DatabaseService).pool);
  const records = Array.from({ length: 60 }, (_, i) =>
    attemptRecord({
      requestId: `req-${String(Math.floor(i / 2)).padStart(3, '0')}`,
      attempt: (i % 2) + 1,
      startedAt: T0 + i * 2 * 60_000 + (i % 2) * 1_000,
      route: i % 3 === 0 ? 'r1' : 'r2',
      deploymentId: i % 2 === 0 ? 'd1' : 'd2',
      apiKeyId: i % 4 === 0 ? 'key-1' : null,
      outcome: i % 2 === 0 ? 'server_error' : 'success',
      httpStatus: i % 2 === 0 ? 500 : 200,
      latencyMs: 100 + i * 10,
      ttftMs: i % 5 === 0 ? 50 + i : null,
      inputTokens: 10 + i,
      outputTokens: 20 + i,
      costMicroUsd: 1_000 + i,
      streamed: i % 5 === 0,
    }),
  );
  expect(await writer.write(records)).toBe(60);
  expect(await writer.write(records)).toBe(0); // replays never count twice
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('calls', () => {
  it('pages through a search newest first without duplicates or gaps', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: {
        status: number;
        body: {
          items: { requestId: string; attempt: number; startedAt: string }[];
          nextCursor: string | null;
        };
      } = await h.api.request(
        'GET',
        `/admin/api/calls?${range(T0, T0 + 3 * HOUR)}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => `${i.requestId}/${i.attempt}`));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(9);
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    expect(seen[0]).toBe('req-029/2');
    expect(seen[59]).toBe('req-000/1');
  });

  it('filters by route, deployment, key, outcome and first attempts', async () => {
    const get = async (q: string) =>
      (
        await h.api.request<{
          items: {
            route: string;
            deploymentId: string;
            apiKeyId: string | null;
            outcome: string;
            attempt: number;
          }[];
        }>('GET', `/admin/api/calls?${range(T0, T0 + 3 * HOUR)}&limit=200&${q}`)
      ).body.items;
    expect((await get('route=r1')).every((c) => c.route === 'r1')).toBe(true);
    expect(await get('route=r1')).toHaveLength(20);
    expect(await get('deploymentId=d2')).toHaveLength(30);
    expect((await get('apiKeyId=key-1')).every((c) => c.apiKeyId === 'key-1')).toBe(true);
    expect(await get('apiKeyId=key-1')).toHaveLength(15);
    expect(await get('outcome=server_error,timeout')).toHaveLength(30);
    expect((await get('firstAttemptOnly=true')).every((c) => c.attempt === 1)).toBe(true);
  });

  it('requires a bounded time range and valid filters', async () => {
    const none = await h.api.request('GET', '/admin/api/calls');
    expect(none.status).toBe(400);
    expect((none.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      'from',
      'to',
    ]);
    const tooLong = await h.api.request(
      'GET',
      `/admin/api/calls?${range(T0 - 40 * 24 * HOUR, T0)}`,
    );
    expect(tooLong.status).toBe(400);
    const badOutcome = await h.api.request(
      'GET',
      `/admin/api/calls?${range(T0, T0 + HOUR)}&outcome=weird`,
    );
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body).toMatchObject({ errors: [{ path: 'outcome[0]' }] });
    expect((await h.api.request('GET', '/admin/api/calls/no-such-request')).status).toBe(404);
  });

  it('explains a fallback request: the failed pick, the answer, the excluded member', async () => {
    await h.api.request('POST', '/admin/api/overrides', {
      body: { kind: 'disable_deployment', deploymentId: 'off', reason: 'out of service' },
    });
    const { response } = await h.client.chat.completions
      .create({ model: 'test-route', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-stilts-deployment')).toBe('good');
    const requestId = response.headers.get('x-request-id') as string;
    let detail: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
    await eventually(async () => {
      detail = await h.api.request(
        'GET',
        `/admin/api/calls/${requestId}?around=${new Date().toISOString()}`,
      );
      // The two attempts may reach the ledger in different flushes: wait for both.
      return detail.status === 200 && (detail.body.attempts as unknown[]).length === 2;
    }, 5_000);
    expect(detail.body).toMatchObject({
      requestId,
      route: 'test-route',
      outcome: 'success',
      attempts: [
        { attempt: 1, deploymentId: 'bad', outcome: 'server_error', httpStatus: 500 },
        { attempt: 2, deploymentId: 'good', outcome: 'success' },
      ],
      plan: {
        candidates: [
          { deploymentId: 'bad', weight: 1, probability: 1 },
          { deploymentId: 'good', weight: 1, probability: 1 },
        ],
        excluded: [{ deploymentId: 'off', reason: 'disabled-by-override' }],
      },
      decisions: [
        {
          deploymentId: 'bad',
          decision: 'failed',
          reason: 'server_error (HTTP 500)',
          position: 1,
          attempts: [1],
        },
        { deploymentId: 'good', decision: 'answered', reason: null, position: 2, attempts: [2] },
        {
          deploymentId: 'off',
          decision: 'excluded',
          reason: 'disabled-by-override',
          position: null,
          attempts: [],
        },
      ],
    });
    const [row] = await h.sql<{ plan: unknown; plan2: unknown }>(
      `SELECT (SELECT plan FROM call_records WHERE request_id = $1 AND attempt = 1) AS plan,
              (SELECT plan FROM call_records WHERE request_id = $1 AND attempt = 2) AS plan2`,
      [requestId],
    );
    expect(row?.plan).toEqual({
      c: [
        ['bad', 1, 1],
        ['good', 1, 1],
      ],
      x: [['off', 'disabled-by-override']],
    });
    expect(row?.plan2).toBeNull();
  });
});

describe('metrics', () => {
  interface Point {
    t: string;
    attempts: number;
    requests: number;
    successes: number;
    inputTokens: number;
    outputTokens: number;
    costMicroUsd: number;
    outcomes: Record<string, number>;
    latencyMeanMs: number | null;
    latencyP50Ms: number | null;
  }
  interface Series {
    key: string | null;
    total: Omit<Point, 't'>;
    points: Point[];
  }
  const metrics = async (q: string) =>
    h.api.request<{ series: Series[]; source: string }>(
      'GET',
      `/admin/api/metrics?${range(T0, T0 + 2 * HOUR)}&${q}`,
    );

  it.each(['minute', 'hour', 'day'] as const)(
    'equals what the raw records say, per deployment, at %s resolution',
    async (resolution) => {
      const r = await metrics(`resolution=${resolution}&groupBy=deployment`);
      expect(r.status).toBe(200);
      expect(r.body.source).toBe(
        resolution === 'minute'
          ? 'call_rollups_minute'
          : `call_rollups_${resolution}_by_deployment`,
      );
      const raw = await h.sql<{
        deployment_id: string;
        attempts: string;
        requests: string;
        successes: string;
        input: string;
        output: string;
        cost: string;
        latency: string;
      }>(
        `SELECT deployment_id, count(*) AS attempts, count(*) FILTER (WHERE attempt = 1) AS requests,
                count(*) FILTER (WHERE outcome = 'success') AS successes, sum(input_tokens) AS input,
                sum(output_tokens) AS output, sum(cost_micro_usd) AS cost,
                sum(latency_ms) FILTER (WHERE outcome = 'success') AS latency
           FROM call_records WHERE started_at >= $1 AND started_at < $2
          GROUP BY deployment_id ORDER BY deployment_id`,
        [new Date(T0), new Date(T0 + 2 * HOUR)],
      );
      expect(r.body.series.map((s) => s.key)).toEqual(raw.map((x) => x.deployment_id));
      for (const [i, s] of r.body.series.entries()) {
        const x = raw[i]!;
        expect(s.total).toMatchObject({
          attempts: Number(x.attempts),
          requests: Number(x.requests),
          successes: Number(x.successes),
          inputTokens: Number(x.input),
          outputTokens: Number(x.output),
          costMicroUsd: Number(x.cost),
        });
        const successes = Number(x.successes);
        expect(s.total.latencyMeanMs).toBe(
          successes > 0 ? Math.round((Number(x.latency) / successes) * 10) / 10 : null,
        );
        expect(s.points.reduce((a, p) => a + p.attempts, 0)).toBe(Number(x.attempts));
      }
      const expectedPoints = { minute: 30, hour: 2, day: 1 }[resolution];
      expect(r.body.series[0]?.points).toHaveLength(expectedPoints);
    },
  );

  it('groups by route and key, filters by key, and reports latency quantiles', async () => {
    const byRoute = await metrics('resolution=hour&groupBy=route');
    expect(byRoute.body.series.map((s) => [s.key, s.total.attempts])).toEqual([
      ['r1', 20],
      ['r2', 40],
    ]);
    const byKey = await metrics('resolution=hour&groupBy=apiKey');
    expect(byKey.body.series.map((s) => [s.key, s.total.attempts])).toEqual([
      ['key-1', 15],
      [null, 45],
    ]);
    const oneKey = await metrics('resolution=day&apiKeyId=key-1');
    expect(oneKey.body.series).toHaveLength(1);
    expect(oneKey.body.series[0]?.total.attempts).toBe(15);
    const all = await metrics('resolution=hour');
    const total = all.body.series[0]!.total;
    expect(total.outcomes).toMatchObject({ success: 30, server_error: 30 });
    // Successful latencies are 110, 130, ..., 690 ms: the median is near 400.
    expect(total.latencyP50Ms).toBeGreaterThan(300);
    expect(total.latencyP50Ms).toBeLessThan(500);
  });

  it('rejects too many points per series, and unknown options, with field paths', async () => {
    const tooMany = await h.api.request(
      'GET',
      `/admin/api/metrics?${range(T0, T0 + 3 * 24 * HOUR)}&resolution=minute`,
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ errors: [{ path: 'resolution' }] });
    const bad = await h.api.request(
      'GET',
      `/admin/api/metrics?${range(T0, T0 + HOUR)}&groupBy=team&x=1`,
    );
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual([
      '',
      'groupBy',
    ]);
  });
});
