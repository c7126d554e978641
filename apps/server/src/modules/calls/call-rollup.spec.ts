import { describe, expect, it } from '@jest/globals';
import { LATENCY_BUCKET_COUNT, latencyBucketIndex } from '@stilts/routing';
import { attemptRecord } from '../../../test/support/attempt-record.factory.js';
import { rollUp } from './call-rollup.js';

const T0 = Date.UTC(2026, 10, 24, 10, 15, 0);

describe('rollUp', () => {
  it('groups by minute, route, deployment and key, and sums every measure', () => {
    const rows = rollUp([
      attemptRecord({
        startedAt: T0 + 1_000,
        outcome: 'success',
        latencyMs: 120,
        inputTokens: 10,
        outputTokens: 5,
        costMicroUsd: 7,
      }),
      attemptRecord({
        startedAt: T0 + 59_999,
        outcome: 'server_error',
        latencyMs: 40,
        inputTokens: 0,
        outputTokens: 0,
        costMicroUsd: 0,
      }),
      attemptRecord({
        startedAt: T0 + 2_000,
        outcome: 'success',
        latencyMs: 300,
        inputTokens: 1,
        outputTokens: 2,
        costMicroUsd: 3,
        streamed: true,
        ttftMs: 90,
      }),
      attemptRecord({ startedAt: T0 + 60_000, outcome: 'success', latencyMs: 10 }),
      attemptRecord({ startedAt: T0, deploymentId: 'other', outcome: 'timeout', latencyMs: 5_000 }),
      attemptRecord({ startedAt: T0, apiKeyId: 'key-1', outcome: 'success', latencyMs: 1 }),
    ]);
    expect(rows).toHaveLength(4);
    const main = rows.find(
      (r) => r.minute === T0 && r.deploymentId === 'dep-a' && r.apiKeyId === '',
    );
    expect(main).toMatchObject({
      attempts: 3,
      streamed: 1,
      latencySumMs: 420,
      ttftCount: 1,
      ttftSumMs: 90,
      inputTokens: 11,
      outputTokens: 7,
      costMicroUsd: 10,
    });
    expect(main?.outcomes.success).toBe(2);
    expect(main?.outcomes.server_error).toBe(1);
    // Only successful attempts enter the latency histogram.
    expect(main?.latencyBuckets.reduce((a, b) => a + b, 0)).toBe(2);
    expect(main?.latencyBuckets[latencyBucketIndex(120)]).toBe(1);
    expect(main?.latencyBuckets).toHaveLength(LATENCY_BUCKET_COUNT);
    expect(rows.find((r) => r.minute === T0 + 60_000)?.attempts).toBe(1);
    expect(rows.find((r) => r.deploymentId === 'other')?.outcomes.timeout).toBe(1);
    expect(rows.find((r) => r.apiKeyId === 'key-1')?.attempts).toBe(1);
  });

  it('returns nothing for no records', () => {
    expect(rollUp([])).toEqual([]);
  });
});
