import { describe, expect, it } from '@jest/globals';
import { providerState } from '../../test/scenario.factory.js';
import { costMicroUsd } from '../pricing/cost.js';
import { simulateAttempt, type AttemptUniforms } from './provider-model.js';
import type { SimRequest } from './traffic.js';

const REQUEST: SimRequest = {
  index: 0,
  atMs: 0,
  inputTokens: 1_000,
  naturalOutputTokens: 400,
  maxTokens: 512,
  stream: false,
};
const U: AttemptUniforms = {
  outcome: 0.5,
  latency1: 0.5,
  latency2: 0.25,
  failureKind: 0.1,
  midStream: 0.9,
};

describe('simulateAttempt', () => {
  it('succeeds with probability p, bills the tokens, and caps output at max_tokens', () => {
    const state = providerState({ outputTokenFactor: 2 });
    const a = simulateAttempt(state, REQUEST, U, 30_000);
    expect(a.outcome).toBe('success');
    expect(a.outputTokens).toBe(512);
    expect(a.costMicroUsd).toBe(
      costMicroUsd({ inputTokens: 1_000, outputTokens: 512 }, state.price),
    );
    // cos(2π · 0.25) = 0: the median latency.
    expect(a.latencyMs).toBeCloseTo(1_000, 6);
  });

  it('fails without a bill when the draw is above p', () => {
    const a = simulateAttempt(providerState(), REQUEST, { ...U, outcome: 0.995 }, 30_000);
    expect(a.outcome).toBe('server_error');
    expect(a.costMicroUsd).toBe(0);
    expect(a.committed).toBe(false);
  });

  it('turns a success slower than the timeout into a timeout', () => {
    const a = simulateAttempt(providerState({ latencyMedianMs: 60_000 }), REQUEST, U, 30_000);
    expect(a).toMatchObject({ outcome: 'timeout', latencyMs: 30_000, costMicroUsd: 0 });
  });

  it('fails fast with connection_error while down', () => {
    const a = simulateAttempt(providerState({ down: true }), REQUEST, U, 30_000);
    expect(a.outcome).toBe('connection_error');
    expect(a.latencyMs).toBeLessThan(100);
  });

  it('bills half the output of a stream that breaks after the first byte, and commits', () => {
    const a = simulateAttempt(
      providerState(),
      { ...REQUEST, stream: true },
      { ...U, outcome: 0.999, midStream: 0.1 },
      30_000,
    );
    expect(a.outcome).toBe('interrupted');
    expect(a.committed).toBe(true);
    expect(a.outputTokens).toBe(200);
    expect(a.costMicroUsd).toBeGreaterThan(0);
  });
});
