import { describe, expect, it } from '@jest/globals';
import { createSeededRng } from '../rng.js';
import {
  addBuckets,
  countAtOrBelow,
  emptyLatencyBuckets,
  fractionAtOrBelow,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  latencyBucketIndex,
  quantileFromBuckets,
} from './log-histogram.js';

function histogramOf(values: readonly number[]): number[] {
  const buckets = emptyLatencyBuckets();
  for (const v of values)
    buckets[latencyBucketIndex(v)] = (buckets[latencyBucketIndex(v)] as number) + 1;
  return buckets;
}

describe('latencyBucketIndex', () => {
  it('puts a value in the first bucket whose upper bound is >= it', () => {
    expect(latencyBucketIndex(0)).toBe(0);
    expect(latencyBucketIndex(1)).toBe(0);
    expect(latencyBucketIndex(1.01)).toBe(1);
    expect(latencyBucketIndex(100)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(100));
    expect(latencyBucketIndex(101)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(150));
  });

  it('puts values past the last bound in the overflow bucket', () => {
    expect(latencyBucketIndex(600_000)).toBe(LATENCY_BUCKET_COUNT - 2);
    expect(latencyBucketIndex(600_001)).toBe(LATENCY_BUCKET_COUNT - 1);
    expect(latencyBucketIndex(Number.MAX_SAFE_INTEGER)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it.each([-1, Number.NaN])('rejects %p', (v) => {
    expect(() => latencyBucketIndex(v)).toThrow(RangeError);
  });

  it('has strictly increasing bounds', () => {
    for (let i = 1; i < LATENCY_BUCKET_BOUNDS_MS.length; i++) {
      expect(LATENCY_BUCKET_BOUNDS_MS[i]).toBeGreaterThan(
        LATENCY_BUCKET_BOUNDS_MS[i - 1] as number,
      );
    }
  });
});

describe('quantileFromBuckets', () => {
  it('is null for an empty histogram', () => {
    expect(quantileFromBuckets(emptyLatencyBuckets(), 0.5)).toBeNull();
  });

  it('interpolates inside the bucket holding the rank', () => {
    // 10 values all in the (100, 150] bucket: the median sits halfway through it.
    const h = histogramOf(new Array<number>(10).fill(120));
    expect(quantileFromBuckets(h, 0.5)).toBeCloseTo(125);
    expect(quantileFromBuckets(h, 1)).toBeCloseTo(150);
  });

  it('tracks the true quantiles of a log-normal sample within one bucket', () => {
    const rng = createSeededRng('hist');
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Box-Muller: median 300 ms, sigma 0.6
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      values.push(300 * Math.exp(0.6 * z));
    }
    const sorted = [...values].sort((a, b) => a - b);
    const h = histogramOf(values);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = sorted[Math.floor(q * sorted.length) - 1] as number;
      const estimate = quantileFromBuckets(h, q) as number;
      expect(Math.abs(estimate - truth) / truth).toBeLessThan(0.25);
    }
  });

  it('reports the last finite bound for a quantile in the overflow bucket', () => {
    expect(quantileFromBuckets(histogramOf([1_000_000]), 0.99)).toBe(600_000);
  });

  it.each([0, 1.5, Number.NaN])('rejects q = %p', (q) => {
    expect(() => quantileFromBuckets(histogramOf([1]), q)).toThrow(RangeError);
  });
});

describe('fractionAtOrBelow / countAtOrBelow', () => {
  it('counts whole buckets under the threshold and part of the one containing it', () => {
    const h = histogramOf([5, 5, 120, 120, 2_000]);
    expect(countAtOrBelow(h, 100)).toBe(2);
    expect(countAtOrBelow(h, 125)).toBeCloseTo(2 + 2 * 0.5);
    expect(fractionAtOrBelow(h, 5_000)).toBe(1);
    expect(fractionAtOrBelow(emptyLatencyBuckets(), 100)).toBeNull();
  });
});

describe('addBuckets', () => {
  it('adds element-wise in place and rejects mismatched lengths', () => {
    const a = histogramOf([1, 200]);
    addBuckets(a, histogramOf([1]));
    expect(a[0]).toBe(2);
    expect(() => addBuckets(a, [1, 2])).toThrow(RangeError);
  });
});
