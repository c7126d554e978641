import { describe, expect, it } from '@jest/globals';
import { rollupRow } from '../../test/rollup.factory.js';
import {
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  countAtOrBelow,
} from '../histogram/log-histogram.js';
import { createSeededRng } from '../rng.js';
import { readRollupCounts, withinSloCounter, type RollupInput } from './rollup-input.js';

describe('readRollupCounts', () => {
  it('classifies outcomes and reads the within-SLO count from the histogram', () => {
    const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
    buckets[17] = 6; // (700, 1000] ms
    buckets[22] = 4; // (5000, 7000] ms
    const row: RollupInput = {
      deploymentId: 'a',
      minute: 0,
      attempts: 20,
      outcomes: {
        success: 10,
        rate_limited: 2,
        timeout: 1,
        interrupted: 1,
        misconfigured: 1,
        caller_error: 3,
        aborted: 2,
      },
      latencySumMs: 30_000,
      latencyBuckets: buckets,
      inputTokens: 1,
      outputTokens: 1,
      costMicroUsd: 1,
    };
    expect(readRollupCounts(row, 5_000)).toEqual({
      successes: 10,
      failures: 5,
      neutral: 5,
      fast: 6,
    });
    // 6 000 ms is half-way through (5000, 7000]: 6 + 4/2.
    expect(readRollupCounts(row, 6_000).fast).toBeCloseTo(8, 12);
  });

  it('never reports more fast calls than successes', () => {
    const row = rollupRow({ minute: 0, successes: 3, latencyMs: 100 });
    const inflated = { ...row, outcomes: { success: 2 } };
    expect(readRollupCounts(inflated, 5_000).fast).toBe(2);
  });

  it.each([
    ['a negative count', { outcomes: { success: -1 } }],
    ['a NaN count', { outcomes: { timeout: Number.NaN } }],
    ['an infinite cost', { costMicroUsd: Infinity }],
    ['negative tokens', { inputTokens: -5 }],
    ['a short histogram', { latencyBuckets: [1, 2, 3] }],
    ['a non-finite minute', { minute: Number.NaN }],
    ['a zero duration', { durationMs: 0 }],
  ])('rejects %s', (_name, patch) => {
    const row = { ...rollupRow({ minute: 0, successes: 1 }), ...patch };
    expect(() => readRollupCounts(row, 5_000)).toThrow(RangeError);
  });
});

describe('withinSloCounter', () => {
  it('gives exactly what countAtOrBelow gives, for every kind of SLO', () => {
    const rng = createSeededRng('slo');
    const slos = [0.5, 1, 4, 5, 999, 1_000, 1_001, 5_000, 6_543.2, 600_000, 700_000];
    for (let trial = 0; trial < 50; trial++) {
      const buckets = Array.from({ length: LATENCY_BUCKET_COUNT }, () =>
        Math.floor(rng.next() * 20),
      );
      for (const slo of slos) {
        expect(withinSloCounter(slo)(buckets)).toBe(countAtOrBelow(buckets, slo));
      }
    }
  });

  it('counts whole buckets up to the SLO and none of the overflow bucket', () => {
    const ones = new Array<number>(LATENCY_BUCKET_COUNT).fill(1);
    expect(withinSloCounter(LATENCY_BUCKET_BOUNDS_MS[2]!)(ones)).toBe(3);
    expect(withinSloCounter(1e9)(ones)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('rejects a non-positive SLO', () => {
    expect(() => withinSloCounter(0)).toThrow(RangeError);
    expect(() => withinSloCounter(Number.NaN)).toThrow(RangeError);
  });
});
