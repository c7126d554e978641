import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@stilts/routing';
import type { ProviderSim, SimStats } from '../src/index.js';
import {
  ANTHROPIC_HEADERS,
  anthropicChat,
  obj,
  oneProvider,
  openAiChat,
  postJson,
  readBody,
  startSim,
} from './support/sim-client.js';

const SECRET = 'sk-control-secret';

describe('control endpoints and the in-process API', () => {
  const clock = new ManualClock(5_000_000);
  let sim: ProviderSim;

  beforeAll(async () => {
    sim = await startSim(
      {
        providers: {
          a: { apiKey: SECRET, behaviour: { outputTokens: 3 } },
          b: { behaviour: { errorRate: 1, errorStatuses: [500] } },
        },
      },
      { clock, requestLogSize: 5 },
    );
  });

  afterAll(() => sim.close());

  it('lays out base URLs per provider and format', () => {
    expect(sim.url).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.baseUrlFor('a', 'openai')).toBe(`${sim.url}/a/v1`);
    expect(sim.baseUrlFor('a', 'anthropic')).toBe(`${sim.url}/a/v1`);
    expect(sim.baseUrlFor('a', 'gemini')).toBe(`${sim.url}/a/v1beta`);
  });

  it('counts requests per provider, outcome, status and format', async () => {
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    const a = `${sim.baseUrlFor('a', 'openai')}/chat/completions`;
    await postJson(a, openAiChat(), { authorization: `Bearer ${SECRET}` });
    await postJson(a, openAiChat({ stream: true }), { authorization: `Bearer ${SECRET}` }).then(
      readBody,
    );
    await postJson(a, openAiChat(), { authorization: 'Bearer nope' });
    await postJson(
      `${sim.baseUrlFor('b', 'anthropic')}/messages`,
      anthropicChat(),
      ANTHROPIC_HEADERS,
    );
    await postJson(`${sim.url}/zzz/v1/chat/completions`, openAiChat());

    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as SimStats;
    expect(stats).toEqual(sim.stats());
    expect(stats.totalRequests).toBe(5);
    expect(stats.unrouted).toBe(1);
    expect(stats.providers['a']).toEqual({
      requests: 3,
      streams: 1,
      byFormat: { openai: 3 },
      byOutcome: { ok: 2, unauthorized: 1 },
      byStatus: { '200': 2, '401': 1 },
    });
    expect(stats.providers['b']).toMatchObject({
      byOutcome: { error: 1 },
      byFormat: { anthropic: 1 },
    });
  });

  it('keeps the last N requests with credentials redacted', async () => {
    sim.resetStats();
    const a = `${sim.baseUrlFor('a', 'openai')}/chat/completions`;
    for (let i = 0; i < 7; i++) {
      await postJson(a, openAiChat({ metadata: { i } }), {
        authorization: `Bearer ${SECRET}`,
        'x-trace': `t${i}`,
      });
    }
    const recorded = sim.requests('a');
    expect(recorded).toHaveLength(5);
    expect(recorded.map((r) => obj(obj(r.body)['metadata'])['i'])).toEqual([2, 3, 4, 5, 6]);
    const last = recorded.at(-1)!;
    expect(last).toMatchObject({
      providerId: 'a',
      format: 'openai',
      method: 'POST',
      url: '/a/v1/chat/completions',
      outcome: 'ok',
      status: 200,
      receivedAt: clock.now(),
    });
    expect(last.headers['authorization']).toBe('[redacted]');
    expect(last.headers['x-trace']).toBe('t6');
    expect(sim.requests('b')).toEqual([]);
    const over = await (await fetch(`${sim.url}/_sim/requests?provider=a`)).text();
    expect(over).not.toContain(SECRET);
    expect(obj(JSON.parse(over))['data']).toHaveLength(5);
  });

  it('restarts the scenario clock and zeroes stats on POST /_sim/reset', async () => {
    clock.advance(42_000);
    expect(sim.stats().scenarioElapsedMs).toBeGreaterThanOrEqual(42_000);
    const res = await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect(res.status).toBe(200);
    const stats = sim.stats();
    expect(stats.scenarioElapsedMs).toBe(0);
    expect(stats.totalRequests).toBe(0);
    expect(stats.providers).toEqual({});
    expect(sim.requests()).toEqual([]);
  });

  it('serves the scenario with keys redacted', async () => {
    const text = await (await fetch(`${sim.url}/_sim/scenario`)).text();
    expect(text).not.toContain(SECRET);
    expect(obj(obj(obj(JSON.parse(text))['providers'])['a'])['apiKey']).toBe('[redacted]');
  });

  it('replaces the scenario at runtime and rejects an invalid one with the field path', async () => {
    const bad = await postJson(`${sim.url}/_sim/scenario`, oneProvider('c', { errorRate: 3 }));
    expect(bad.status).toBe(400);
    const error = obj(obj(await bad.json())['error']);
    expect(error['issues']).toEqual([
      {
        path: 'providers.c.behaviour.errorRate',
        message: expect.stringContaining('<=1') as unknown,
      },
    ]);
    expect(String(error['message'])).toContain('providers.c.behaviour.errorRate');
    expect(sim.scenario().providers['a']).toBeDefined();

    const notJson = await fetch(`${sim.url}/_sim/scenario`, { method: 'POST', body: 'nope' });
    expect(notJson.status).toBe(400);

    const good = await postJson(`${sim.url}/_sim/scenario`, oneProvider('c', { outputTokens: 2 }));
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({ ok: true, providers: ['c'] });
    const res = await postJson(`${sim.baseUrlFor('c', 'openai')}/chat/completions`, openAiChat());
    expect(res.status).toBe(200);
    const gone = await postJson(`${sim.baseUrlFor('a', 'openai')}/chat/completions`, openAiChat());
    expect(gone.status).toBe(404);
  });

  it('throws ScenarioError from setScenario and keeps the old scenario', () => {
    expect(() =>
      sim.setScenario({ providers: { x: { behaviour: { latency: { kind: 'fixed' } } } } }),
    ).toThrow(/providers\.x\.behaviour\.latency\.ms/);
    expect(Object.keys(sim.scenario().providers)).toEqual(['c']);
  });

  it('answers health and 404 for unknown control endpoints', async () => {
    expect(await (await fetch(`${sim.url}/_sim/health`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${sim.url}/_sim/nothing`)).status).toBe(404);
  });
});

describe('determinism', () => {
  const scenario = {
    providers: {
      a: {
        behaviour: {
          latency: { kind: 'uniform', minMs: 0, maxMs: 2 },
          outputTokens: { min: 5, max: 40 },
          errorRate: 0.3,
          errorStatuses: [500, 502, 503],
          rateLimit: { rate: 0.2 },
        },
      },
      b: { behaviour: { errorRate: 0.5 } },
    },
  };

  /** Status and body (without the wall-clock `created`) of `n` requests to provider a. */
  async function run(seed: number | string, interleave: boolean): Promise<string[]> {
    const sim = await startSim(scenario, { seed });
    try {
      const out: string[] = [];
      for (let i = 0; i < 25; i++) {
        if (interleave)
          await postJson(`${sim.baseUrlFor('b', 'openai')}/chat/completions`, openAiChat());
        const res = await postJson(
          `${sim.baseUrlFor('a', 'openai')}/chat/completions`,
          openAiChat(),
        );
        out.push(`${res.status} ${(await res.text()).replace(/"created":\d+/, '')}`);
      }
      return out;
    } finally {
      await sim.close();
    }
  }

  it('gives the same answers under the same seed, whatever the other providers see', async () => {
    const first = await run(7, false);
    expect(await run(7, true)).toEqual(first);
    const statuses = new Set(first.map((line) => line.slice(0, 3)));
    expect(statuses.has('200')).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
  });

  it('gives different answers under a different seed', async () => {
    expect(await run('other', false)).not.toEqual(await run(7, false));
  });

  it('replays the same sequence after reset', async () => {
    const sim = await startSim(scenario, { seed: 3 });
    try {
      const url = `${sim.baseUrlFor('a', 'openai')}/chat/completions`;
      const once = async (): Promise<string[]> => {
        const out: string[] = [];
        for (let i = 0; i < 10; i++) out.push(await (await postJson(url, openAiChat())).text());
        return out.map((t) => t.replace(/"created":\d+/, ''));
      };
      const first = await once();
      sim.reset();
      expect(await once()).toEqual(first);
    } finally {
      await sim.close();
    }
  });
});

describe('close', () => {
  it('closes stalled streams and resolves', async () => {
    const sim = await startSim(oneProvider('p', { stall: { rate: 1, afterChunks: 1 } }));
    const res = await postJson(
      `${sim.baseUrlFor('p', 'openai')}/chat/completions`,
      openAiChat({ stream: true }),
    );
    expect(res.status).toBe(200);
    const reading = readBody(res);
    await sim.close();
    const { text, error } = await reading;
    expect(text).toContain('data: ');
    expect(String(error)).toContain('terminated');
    await expect(fetch(`${sim.url}/_sim/health`)).rejects.toThrow();
  });

  it('cancels pending latency timers', async () => {
    const sim = await startSim(oneProvider('p', { latency: { kind: 'fixed', ms: 60_000 } }));
    const pending = postJson(`${sim.baseUrlFor('p', 'openai')}/chat/completions`, openAiChat());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await sim.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    await expect(pending).rejects.toThrow();
  });
});
