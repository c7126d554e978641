import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '@stilts/routing';
import type { ProviderSim } from '../src/index.js';
import {
  ANTHROPIC_HEADERS,
  anthropicChat,
  geminiChat,
  obj,
  oneProvider,
  openAiChat,
  parseSse,
  postJson,
  readBody,
  startSim,
} from './support/sim-client.js';

describe('scripted failures', () => {
  const clock = new ManualClock(1_700_000_000_000);
  let sim: ProviderSim;
  let openai: string;

  /** Replaces the scenario with provider `p` behaving as `behaviour` (restarts the scenario clock). */
  function script(behaviour: Record<string, unknown>, extra: Record<string, unknown> = {}): void {
    sim.setScenario({ ...extra, ...(oneProvider('p', behaviour) as object) });
    sim.resetStats();
  }

  const chat = (extra: Record<string, unknown> = {}, signal?: AbortSignal): Promise<Response> =>
    postJson(openai, openAiChat(extra), {}, signal);

  beforeAll(async () => {
    sim = await startSim(oneProvider('p'), { clock });
    openai = `${sim.baseUrlFor('p', 'openai')}/chat/completions`;
  });

  afterAll(() => sim.close());

  it('fails at errorRate with a status drawn from errorStatuses, in each format', async () => {
    script({ errorRate: 1, errorStatuses: [502] });
    const a = await chat();
    expect(a.status).toBe(502);
    expect(obj(await a.json())['error']).toMatchObject({ type: 'server_error', param: null });

    script({ errorRate: 1, errorStatuses: [529] });
    const b = await postJson(
      `${sim.baseUrlFor('p', 'anthropic')}/messages`,
      anthropicChat(),
      ANTHROPIC_HEADERS,
    );
    expect(b.status).toBe(529);
    expect(await b.json()).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });

    script({ errorRate: 1, errorStatuses: [503] });
    const c = await postJson(
      `${sim.baseUrlFor('p', 'gemini')}/models/g:generateContent`,
      geminiChat(),
    );
    expect(c.status).toBe(503);
    expect(obj(await c.json())['error']).toMatchObject({ code: 503, status: 'UNAVAILABLE' });

    script({ errorRate: 1, errorStatuses: [500] });
    const d = await postJson(
      `${sim.baseUrlFor('p', 'anthropic')}/messages`,
      anthropicChat(),
      ANTHROPIC_HEADERS,
    );
    expect(obj(obj(await d.json())['error'])['type']).toBe('api_error');
    expect(sim.stats().providers['p']?.byOutcome).toEqual({ error: 1 });
  });

  it('draws statuses from the whole list', async () => {
    script({ errorRate: 1, errorStatuses: [500, 503] });
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) statuses.add((await chat()).status);
    expect([...statuses].sort()).toEqual([500, 503]);
  });

  it('answers rate-limited requests 429 with retry-after and retry-after-ms', async () => {
    script({ rateLimit: { rate: 1, retryAfterS: 1.2, retryAfterMs: 1200 } });
    const res = await chat();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(res.headers.get('retry-after-ms')).toBe('1200');
    expect(obj(await res.json())['error']).toMatchObject({ code: 'rate_limit_exceeded' });

    const anthropic = await postJson(
      `${sim.baseUrlFor('p', 'anthropic')}/messages`,
      anthropicChat(),
      ANTHROPIC_HEADERS,
    );
    expect(anthropic.status).toBe(429);
    expect(obj(obj(await anthropic.json())['error'])['type']).toBe('rate_limit_error');
    const gemini = await postJson(
      `${sim.baseUrlFor('p', 'gemini')}/models/g:generateContent`,
      geminiChat(),
    );
    expect(obj(obj(await gemini.json())['error'])['status']).toBe('RESOURCE_EXHAUSTED');

    script({ rateLimit: { rate: 1 } });
    const bare = await chat();
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();
    expect(bare.headers.get('retry-after-ms')).toBeNull();
    expect(sim.stats().providers['p']?.byOutcome).toEqual({ rate_limited: 1 });
  });

  it('fails every request inside an outage window, following the scenario clock and loopS', async () => {
    script(
      {
        windows: [
          { fromS: 10, toS: 20, outage: {} },
          { fromS: 30, toS: 40, outage: { status: 502 } },
        ],
      },
      { loopS: 100 },
    );
    expect((await chat()).status).toBe(200);
    clock.advance(10_000);
    const down = await chat();
    expect(down.status).toBe(503);
    expect(obj(obj(await down.json())['error'])['type']).toBe('server_error');
    clock.advance(9_999);
    expect((await chat()).status).toBe(503);
    clock.advance(1);
    expect((await chat()).status).toBe(200);
    clock.advance(10_000);
    expect((await chat()).status).toBe(502);
    clock.advance(75_000); // 105 s: the loop restarted at 100 s
    expect(sim.stats().scenarioTimeS).toBeCloseTo(5);
    expect((await chat()).status).toBe(200);
    clock.advance(5_000);
    expect((await chat()).status).toBe(503);
    expect(sim.stats().providers['p']?.byOutcome).toEqual({ ok: 3, outage: 4 });
  });

  it('destroys the socket during a reset outage and at resetRate', async () => {
    script({ outage: 'reset' });
    await expect(chat()).rejects.toThrow();
    script({ resetRate: 1 });
    await expect(chat()).rejects.toThrow();
    expect(sim.stats().providers['p']).toMatchObject({
      byOutcome: { reset: 1 },
      byStatus: { '0': 1 },
    });
    script({});
    expect((await chat()).status).toBe(200);
  });

  it('stalls a stream after afterChunks events without closing it', async () => {
    script({ stall: { rate: 1, afterChunks: 2 }, outputTokens: 10 });
    const res = await chat({ stream: true }, AbortSignal.timeout(400));
    expect(res.status).toBe(200);
    const { text, error } = await readBody(res);
    expect((error as Error).name).toBe('TimeoutError');
    expect(parseSse(text)).toHaveLength(2);
    // Non-streamed requests are not stalled.
    expect((await chat()).status).toBe(200);
  });

  it('stalls before the first event with afterChunks 0 (headers only)', async () => {
    script({ stall: { rate: 1, afterChunks: 0 } });
    const res = await chat({ stream: true }, AbortSignal.timeout(300));
    expect(res.status).toBe(200);
    const { text, error } = await readBody(res);
    expect(text).toBe('');
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('cuts a stream after cutAfterChunks events', async () => {
    script({ cutRate: 1, cutAfterChunks: 3, outputTokens: 10 });
    const res = await chat({ stream: true });
    expect(res.status).toBe(200);
    const { text, error } = await readBody(res);
    expect(String(error)).toContain('terminated');
    const events = parseSse(text);
    expect(events).toHaveLength(3);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(sim.stats().providers['p']?.byOutcome).toEqual({ cut: 1 });
  });

  it('never completes a faulty stream, even when afterChunks exceeds its length', async () => {
    script({ cutRate: 1, cutAfterChunks: 500, outputTokens: 3 });
    const { text, error } = await readBody(await chat({ stream: true }));
    expect(String(error)).toContain('terminated');
    expect(parseSse(text).some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('sends a broken JSON body with status 200 at malformedRate', async () => {
    script({ malformedRate: 1 });
    const res = await chat();
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.startsWith('{"id":"chatcmpl-')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('sends a broken SSE data line at malformedRate, then ends the stream', async () => {
    script({ malformedRate: 1 });
    const { text, error } = await readBody(await chat({ stream: true }));
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events).toHaveLength(1);
    expect(() => JSON.parse(events[0]?.data ?? '') as unknown).toThrow();

    const anthropic = await postJson(
      `${sim.baseUrlFor('p', 'anthropic')}/messages`,
      anthropicChat({ stream: true }),
      ANTHROPIC_HEADERS,
    );
    const [first] = parseSse((await readBody(anthropic)).text);
    expect(first?.event).toBe('message_start');
    expect(() => JSON.parse(first?.data ?? '') as unknown).toThrow();
  });

  it('emits an in-band error event mid-stream (Anthropic event: error)', async () => {
    script({ streamError: { rate: 1, afterChunks: 4 }, outputTokens: 10 });
    const res = await postJson(
      `${sim.baseUrlFor('p', 'anthropic')}/messages`,
      anthropicChat({ stream: true }),
      ANTHROPIC_HEADERS,
    );
    const { text, error } = await readBody(res);
    expect(error).toBeUndefined();
    const events = parseSse(text);
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'error',
    ]);
    expect(JSON.parse(events[4]?.data ?? '')).toEqual({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
    });

    const openaiEvents = parseSse((await readBody(await chat({ stream: true }))).text);
    expect(openaiEvents).toHaveLength(5);
    expect(obj(JSON.parse(openaiEvents[4]?.data ?? ''))['error']).toMatchObject({
      type: 'server_error',
    });

    const gemini = await postJson(
      `${sim.baseUrlFor('p', 'gemini')}/models/g:streamGenerateContent?alt=sse`,
      geminiChat(),
    );
    const geminiEvents = parseSse((await readBody(gemini)).text);
    expect(obj(JSON.parse(geminiEvents.at(-1)?.data ?? ''))['error']).toMatchObject({
      status: 'UNAVAILABLE',
    });
  });

  it('waits the configured latency before the first byte', async () => {
    script({ latency: { kind: 'fixed', ms: 150 } });
    const started = performance.now();
    expect((await chat()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('spaces stream events by interChunkMs', async () => {
    script({ interChunkMs: 40, outputTokens: 4, chunkTokens: 1 });
    const res = await chat({ stream: true });
    const started = performance.now();
    const { text } = await readBody(res);
    // role + 4 content + finish + [DONE] = 7 events, 6 gaps.
    expect(parseSse(text)).toHaveLength(7);
    expect(performance.now() - started).toBeGreaterThanOrEqual(6 * 40 - 30);
  });
});
