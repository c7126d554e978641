import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { costMicroUsd, quantileFromBuckets } from '@stilts/routing';
import OpenAI from 'openai';
import {
  eventually,
  startDatabaseGatewayHarness,
  type DatabaseGatewayHarness,
} from './support/database-gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

interface Row {
  request_id: string;
  attempt: number;
  route: string;
  deployment_id: string;
  provider_id: string;
  outcome: string;
  http_status: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  input_tokens: number;
  output_tokens: number;
  cost_micro_usd: string;
  propensity: number;
  streamed: boolean;
}

const PRICE = { inputPrice: 2, outputPrice: 8 }; // USD per million tokens
const price = { inputPerMillion: 2_000_000, outputPerMillion: 8_000_000 };

let h: DatabaseGatewayHarness;
beforeAll(async () => {
  h = await startDatabaseGatewayHarness({
    scenario: scenarioOf({
      good: { outputTokens: 24, chunkTokens: 2 },
      down: { outage: { status: 503 } },
      refuses: { errorRate: 1, errorStatuses: [400] },
      cuts: { outputTokens: 40, chunkTokens: 2, cutRate: 1, cutAfterChunks: 5 },
    }),
    catalog: (sim) => {
      const route = (name: string, ids: string[]) =>
        simCatalog(sim, {
          name,
          strategy: 'priority',
          members: ids.map((id, i) => ({ id, priority: i, ...PRICE })),
        });
      const parts = [
        route('r-success', ['good']),
        route('r-fallback', ['down', 'good']),
        route('r-caller', ['refuses', 'good']),
        route('r-cut', ['cuts']),
      ];
      const unique = <T extends { id: string }>(items: T[]) => [
        ...new Map(items.map((i) => [i.id, i])).values(),
      ];
      return {
        providers: unique(parts.flatMap((p) => p.providers)),
        deployments: unique(parts.flatMap((p) => p.deployments)),
        routes: parts.flatMap((p) => p.routes),
      };
    },
  });
});
afterAll(async () => {
  await h.close();
});

async function rowsOf(requestId: string, expected: number): Promise<Row[]> {
  let rows: Row[] = [];
  await eventually(async () => {
    rows = await h.sql<Row>('SELECT * FROM call_records WHERE request_id = $1 ORDER BY attempt', [
      requestId,
    ]);
    return rows.length >= expected;
  });
  return rows;
}

