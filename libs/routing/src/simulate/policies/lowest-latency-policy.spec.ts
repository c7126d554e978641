import { describe, expect, it } from '@jest/globals';
import type { SimAttempt } from '../provider-model.js';
import type { SimRequest } from '../traffic.js';
import { LowestLatencyPolicy } from './lowest-latency-policy.js';

const REQUEST = { index: 0 } as SimRequest;
const CTX = { nowMs: 0, request: REQUEST, available: [true, true, true] };

function attempt(outcome: SimAttempt['outcome'], latencyMs: number): SimAttempt {
  return { outcome, latencyMs, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, committed: false };
}

describe('LowestLatencyPolicy', () => {
  it('tries unknown deployments first, then orders by EWMA latency with failures penalised', () => {
    const p = new LowestLatencyPolicy(3, 30_000, 0.5);
    p.report({ nowMs: 0, deployment: 0, request: REQUEST, attempt: attempt('success', 2_000) });
    p.report({ nowMs: 0, deployment: 1, request: REQUEST, attempt: attempt('success', 500) });
    expect(p.plan(CTX)).toEqual([2, 1, 0]);
    p.report({ nowMs: 0, deployment: 2, request: REQUEST, attempt: attempt('success', 1_000) });
    expect(p.plan(CTX)).toEqual([1, 2, 0]);
    p.report({ nowMs: 0, deployment: 1, request: REQUEST, attempt: attempt('server_error', 300) });
    // 0.5 · 500 + 0.5 · 30 000 = 15 250
    expect(p.plan(CTX)).toEqual([2, 0, 1]);
    expect(p.weights()).toBeNull();
  });
});
