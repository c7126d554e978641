import { afterEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';
import type { Behaviour } from '@stilts/provider-sim';

const messages = [{ role: 'user' as const, content: 'Say hello' }];

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A priority route: `first` is always tried first, then `second`. */
async function firstThenSecond(
  first: Behaviour,
  opts: { timeoutMs?: number } = {},
): Promise<GatewayHarness> {
  harness = await startGatewayHarness({
    scenario: scenarioOf({ first, second: {} }),
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'priority',
        members: [
          {
            id: 'first',
            priority: 0,
            ...(opts.timeoutMs
              ? { timeoutMs: opts.timeoutMs, firstByteTimeoutMs: opts.timeoutMs }
              : {}),
          },
          { id: 'second', priority: 1 },
        ],
      }),
  });
  return harness;
}

async function expectApiError(
  promise: Promise<unknown>,
): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new Error('expected an API error');
}

describe('fallback (non-streaming, official openai client)', () => {
  it.each<[string, Behaviour, string, number | undefined]>([
    ['returns 503', { outage: { status: 503 } }, 'server_error', undefined],
    ['times out', { latency: { kind: 'fixed', ms: 3_000 } }, 'timeout', 300],
    ['resets the connection', { outage: 'reset' }, 'connection_error', undefined],
    ['returns malformed JSON', { malformedRate: 1 }, 'malformed', undefined],
  ])('fails over when the first deployment %s', async (_label, behaviour, outcome, timeoutMs) => {
    const h = await firstThenSecond(behaviour, timeoutMs ? { timeoutMs } : {});
    const { data, response } = await h.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();

    expect(data.choices[0]?.message.content).toEqual(expect.any(String));
    expect(data.object).toBe('chat.completion');
    expect(response.headers.get('x-provider')).toBe('p-second');
    expect(response.headers.get('x-stilts-deployment')).toBe('second');
    expect(response.headers.get('x-stilts-attempts')).toBe('2');
    expect(Number(response.headers.get('x-stilts-cost-usd'))).toBeGreaterThan(0);
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(requestId).not.toBe('');

    const rows = h.recorder.forRequest(requestId);
    expect(rows.map((r) => [r.attempt, r.deploymentId, r.outcome])).toEqual([
      [1, 'first', outcome],
      [2, 'second', 'success'],
    ]);
    expect(rows[0]?.costMicroUsd).toBe(0);
    expect(rows[1]?.inputTokens).toBe(data.usage?.prompt_tokens);
    expect(rows[1]?.outputTokens).toBe(data.usage?.completion_tokens);
    expect(rows[1]?.costMicroUsd).toBeGreaterThan(0);
  });

  it("returns a caller's 400 at once and never fails it over", async () => {
    const h = await firstThenSecond({ errorRate: 1, errorStatuses: [400] });
    const error = await expectApiError(
      h.client.chat.completions.create({ model: 'test-route', messages }),
    );
    expect(error.status).toBe(400);
    expect(error.headers?.get('x-stilts-attempts')).toBe('1');
    expect(error.headers?.get('x-provider')).toBe('p-first');
    expect(h.sim.stats().providers['p-second']?.requests ?? 0).toBe(0);
    expect(h.recorder.records.map((r) => r.outcome)).toEqual(['caller_error']);
    // The caller's fault does not count against the deployment.
    expect(h.health.get('first').state.kind).toBe('closed');
  });

  it('answers 503 with a per-attempt summary when every deployment fails, without secrets', async () => {
    harness = await startGatewayHarness({
      scenario: scenarioOf({ a: { outage: { status: 500 } }, b: { outage: { status: 502 } } }),
      catalog: (sim) =>
        simCatalog(sim, { strategy: 'priority', members: [{ id: 'a' }, { id: 'b', priority: 1 }] }),
    });
    const error = await expectApiError(
      harness.client.chat.completions.create({ model: 'test-route', messages }),
    );
    expect(error.status).toBe(503);
    expect(error.code).toBe('all_deployments_failed');
    const attempts = (error.error as { attempts?: { deployment: string; status: number }[] })
      .attempts;
    expect(attempts?.map((a) => [a.deployment, a.status])).toEqual([
      ['a', 500],
      ['b', 502],
      ['a', 500],
    ]);
    expect(JSON.stringify(error.error)).not.toContain('test-key');
  });

  it('answers 504 when every attempt timed out', async () => {
    harness = await startGatewayHarness({
      scenario: scenarioOf({ slow: { latency: { kind: 'fixed', ms: 2_000 } } }),
      catalog: (sim) =>
        simCatalog(sim, { members: [{ id: 'slow', timeoutMs: 150 }], maxAttempts: 2 }),
    });
    const error = await expectApiError(
      harness.client.chat.completions.create({ model: 'test-route', messages }),
    );
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
    expect(harness.recorder.records.map((r) => r.outcome)).toEqual(['timeout', 'timeout']);
  });
});