describe('the call ledger records every attempt', () => {
  it('a success: one row with its tokens, cost and latency', async () => {
    const { data, response } = await h.client.chat.completions
      .create({ model: 'r-success', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    const [row, ...rest] = await rowsOf(response.headers.get('x-request-id') ?? '', 1);
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      attempt: 1,
      route: 'r-success',
      deployment_id: 'good',
      provider_id: 'p-good',
      outcome: 'success',
      http_status: 200,
      input_tokens: data.usage?.prompt_tokens,
      output_tokens: 24,
      streamed: false,
      ttft_ms: null,
      propensity: 1,
    });
    const expectedCost = costMicroUsd(
      { inputTokens: data.usage?.prompt_tokens ?? 0, outputTokens: 24 },
      price,
    );
    expect(Number(row?.cost_micro_usd)).toBe(expectedCost);
    expect(Number(response.headers.get('x-stilts-cost-usd')) * 1e6).toBeCloseTo(expectedCost, 6);
    expect(row?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(row?.latency_ms).toBeLessThan(5_000);
  });

  it('a fallback: the failed attempt and the successful one', async () => {
    const { response } = await h.client.chat.completions
      .create({ model: 'r-fallback', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    const rows = await rowsOf(response.headers.get('x-request-id') ?? '', 2);
    expect(
      rows.map((r) => [
        r.attempt,
        r.deployment_id,
        r.outcome,
        r.http_status,
        Number(r.cost_micro_usd) > 0,
      ]),
    ).toEqual([
      [1, 'down', 'server_error', 503, false],
      [2, 'good', 'success', 200, true],
    ]);
  });

  it("a caller's error: one row, no fallback, no cost", async () => {
    const requestId = `caller-${Date.now()}`;
    await expect(
      h.client.chat.completions.create(
        { model: 'r-caller', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-request-id': requestId } },
      ),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    const rows = await rowsOf(requestId, 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(
      await h.sql('SELECT 1 FROM call_records WHERE request_id = $1', [requestId]),
    ).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outcome: 'caller_error',
      http_status: 400,
      cost_micro_usd: '0',
      output_tokens: 0,
    });
  });

  it('a stream: usage from the final usage chunk, and the time to first token', async () => {
    const { data: stream, response } = await h.client.chat.completions
      .create({
        model: 'r-success',
        stream: true,
        messages: [{ role: 'user', content: 'stream please' }],
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const [row] = await rowsOf(response.headers.get('x-request-id') ?? '', 1);
    expect(row).toMatchObject({ outcome: 'success', streamed: true, output_tokens: 24 });
    expect(row?.ttft_ms).not.toBeNull();
    expect(Number(row?.cost_micro_usd)).toBe(
      costMicroUsd({ inputTokens: row?.input_tokens ?? 0, outputTokens: 24 }, price),
    );
  });

  it('a cut stream: billed for what was delivered, never $0', async () => {
    const { data: stream, response } = await h.client.chat.completions
      .create({
        model: 'r-cut',
        stream: true,
        messages: [{ role: 'user', content: 'stream please' }],
      })
      .withResponse();
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // the stream ends with an error event
        }
      })(),
    ).rejects.toThrow();
    const [row] = await rowsOf(response.headers.get('x-request-id') ?? '', 1);
    expect(row?.outcome).toBe('interrupted');
    expect(row?.output_tokens).toBeGreaterThan(0);
    expect(row?.output_tokens).toBeLessThan(40);
    expect(Number(row?.cost_micro_usd)).toBeGreaterThan(0);
  });

  it('keeps the minute rollups equal to the raw rows', async () => {
    await eventually(() => h.recorder.settled);
    const raw = await h.sql<Record<string, string>>(
      `SELECT date_trunc('minute', started_at) AS minute, route, deployment_id,
              count(*) AS attempts, count(*) FILTER (WHERE outcome = 'success') AS successes,
              count(*) FILTER (WHERE outcome = 'server_error') AS server_errors,
              count(*) FILTER (WHERE outcome = 'caller_error') AS caller_errors,
              count(*) FILTER (WHERE outcome = 'interrupted') AS interrupted,
              count(*) FILTER (WHERE streamed) AS streamed,
              coalesce(sum(latency_ms) FILTER (WHERE outcome = 'success'), 0) AS latency_sum_ms,
              count(ttft_ms) AS ttft_count, coalesce(sum(ttft_ms), 0) AS ttft_sum_ms,
              sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
              sum(cost_micro_usd) AS cost_micro_usd
         FROM call_records GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    const rollups = await h.sql<Record<string, string> & { latency_buckets: number[] }>(
      `SELECT minute, route, deployment_id, attempts, successes, server_errors, caller_errors,
              interrupted, streamed, latency_sum_ms, ttft_count, ttft_sum_ms, input_tokens,
              output_tokens, cost_micro_usd, latency_buckets
         FROM call_rollups_minute ORDER BY 1, 2, 3`,
    );
    expect(raw.length).toBeGreaterThanOrEqual(5);
    const normalise = (r: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(r)
          .filter(([k]) => k !== 'latency_buckets')
          .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
      );
    expect(rollups.map(normalise)).toEqual(raw.map(normalise));
    for (const r of rollups) {
      expect(r.latency_buckets.reduce((a, b) => a + b, 0)).toBe(Number(r.successes));
      if (Number(r.successes) > 0)
        expect(quantileFromBuckets(r.latency_buckets, 0.5)).not.toBeNull();
    }
  });
});
