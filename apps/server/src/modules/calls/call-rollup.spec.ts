import { describe, expect, it } from '@jest/globals';
import { LATENCY_BUCKET_COUNT, latencyBucketIndex } from '@stilts/routing';
import { attemptRecord } from '../../../test/support/attempt-record.factory.js';
import { coarsen, HOUR_MS, rollUp } from './call-rollup.js';

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

describe('coarsen', () => {
  const records = [
    attemptRecord({ startedAt: T0, apiKeyId: 'key-1', latencyMs: 120, costMicroUsd: 5 }),
    attemptRecord({ startedAt: T0 + 20 * 60_000, apiKeyId: 'key-2', latencyMs: 900 }),
    attemptRecord({ startedAt: T0 + 30 * 60_000, apiKeyId: null, outcome: 'timeout' }),
    attemptRecord({ startedAt: T0 + 30 * 60_000, deploymentId: 'dep-b', costMicroUsd: 7 }),
  ];

  it('merges minutes into hours per key, or over all keys with mergeKeys', () => {
    const minutes = rollUp(records);
    const perKey = coarsen(minutes, HOUR_MS);
    expect(perKey.map((r) => [r.deploymentId, r.apiKeyId, r.attempts])).toEqual([
      ['dep-a', 'key-1', 1],
      ['dep-a', 'key-2', 1],
      ['dep-a', '', 1],
      ['dep-b', '', 1],
    ]);
    const allKeys = coarsen(minutes, HOUR_MS, { mergeKeys: true });
    expect(allKeys).toHaveLength(2);
    const depA = allKeys.find((r) => r.deploymentId === 'dep-a');
    expect(depA).toMatchObject({
      minute: T0 - (T0 % HOUR_MS),
      apiKeyId: '',
      attempts: 3,
      outcomes: expect.objectContaining({ success: 2, timeout: 1 }),
      latencySumMs: 1_020,
      costMicroUsd: 5 + 30 + 30,
    });
    const buckets = depA?.latencyBuckets ?? [];
    expect(buckets[latencyBucketIndex(120)]).toBe(1);
    expect(buckets[latencyBucketIndex(900)]).toBe(1);
    expect(buckets.reduce((a, b) => a + b, 0)).toBe(2);
    // The minute rows it was made from are left as they were.
    expect(minutes.map((r) => r.apiKeyId)).toEqual(['key-1', 'key-2', '', '']);
  });
});
