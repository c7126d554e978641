import { afterEach, describe, expect, it } from '@jest/globals';
import type { Behaviour } from '@stilts/provider-sim';
import { HttpTelemetry } from '../src/modules/telemetry/http-telemetry.js';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scrape, type Scrape } from './support/metrics-scrape.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const messages = [{ role: 'user' as const, content: 'Say hello' }];
const ROUTE = 'test-route';

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A priority route: `first` is always tried first, then `second`. */
async function firstThenSecond(first: Behaviour, second: Behaviour = {}): Promise<GatewayHarness> {
  harness = await startGatewayHarness({
    scenario: scenarioOf({
      first: { inputTokens: 7, ...first },
      second: { inputTokens: 7, ...second },
    }),
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'priority',
        members: [
          { id: 'first', priority: 0 },
          { id: 'second', priority: 1 },
        ],
      }),
  });
  return harness;
}

function post(
  h: GatewayHarness,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

function requests(
  s: Scrape,
  route: string,
  deployment: string,
  outcome: string,
  status: string,
): number {
  return s.value('stilts_requests_total', { route, deployment, outcome, status });
}

function attempts(s: Scrape, deployment: string, outcome: string): number {
  return s.value('stilts_attempts_total', { route: ROUTE, deployment, outcome });
}

describe('request and attempt counters', () => {
  it('count one success with its tokens, cost and latencies', async () => {
    const h = await firstThenSecond({});
    const before = await scrape(h.url);
    expect(requests(before, ROUTE, 'first', 'success', '200')).toBe(0);

    await h.client.chat.completions.create({ model: ROUTE, messages });
    const after = await scrape(h.url);

    expect(requests(after, ROUTE, 'first', 'success', '200')).toBe(1);
    expect(after.sum('stilts_requests_total')).toBe(1);
    expect(attempts(after, 'first', 'success')).toBe(1);
    expect(after.sum('stilts_attempts_total')).toBe(1);
    const [record] = h.recorder.records;
    expect(record).toBeDefined();
    const labels = { route: ROUTE, deployment: 'first' };
    expect(after.value('stilts_tokens_total', { ...labels, type: 'input' })).toBe(7);
    expect(after.value('stilts_tokens_total', { ...labels, type: 'output' })).toBe(12);
    expect(record?.inputTokens).toBe(7);
    // $1 and $2 per million tokens: 7 + 24 micro-USD.
    expect(record?.costMicroUsd).toBe(31);
    expect(after.value('stilts_cost_usd_total', labels)).toBeCloseTo(0.000031, 12);
    expect(after.value('stilts_attempt_duration_seconds_count', labels)).toBe(1);
    expect(after.value('stilts_attempt_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(
      1,
    );
    expect(
      after.value('stilts_request_duration_seconds_count', { route: ROUTE, stream: 'false' }),
    ).toBe(1);
    expect(after.value('stilts_requests_in_flight')).toBe(0);
  });

  it('count a fallback as one failed and one successful attempt, answered by the second', async () => {
    const h = await firstThenSecond({ outage: { status: 503 } });
    await h.client.chat.completions.create({ model: ROUTE, messages });
    const s = await scrape(h.url);

    expect(attempts(s, 'first', 'server_error')).toBe(1);
    expect(attempts(s, 'first', 'success')).toBe(0);
    expect(attempts(s, 'second', 'success')).toBe(1);
    expect(s.sum('stilts_attempts_total')).toBe(2);
    expect(requests(s, ROUTE, 'second', 'success', '200')).toBe(1);
    expect(s.sum('stilts_requests_total')).toBe(1);
    // Latency histograms count successful attempts only.
    expect(
      s.value('stilts_attempt_duration_seconds_count', { route: ROUTE, deployment: 'first' }),
    ).toBe(0);
  });

  it("count an upstream's rejection of the request as a caller error, not failed over", async () => {
    const h = await firstThenSecond({ outage: { status: 400 } });
    const response = await post(h, JSON.stringify({ model: ROUTE, messages }));
    expect(response.status).toBe(400);
    const s = await scrape(h.url);

    expect(attempts(s, 'first', 'caller_error')).toBe(1);
    expect(attempts(s, 'second', 'success')).toBe(0);
    expect(requests(s, ROUTE, '', 'caller_error', '400')).toBe(1);
    expect(s.sum('stilts_requests_total')).toBe(1);
  });

  it('count every deployment failing as unavailable', async () => {
    const h = await firstThenSecond({ outage: { status: 503 } }, { outage: { status: 500 } });
    const response = await post(h, JSON.stringify({ model: ROUTE, messages }));
    expect(response.status).toBe(503);
    const s = await scrape(h.url);
    expect(requests(s, ROUTE, '', 'unavailable', '503')).toBe(1);
    // Three attempts (the route's maximum): first, second, first again — as in the ledger.
    const ledger = (id: string): number =>
      h.recorder.records.filter((r) => r.deploymentId === id && r.outcome === 'server_error')
        .length;
    expect(h.recorder.records).toHaveLength(3);
    expect(attempts(s, 'first', 'server_error')).toBe(ledger('first'));
    expect(attempts(s, 'second', 'server_error')).toBe(ledger('second'));
    expect(s.sum('stilts_attempts_total')).toBe(3);
  });

  it('count a stream with its time to first token and first byte', async () => {
    const h = await firstThenSecond({});
    const stream = await h.client.chat.completions.create({ model: ROUTE, messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    const s = await scrape(h.url);

    expect(requests(s, ROUTE, 'first', 'success', '200')).toBe(1);
    expect(attempts(s, 'first', 'success')).toBe(1);
    const labels = { route: ROUTE, deployment: 'first' };
    expect(s.value('stilts_attempt_ttft_seconds_count', labels)).toBe(1);
    expect(s.value('stilts_request_first_byte_seconds_count', { route: ROUTE })).toBe(1);
    expect(s.value('stilts_request_duration_seconds_count', { route: ROUTE, stream: 'true' })).toBe(
      1,
    );
    expect(s.value('stilts_gateway_overhead_seconds_count', { stream: 'true' })).toBe(1);
    expect(s.value('stilts_gateway_overhead_seconds_count', { stream: 'false' })).toBe(0);
    expect(s.value('stilts_tokens_total', { ...labels, type: 'output' })).toBe(12);
  });

  it('count a stream cut after its first byte as interrupted, its tokens still billed', async () => {
    const h = await firstThenSecond({ cutRate: 1, cutAfterChunks: 3 });
    const response = await post(h, JSON.stringify({ model: ROUTE, messages, stream: true }));
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toContain('stream_interrupted');
    const s = await scrape(h.url);
    expect(requests(s, ROUTE, 'first', 'interrupted', '200')).toBe(1);
    expect(attempts(s, 'first', 'interrupted')).toBe(1);
    expect(
      s.value('stilts_tokens_total', { route: ROUTE, deployment: 'first', type: 'output' }),
    ).toBeGreaterThan(0);
  });
});

describe('requests the gateway refuses', () => {
  it('are counted as rejected with their status, whether or not they reached the service', async () => {
    const h = await firstThenSecond({});
    const valid = JSON.stringify({ model: ROUTE, messages });
    expect((await post(h, '{"model": ')).status).toBe(400); // invalid JSON (Fastify)
    expect(
      (await post(h, JSON.stringify({ model: ROUTE, messages: [{ role: 'user' }] }))).status,
    ).toBe(400); // schema (controller)
    expect((await post(h, 'model=x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (
        await post(
          h,
          JSON.stringify({
            model: ROUTE,
            messages: [{ role: 'user', content: 'x'.repeat(5_000_000) }],
          }),
        )
      ).status,
    ).toBe(413);
    expect((await fetch(`${h.url}/v1/embeddings`, { method: 'POST' })).status).toBe(404); // unknown path
    expect((await post(h, JSON.stringify({ model: 'no-such-model', messages }))).status).toBe(404); // reaches the service
    expect((await fetch(`${h.url}/v1/models`)).status).toBe(200); // not a chat request: not counted
    expect((await post(h, valid)).status).toBe(200);
    const s = await scrape(h.url);

    expect(requests(s, '', '', 'rejected', '400')).toBe(2);
    expect(requests(s, '', '', 'rejected', '415')).toBe(1);
    expect(requests(s, '', '', 'rejected', '413')).toBe(1);
    expect(requests(s, '', '', 'rejected', '404')).toBe(2);
    expect(requests(s, ROUTE, 'first', 'success', '200')).toBe(1);
    expect(s.sum('stilts_requests_total')).toBe(7);
    expect(s.sum('stilts_attempts_total')).toBe(1);
    // Requests that reached the service are forgotten once answered (nothing accumulates).
    expect(h.app.get(HttpTelemetry).remembered).toBeLessThanOrEqual(2);
  });

  it('never turn what callers send into label values', async () => {
    const h = await firstThenSecond({});
    const unknownModel = async (i: number): Promise<void> => {
      const model = `caller-model-${i}-${Math.random().toString(36).slice(2)}`;
      const response = await post(h, JSON.stringify({ model, messages }), {
        'x-request-id': `req-${i}`,
      });
      expect(response.status).toBe(404);
    };
    await unknownModel(0);
    const first = await scrape(h.url);
    for (let i = 1; i < 25; i++) await unknownModel(i);
    const after = await scrape(h.url);
    expect(after.text).not.toContain('caller-model-');
    expect(after.text).not.toContain('req-1');
    // Twenty-four more unknown models, no new series: the same one, counted 25 times.
    expect(after.samples.map((s) => [s.name, s.labels])).toEqual(
      first.samples.map((s) => [s.name, s.labels]),
    );
    expect(requests(after, '', '', 'rejected', '404')).toBe(25);
  });
});

describe('gateway overhead', () => {
  it('is observed per request, and is a small part of the request duration', async () => {
    const h = await firstThenSecond({ latency: { kind: 'fixed', ms: 60 } });
    for (let i = 0; i < 3; i++) await h.client.chat.completions.create({ model: ROUTE, messages });
    const s = await scrape(h.url);
    const count = s.value('stilts_gateway_overhead_seconds_count', { stream: 'false' });
    const overhead = s.value('stilts_gateway_overhead_seconds_sum', { stream: 'false' });
    const total = s.value('stilts_request_duration_seconds_sum', { route: ROUTE, stream: 'false' });
    expect(count).toBe(3);
    expect(overhead).toBeGreaterThan(0);
    // Each request waited >= 60 ms on the upstream; that time is not overhead.
    expect(total).toBeGreaterThan(0.18);
    expect(overhead).toBeLessThan(total - 0.17);
  });

  it('excludes the wait before a retry', async () => {
    // One deployment that answers 429 with Retry-After 700 ms for half a second, then succeeds:
    // the gateway waits for it.
    const limited = scenarioOf({
      only: { windows: [{ fromS: 0, toS: 0.5, rateLimit: { rate: 1, retryAfterMs: 700 } }] },
    });
    harness = await startGatewayHarness({
      scenario: limited,
      catalog: (sim) => simCatalog(sim, { members: [{ id: 'only' }] }),
    });
    const h = harness;
    h.sim.setScenario(limited); // restarts the scenario clock: the window starts now
    const started = performance.now();
    await h.client.chat.completions.create({ model: ROUTE, messages });
    const elapsed = (performance.now() - started) / 1000;
    const s = await scrape(h.url);
    expect(attempts(s, 'only', 'rate_limited')).toBe(1);
    expect(attempts(s, 'only', 'success')).toBe(1);
    expect(elapsed).toBeGreaterThan(0.5);
    expect(s.value('stilts_gateway_overhead_seconds_sum', { stream: 'false' })).toBeLessThan(0.1);
  });
});

describe('live state', () => {
  it('shows circuit states (overrides included), pauses and weights, read on scrape', async () => {
    harness = await startGatewayHarness({
      scenario: scenarioOf({ a: {}, b: {} }),
      catalog: (sim) =>
        simCatalog(sim, {
          members: [
            { id: 'a', weight: 3 },
            { id: 'b', weight: 1 },
          ],
        }),
    });
    const h = harness;
    let s = await scrape(h.url);
    expect(s.value('stilts_circuit_state', { deployment: 'a', state: 'closed' })).toBe(1);
    expect(s.value('stilts_circuit_state', { deployment: 'a', state: 'open' })).toBe(0);
    expect(s.value('stilts_circuit_forced', { deployment: 'a' })).toBe(0);
    expect(s.value('stilts_deployment_weight', { route: ROUTE, deployment: 'a' })).toBeCloseTo(
      0.75,
    );
    expect(s.value('stilts_deployment_weight', { route: ROUTE, deployment: 'b' })).toBeCloseTo(
      0.25,
    );

    h.health.applyForcedStates(new Map([['a', 'open']]));
    h.health.get('b').breaker.trip();
    h.health.get('b').pause(Date.now() + 60_000);
    s = await scrape(h.url);
    expect(s.value('stilts_circuit_state', { deployment: 'a', state: 'open' })).toBe(1);
    expect(s.value('stilts_circuit_state', { deployment: 'a', state: 'closed' })).toBe(0);
    expect(s.value('stilts_circuit_forced', { deployment: 'a' })).toBe(1);
    expect(s.value('stilts_circuit_state', { deployment: 'b', state: 'open' })).toBe(1);
    expect(s.value('stilts_circuit_forced', { deployment: 'b' })).toBe(0);
    expect(s.value('stilts_deployment_paused', { deployment: 'b' })).toBe(1);
    // Memory mode: no recorder statistics, no snapshots; nothing pretends otherwise.
    expect(s.all('stilts_recorder_queue_depth')).toHaveLength(0);
    expect(s.all('stilts_route_lambda')).toHaveLength(0);
    expect(s.all('stilts_build_info')).toHaveLength(1);
    expect(s.value('process_cpu_seconds_total')).toBeGreaterThan(0);
  });
});
