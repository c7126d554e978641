import { afterEach, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import type { Behaviour } from '@stilts/provider-sim';
import { startGatewayHarness, type GatewayHarness } from './support/gateway-harness.js';
import { scenarioOf, simCatalog } from './support/sim-fixtures.js';

const messages = [{ role: 'user' as const, content: 'Tell me a story' }];

let harness: GatewayHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function firstThenSecond(first: Behaviour, second: Behaviour = {}): Promise<GatewayHarness> {
  harness = await startGatewayHarness({
    scenario: scenarioOf({ first, second: { outputTokens: 30, ...second } }),
    catalog: (sim) =>
      simCatalog(sim, {
        strategy: 'priority',
        members: [
          { id: 'first', firstByteTimeoutMs: 300 },
          { id: 'second', priority: 1 },
        ],
      }),
    env: { STREAM_IDLE_TIMEOUT_MS: '300' },
  });
  return harness;
}

describe('streaming through the official openai client', () => {
  it('streams chunks and a final usage chunk when include_usage is asked', async () => {
    const h = await firstThenSecond({ outputTokens: 30 });
    const { data: stream, response } = await h.client.chat.completions
      .create({
        model: 'test-route',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      })
      .withResponse();
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-provider')).toBe('p-first');
    expect(text.length).toBeGreaterThan(0);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(30);
    const [row] = h.recorder.records;
    expect(row).toMatchObject({ outcome: 'success', streamed: true, outputTokens: 30 });
    expect(row?.ttftMs).not.toBeNull();
    expect(row?.costMicroUsd).toBeGreaterThan(0);
  });

  it.each<[string, Behaviour]>([
    ['answers 503', { outage: { status: 503 } }],
    ['resets the connection', { outage: 'reset' }],
    ['sends an error event before its first token', { streamError: { rate: 1, afterChunks: 0 } }],
    ['stalls before its first token', { stall: { rate: 1, afterChunks: 0 } }],
    ['is cut before its first token', { cutRate: 1, cutAfterChunks: 0 }],
  ])('fails over transparently when the first deployment %s', async (_label, behaviour) => {
    const h = await firstThenSecond(behaviour);
    const { data: stream, response } = await h.client.chat.completions
      .create({ model: 'test-route', messages, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text.length).toBeGreaterThan(0);
    expect(response.headers.get('x-provider')).toBe('p-second');
    expect(response.headers.get('x-stilts-attempts')).toBe('2');
    expect(h.recorder.records.map((r) => [r.deploymentId, r.outcome === 'success'])).toEqual([
      ['first', false],
      ['second', true],
    ]);
  });

  it('ends the stream with an error event the client surfaces when the provider dies mid-stream, and bills what was delivered', async () => {
    const h = await firstThenSecond({ outputTokens: 40, cutRate: 1, cutAfterChunks: 4 });
    const stream = await h.client.chat.completions.create({
      model: 'test-route',
      messages,
      stream: true,
    });
    let text = '';
    let caught: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    } catch (error) {
      caught = error;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect((caught as InstanceType<typeof OpenAI.APIError>).message).toMatch(
      /stream failed after it started/,
    );
    // No failover after the first byte: the second deployment was never called.
    expect(h.sim.stats().providers['p-second']?.requests ?? 0).toBe(0);
    const [row] = h.recorder.records;
    expect(row?.outcome).toBe('interrupted');
    expect(row?.outputTokens).toBeGreaterThan(0);
    expect(row?.outputTokens).toBeLessThan(40);
    expect(row?.costMicroUsd).toBeGreaterThan(0);
    expect(h.health.get('first').breaker.state.kind).toBe('closed');
  });

  it('ends a stream that stalls mid-way after the idle timeout', async () => {
    const h = await firstThenSecond({ outputTokens: 40, stall: { rate: 1, afterChunks: 3 } });
    const stream = await h.client.chat.completions.create({
      model: 'test-route',
      messages,
      stream: true,
    });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // drain
        }
      })(),
    ).rejects.toThrow(/stream failed after it started/);
    expect(h.recorder.records[0]?.outcome).toBe('interrupted');
  });

  it('stops the upstream call and records an abort when the caller disconnects mid-stream', async () => {
    const h = await firstThenSecond({ outputTokens: 200, chunkTokens: 1, interChunkMs: 20 });
    const controller = new AbortController();
    const stream = await h.client.chat.completions.create(
      { model: 'test-route', messages, stream: true },
      { signal: controller.signal },
    );
    let chunks = 0;
    // The client ends its iteration quietly once its own signal aborts.
    for await (const _chunk of stream) {
      if (++chunks === 3) controller.abort();
    }
    expect(chunks).toBeLessThan(20);
    for (let i = 0; i < 50 && h.recorder.records.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [row] = h.recorder.records;
    expect(row?.outcome).toBe('aborted');
    expect(row?.outputTokens).toBeGreaterThan(0);
    expect(row?.outputTokens).toBeLessThan(200);
  });
});