describe('Retry-After and circuit breakers', () => {
  it('skips a deployment that answered 429 with Retry-After until the pause is over', async () => {
    const h = await firstThenSecond({ rateLimit: { rate: 1, retryAfterS: 30 } });
    const first = await h.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();
    expect(first.response.headers.get('x-stilts-attempts')).toBe('2');
    const second = await h.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();
    expect(second.response.headers.get('x-stilts-attempts')).toBe('1');
    expect(second.response.headers.get('x-provider')).toBe('p-second');
    expect(h.sim.stats().providers['p-first']?.requests).toBe(1);
    expect(h.recorder.records[0]?.outcome).toBe('rate_limited');
  });

  it('waits for Retry-After before calling the same deployment again', async () => {
    harness = await startGatewayHarness({
      scenario: scenarioOf({
        only: { windows: [{ fromS: 0, toS: 0.25, rateLimit: { rate: 1, retryAfterMs: 400 } }] },
      }),
      catalog: (sim) => simCatalog(sim, { members: [{ id: 'only' }] }),
    });
    harness.sim.reset(); // restart the scenario clock right before the call
    const started = performance.now();
    const { response } = await harness.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();
    const elapsed = performance.now() - started;
    expect(response.headers.get('x-stilts-attempts')).toBe('2');
    expect(harness.recorder.records.map((r) => r.outcome)).toEqual(['rate_limited', 'success']);
    // Correctness, not speed: the retry must not come before the upstream allowed it.
    expect(elapsed).toBeGreaterThanOrEqual(400);
  });

  it('opens the breaker after the threshold, shifts traffic, and closes it after a good probe', async () => {
    harness = await startGatewayHarness({
      scenario: scenarioOf({ flaky: { outage: { status: 503 } }, steady: {} }),
      catalog: (sim) =>
        simCatalog(sim, {
          strategy: 'priority',
          members: [{ id: 'flaky' }, { id: 'steady', priority: 1 }],
        }),
      env: { BREAKER_CONSECUTIVE_FAILURES: '3', BREAKER_COOLDOWN_MS: '300' },
    });
    const h = harness;
    for (let i = 0; i < 3; i++) {
      const { response } = await h.client.chat.completions
        .create({ model: 'test-route', messages })
        .withResponse();
      expect(response.headers.get('x-stilts-attempts')).toBe('2');
    }
    expect(h.health.get('flaky').state.kind).toBe('open');

    // Open: traffic goes straight to the healthy deployment.
    for (let i = 0; i < 5; i++) {
      const { response } = await h.client.chat.completions
        .create({ model: 'test-route', messages })
        .withResponse();
      expect(response.headers.get('x-stilts-attempts')).toBe('1');
      expect(response.headers.get('x-provider')).toBe('p-steady');
    }
    expect(h.sim.stats().providers['p-flaky']?.requests).toBe(3);

    // The provider recovers; after the cooldown one probe is let through and closes the circuit.
    h.sim.setScenario(scenarioOf({ flaky: {}, steady: {} }));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(h.health.get('flaky').state.kind).toBe('half-open');
    const probe = await h.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();
    expect(probe.response.headers.get('x-provider')).toBe('p-flaky');
    expect(h.health.get('flaky').state.kind).toBe('closed');
  });

  it('opens the breaker of a deployment whose credentials are rejected (401) and fails over', async () => {
    const h = await firstThenSecond({ errorRate: 1, errorStatuses: [401] });
    const { response } = await h.client.chat.completions
      .create({ model: 'test-route', messages })
      .withResponse();
    expect(response.headers.get('x-provider')).toBe('p-second');
    expect(h.health.get('first').state.kind).toBe('open');
    expect(h.recorder.records[0]?.outcome).toBe('misconfigured');
  });
});
